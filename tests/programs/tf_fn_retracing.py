# reduce_retracing relaxes shapes; tf.config.run_functions_eagerly runs bodies every call.
import tensorflow as tf


@tf.function(reduce_retracing=True)
def norm(x):
    print("trace norm", x.shape)
    return tf.reduce_sum(x * x)


for n in [1, 2, 3, 4]:
    print(norm(tf.ones([n])))
print(norm(tf.ones([2, 2])))
print(norm(tf.ones([3, 3, 3])))
print("tracing count", norm.experimental_get_tracing_count())


@tf.function
def twice(x):
    print("trace twice")
    return x * 2


print(twice(tf.constant(1)))
tf.config.run_functions_eagerly(True)
print(tf.config.functions_run_eagerly())
print(twice(tf.constant(2)))
print(twice(tf.constant(3)))
tf.config.run_functions_eagerly(False)
print(twice(tf.constant(4)))
print("tracing count", twice.experimental_get_tracing_count())


@tf.function
def structured(x):
    return {"sum": tf.reduce_sum(x), "parts": [x[0], x[-1]], "none": None, "n": 3}


out = structured(tf.constant([1, 2, 3]))
print(sorted(out.keys()))
print(out["sum"], out["parts"], out["none"], out["n"])
