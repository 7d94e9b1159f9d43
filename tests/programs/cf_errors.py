# Control flow: AutoGraph errors (one-branch variable, dtype/shape change, None, return in loop) are raised at trace time.
import tensorflow as tf


@tf.function
def one_branch(x):
    if x > 0:
        y = x
    return y


@tf.function
def dtype_change(n):
    x = tf.constant(0)
    for i in tf.range(n):
        x = tf.cast(x, tf.float32)
    return x


@tf.function
def shape_change(n):
    x = tf.constant([1.0])
    while n > 0:
        x = tf.concat([x, x], 0)
        n -= 1
    return x


@tf.function
def returns_in_loop(v):
    for x in v:
        if x > 2:
            return x
    return tf.constant(0)


for f, arg in [(one_branch, tf.constant(1.0)), (dtype_change, tf.constant(2)), (shape_change, tf.constant(2)), (returns_in_loop, tf.constant([1, 3]))]:
    try:
        f(arg)
        print("trace no error")
    except (ValueError, TypeError, NotImplementedError) as e:
        msg = str(e)
        print("trace error", type(e).__name__, "branch" in msg or "after one iteration" in msg or "return statement" in msg)
print("done")


@tf.function
def vector_condition(x):
    while x > 0:
        x = x - 1.0
    return x


try:
    vector_condition(tf.constant([3.0, 1.0]))
except ValueError as e:
    msg = str(e)
    # TF shows the condition as a graph tensor: Tensor("while/Greater:0", shape=(2,), dtype=bool)
    print("trace error vector condition", "expected to be `tf.bool` scalar, got Tensor(" in msg, "shape=(2,), dtype=bool)" in msg)
