# float() of a tensor with several elements.
import tensorflow as tf
print(float(tf.constant([1.0, 2.0])))
