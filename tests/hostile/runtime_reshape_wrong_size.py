# Reshaping 6 elements into 8.
import tensorflow as tf
print(tf.reshape(tf.range(6), [4, 2]))
