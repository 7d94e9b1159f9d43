# Shapes that do not broadcast.
import tensorflow as tf
print(tf.ones([2, 3]) + tf.ones([4, 3]))
