# Checks tf.print formatting: tensors, variables, scalars, Python structures with tensors, sep/end/summarize, stream ordering.
import sys
import tensorflow as tf

t = tf.constant([1, 2])
tf.print(t, output_stream=sys.stdout)
tf.print("text", 1, 2.5, True, None, output_stream=sys.stdout)
print("python print in between")
tf.print([1, 2, 3], (4, 5), (6,), output_stream=sys.stdout)
tf.print({"k": 1.5, "a": t}, output_stream=sys.stdout)
tf.print(["a", t, 1.5, (t, None)], output_stream=sys.stdout)
tf.print("x", "y", output_stream=sys.stdout, sep=",", end="|\n")
tf.print(tf.range(10), output_stream=sys.stdout)
tf.print(tf.range(10), output_stream=sys.stdout, summarize=2)
tf.print(tf.range(10), output_stream=sys.stdout, summarize=-1)
tf.print(tf.reshape(tf.range(16), [4, 4]), output_stream=sys.stdout, summarize=1)
tf.print(tf.constant(2.5), tf.constant([1.5, 2.25]), tf.constant([[True, False]]), output_stream=sys.stdout)
tf.print(tf.Variable([1.0, 2.0]), output_stream=sys.stdout)
tf.print(tf.constant(7, tf.int64), tf.constant([0.5], tf.float64), output_stream=sys.stdout)
tf.print(output_stream=sys.stdout)
tf.print("to stderr")
print("done")
