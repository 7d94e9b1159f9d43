# Checks operator conversion of Python scalars, reflected operators, int division and dtype errors.
import tensorflow as tf

i = tf.constant([7, -7, 3])
f = tf.constant([1.5, -2.0, 4.0])
print(i + 1, 1 + i, i - 1, 10 - i)
print(i * 2, 2 * i, i // 2, i % 3, 2 ** tf.constant([0, 1, 5]))
print(f + 1, 1 + f, f * 2, f / 2, 3 / f, f ** 2, -f)
print(i / 2, tf.constant([1, 2]) / tf.constant([4, 8]), 2 / tf.constant(4))
print(tf.constant([1, 2], tf.int64) / 4)
print(f > 0, 0 < f, f >= 1.5, f <= -2, i == 3, i != 3, 3 == i)
print(tf.constant([True, False]) & tf.constant([True, True]), tf.constant([True, False]) | False)
print(~tf.constant([True, False]), tf.constant(True) ^ tf.constant(True))
print(abs(tf.constant([-1.5, 2.0])), abs(tf.constant(-3)))
print(tf.constant([[1.0, 2.0]]) @ tf.constant([[3.0], [4.0]]))
print(i == None, i != None)
print(tf.constant([1, 2]) == tf.constant([1, 2, 3]))
for name, fn in [
    ("int + float", lambda: tf.constant(1) + 1.5),
    ("int - float", lambda: tf.constant(1) - 1.5),
    ("float * int tensor", lambda: tf.constant(1.0) * tf.constant(2)),
    ("float + reflected", lambda: 1.5 + tf.constant(1)),
    ("int / float", lambda: tf.constant(1) / 1.5),
    ("int > float", lambda: tf.constant([1, 2]) > 1.5),
    ("int == float", lambda: tf.constant([1, 2]) == 1.5),
    ("shape", lambda: tf.zeros([2]) + tf.zeros([3])),
    ("int // 0", lambda: tf.constant(3) // 0),
    ("bool + bool", lambda: tf.constant(True) + tf.constant(True)),
    ("matmul rank 1", lambda: tf.constant([1.0]) @ tf.constant([[1.0]])),
    ("add None", lambda: tf.constant([1.0]) + None),
]:
    try:
        r = fn()
        print(name, "ok", r)
    except (TypeError, ValueError, tf.errors.InvalidArgumentError) as e:
        print(name, type(e).__name__)
print(tf.add(1.5, 2), tf.add(tf.constant(1), 2), tf.subtract(5.0, tf.constant([1.0])))
print(tf.multiply(3, 4), tf.maximum(tf.constant([1, 5]), 3), tf.minimum(2.5, tf.constant([1.0, 4.0])))
print(tf.divide(7, tf.constant(2)), tf.divide(tf.constant(7.0), 2.0), tf.truediv(7, 2))
print(tf.math.floordiv(-7, 2), tf.math.floormod(-7, 2), tf.math.mod(7.5, 2.0))
print(tf.pow(2, 10), tf.pow(tf.constant(2.0), 0.5) ** 2 > 1.99)
print(tf.math.squared_difference(tf.constant([1.0, 5.0]), 3.0))
try:
    tf.maximum(tf.constant(1), 1.5)
except TypeError as e:
    print("TypeError", str(e))
try:
    tf.add(tf.constant(1), 1.5)
except tf.errors.InvalidArgumentError as e:
    print("InvalidArgumentError")
