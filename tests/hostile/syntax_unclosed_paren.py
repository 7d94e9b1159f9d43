# A parenthesis that is never closed.
import tensorflow as tf
print(tf.constant([1, 2]
print('after')
