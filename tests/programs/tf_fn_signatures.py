# input_signature, get_concrete_function, concrete calls and signatures.
import tensorflow as tf


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32), tf.TensorSpec([], tf.int32)])
def head(x, n):
    print("trace head", x.shape, n.shape)
    return x[1:] * tf.cast(n, tf.float32)


print(head(tf.constant([1.0, 2.0, 3.0]), tf.constant(2)))
print(head([4.0, 5.0], 1))
print("tracing count", head.experimental_get_tracing_count())
try:
    head(tf.constant([[1.0]]), tf.constant(1))
except TypeError as e:
    print("TypeError", "Binding inputs" in str(e))
print(head.pretty_printed_concrete_signatures())


@tf.function
def mix(a, b, c=1.5):
    return a * c + b


cf = mix.get_concrete_function(tf.TensorSpec([2], tf.float32), tf.TensorSpec([2], tf.float32))
print(cf.structured_input_signature)
print(cf.structured_outputs)
print(cf(tf.constant([1.0, 2.0]), tf.constant([10.0, 20.0])))
print(mix(tf.constant([1.0, 2.0]), tf.constant([0.5, 0.5])))
print("tracing count", mix.experimental_get_tracing_count())
print(cf)
