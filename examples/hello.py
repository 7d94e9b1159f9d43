# Hello from tfjit: a few eager tensor operations.
import tensorflow as tf

x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
print("hello, tfjit")
print(x)
print(tf.matmul(x, x))
print(f"sum = {float(tf.reduce_sum(x)):.1f}")
