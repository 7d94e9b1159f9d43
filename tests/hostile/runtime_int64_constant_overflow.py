# A Python int too large for any TF integer type.
import tensorflow as tf
print(tf.constant(2 ** 70))
