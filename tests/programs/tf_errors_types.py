# Checks tf.errors classes, their hierarchy, and which TF ops raise which error types eagerly.
import tensorflow as tf

print(issubclass(tf.errors.InvalidArgumentError, tf.errors.OpError), issubclass(tf.errors.OpError, Exception))
print(issubclass(tf.errors.ResourceExhaustedError, tf.errors.OpError), issubclass(tf.errors.OutOfRangeError, tf.errors.OpError))
print(issubclass(tf.errors.InvalidArgumentError, ValueError), tf.errors.InvalidArgumentError.__name__)
cases = [
    ("reshape", lambda: tf.reshape(tf.range(6), [4, 2])),
    ("matmul", lambda: tf.matmul(tf.ones([2, 3]), tf.ones([2, 3]))),
    ("dtype", lambda: tf.constant(1) + tf.constant(1.0)),
    ("gather", lambda: tf.gather(tf.constant([1, 2]), [5])),
    ("slice", lambda: tf.range(3)[5]),
    ("concat", lambda: tf.concat([tf.zeros([2, 2]), tf.zeros([2, 3])], 0)),
    ("floordiv zero", lambda: tf.constant([1]) // tf.constant([0])),
    ("transpose perm", lambda: tf.transpose(tf.zeros([2, 3]), [0, 0])),
    ("tile rank", lambda: tf.tile(tf.zeros([2]), [1, 2])),
    ("split uneven", lambda: tf.split(tf.range(5), 2)),
    ("unhashable", lambda: {tf.constant(1): 0}),
    ("truth", lambda: bool(tf.constant([1, 2]))),
    ("name", lambda: tf.constant(1).name),
    ("ok", lambda: tf.constant(1) + 1),
]
for name, fn in cases:
    try:
        fn()
        print(name, "no error")
    except tf.errors.OpError as e:
        print(name, type(e).__name__, isinstance(e, tf.errors.OpError))
    except Exception as e:
        print(name, type(e).__name__, str(e))
try:
    raise tf.errors.InvalidArgumentError(None, None, "custom message")
except tf.errors.OpError as e:
    print(type(e).__name__)
