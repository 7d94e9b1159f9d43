# A tensor attribute that does not exist.
import tensorflow as tf
print(tf.constant(1.0).no_such_attribute)
