# Errors from tf.function (lines starting with 'trace' are trace-time only): trace-time ValueError/TypeError, run-time InvalidArgumentError, bool of a symbolic tensor.
import tensorflow as tf


@tf.function
def mm(a, b):
    return tf.matmul(a, b)


try:
    mm(tf.ones([2, 3]), tf.ones([2, 3]))
except Exception as e:
    print("trace-time error:", type(e).__name__, "Dimensions must be equal" in str(e))


@tf.function(input_signature=[tf.TensorSpec([None, None]), tf.TensorSpec([None, None])])
def mm_dyn(a, b):
    return tf.matmul(a, b)


try:
    mm_dyn(tf.ones([2, 3]), tf.ones([2, 3]))
except tf.errors.InvalidArgumentError as e:
    print("run InvalidArgumentError", "Matrix size-incompatible" in str(e))
print(mm_dyn(tf.ones([2, 3]), tf.ones([3, 1])))


@tf.function
def add(a, b):
    return a + b


try:
    add(tf.constant(1), tf.constant(1.0))
except Exception as e:
    print("trace-time error:", type(e).__name__)


@tf.function
def bad_var(x):
    v = tf.Variable(x)
    return v * 2


try:
    bad_var(tf.constant(1.0))
    print("trace: no error when running eagerly")
except ValueError as e:
    print("trace-time error: ValueError", "singleton" in str(e))


@tf.function
def raises(x, n):
    if n > 2:
        raise ValueError("n too big")
    return x * n


print(raises(tf.constant(2), 2))
try:
    raises(tf.constant(2), 3)
except ValueError as e:
    print("ValueError", "n too big" in str(e))
print("tracing count", raises.experimental_get_tracing_count())
