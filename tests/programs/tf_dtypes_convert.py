# Checks dtype inference of Python values, explicit dtype conversion and its errors, and DType objects.
import tensorflow as tf

for v in [3, 2.5, True, [1, 2], [1, 2.5], [1, True], [[1.0], [2.0]], [], [[], []], 2**40, [1, 2**40]]:
    t = tf.constant(v)
    print(repr(v), t.dtype, t.shape)
print(tf.constant(7, dtype=tf.float64))
print(tf.constant(True, dtype=tf.int32), tf.constant(True, dtype=tf.float32))
print(tf.constant([1, 2], dtype=tf.int64).dtype)
print(tf.convert_to_tensor([[1, 2], [3, 4]], dtype=tf.float32))
print(tf.constant(5, shape=[2, 2]))
print(tf.constant([1, 2, 3, 4], shape=[2, 2]))
for bad in [1.5, 2.0, [1.5, 2]]:
    try:
        tf.constant(bad, dtype=tf.int32)
    except TypeError as e:
        print("TypeError", str(e))
try:
    tf.constant(1, dtype=tf.bool)
except TypeError as e:
    print("TypeError", str(e))
try:
    tf.constant([[1], [2, 3]])
except ValueError as e:
    print("ValueError", str(e))
try:
    tf.constant(None)
except ValueError as e:
    print("ValueError", str(e))
try:
    tf.constant([1.0, None])
except ValueError as e:
    print("ValueError", str(e))
try:
    tf.convert_to_tensor(tf.constant([1, 2]), dtype=tf.float32)
except ValueError as e:
    print("ValueError", "requested dtype float32" in str(e))
try:
    tf.constant(tf.constant([1, 2]), dtype=tf.float32)
except TypeError as e:
    print("TypeError", str(e))
print(tf.float32, repr(tf.float32), tf.float32.name, tf.int64.name)
print(tf.float32.is_floating, tf.float32.is_integer, tf.int32.is_integer, tf.bool.is_bool)
print(tf.float32 == tf.float32, tf.float32 == tf.float64, tf.float32 != tf.int32, tf.float32 == "float32")
print(tf.as_dtype("float64") == tf.float64, tf.as_dtype(tf.int32), tf.double)
print(tf.int32.min, tf.int32.max, tf.int64.max, tf.float64.size, tf.bool.size)
print(tf.dtypes.float32 is tf.float32, tf.float32.as_datatype_enum)
d = {tf.float32: "f", tf.int32: "i"}
print(d[tf.float32], d[tf.int32])
try:
    tf.as_dtype("nope")
except TypeError as e:
    print("TypeError", str(e))
print(tf.cast(tf.constant([1.9, -1.9, 0.5]), tf.int64))
print(tf.cast(tf.constant([0.0, 2.0]), tf.bool), tf.cast(tf.constant([True, False]), tf.int32))
print(tf.cast(7, tf.float64), tf.cast([1, 2], tf.float32))
