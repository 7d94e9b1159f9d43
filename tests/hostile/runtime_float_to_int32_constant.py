# A float that cannot become an int32 tensor.
import tensorflow as tf
print(tf.constant(3.5, dtype=tf.int32))
