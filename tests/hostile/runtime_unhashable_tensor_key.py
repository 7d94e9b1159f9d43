# A tensor as a dict key (tensors are unhashable).
import tensorflow as tf
d = {tf.constant(1): 'one'}
