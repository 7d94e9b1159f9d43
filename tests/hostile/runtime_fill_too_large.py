# tf.fill with a huge shape.
import tensorflow as tf
x = tf.fill([50000, 50000, 50], 1.0)
print(x.shape)
