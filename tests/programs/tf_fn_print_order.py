# print at trace time only; tf.print on every call, interleaved with Python print.
import sys
import tensorflow as tf


@tf.function
def step(x):
    print("trace step: x is", x)
    tf.print("step got", x, output_stream=sys.stdout)
    y = x * x
    print("trace step: y is", y)
    tf.print("square", y, "list", [x, y], output_stream=sys.stdout)
    return y


for i in range(3):
    print("before call", i)
    print("result", step(tf.constant(i)))
print("float call")
print(step(tf.constant(1.5)))
tf.print("long", tf.range(20), output_stream=sys.stdout)


@tf.function
def summarize(v):
    tf.print(v, summarize=2, output_stream=sys.stdout)
    tf.print("sep", "end", sep="+", end="|\n", output_stream=sys.stdout)
    return tf.size(v)


print(summarize(tf.range(10)))
