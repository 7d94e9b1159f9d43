# The truth value of a tensor with several elements.
import tensorflow as tf
if tf.constant([1, 2]):
    print('yes')
