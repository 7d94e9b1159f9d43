# An allocation of 10^12 floats must fail, not exhaust the machine.
import tensorflow as tf
x = tf.zeros([100000, 100000, 100])
print(x.shape)
