# Checks .numpy() arrays and NumPy scalars: printing, dtype promotion with Python scalars and arrays, tolist, item, truthiness.
import tensorflow as tf

a = tf.constant([[1.5, 2.0], [3.0, 4.5]]).numpy()
i = tf.constant([1, 2, 3]).numpy()
print(a, repr(a))
print(i, repr(i), i.dtype, repr(i.dtype), a.dtype == tf.float32)
print(a.shape, a.ndim, a.size, i.shape, a.T)
print(a * 2, a + 0.5, i * 2, i + 1, i / 2, i * 2.5, i // 2)
print(repr(a * 2), repr(i * 2.5), repr(i / 2))
print(i == 2, a > 2, i + i, a - a, -i)
s = tf.constant(2.5).numpy()
print(s, repr(s), type(s).__name__, s * 2, repr(s * 2), s + 1, repr(s + 1))
k = tf.constant(7).numpy()
print(k, repr(k), type(k).__name__, k * 2, repr(k * 2), repr(k * 1.5), k.item(), type(k.item()).__name__)
b = tf.constant(True).numpy()
print(b, repr(b), type(b).__name__, bool(b))
print(tf.constant(1.0 / 3.0).numpy(), repr(tf.constant(1.0 / 3.0).numpy()), tf.constant(0.1).numpy().item())
print(a.tolist(), i.tolist(), tf.constant([[True, False]]).numpy().tolist())
print(a[0].tolist(), a[0, 1].item(), i[-1], repr(i[-1]), float(a[1, 1]), int(i[0]))
print(f"{s:.3f}", f"{k:03d}", f"{a[0, 0]:.1f}", f"{i}", f"{s}")
print(len(a), [x.tolist() for x in a], [int(x) for x in i])
print(bool(tf.constant([5]).numpy()), tf.constant(0.0).numpy() == 0)
try:
    bool(i)
except ValueError as e:
    print("ValueError", str(e))
try:
    float(i)
except TypeError as e:
    print("TypeError", str(e))
try:
    len(s)
except TypeError as e:
    print("TypeError")
print(tf.constant(a), tf.constant(i).dtype, tf.convert_to_tensor(i * 2.5).dtype)
print(tf.constant([1.0, 2.0]) + a[0], a[0] + tf.constant([1.0, 2.0]))
print(tf.constant(3.0).numpy() + tf.constant(1.0).numpy(), i.reshape([3, 1]).shape)
print(tf.zeros([2, 0]).numpy(), repr(tf.zeros([2, 0]).numpy()), repr(tf.zeros([0]).numpy()))
print(repr(tf.constant([1.0, 2.0], tf.float64).numpy()), repr(tf.constant([1, 2], tf.int64).numpy()))
