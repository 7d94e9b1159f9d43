# Adding int32 and float32 tensors.
import tensorflow as tf
print(tf.constant(1) + tf.constant(1.0))
