# Checks slicing edge cases: negative steps, clamping, newaxis, ellipsis, tensor indices, variables and errors.
import tensorflow as tf

x = tf.reshape(tf.range(24), [2, 3, 4])
v = tf.range(10)
print(v[::-1], v[-1:-4:-1], v[8:100], v[-100:2], v[5:2], v[::3])
print(v[tf.constant(3)], v[tf.constant(2):tf.constant(5)], v[tf.constant(-1, tf.int64)])
print(x[..., 0], x[1, ...], x[..., 1, :].shape, x[tf.newaxis].shape, x[:, tf.newaxis, 0].shape)
print(x[None, ..., None].shape, x[-1, -1, -1], x[0][1][2], x[:, :, ::-2])
print(x[1:, 1:, 1:].shape, x[:, 5:].shape, x[0, :0].shape)
print(tf.constant(7)[None], tf.constant(7)[...])
w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
print(w[1], w[:, 0], w[-1, -1])
n = x.numpy()
print(n[1, 2], n[..., 3], n[:, ::2, 0], n[None].shape, n[-1][-1][-1])
for name, fn in [
    ("index 5", lambda: v[10]),
    ("scalar index", lambda: tf.constant(1.0)[0]),
    ("tensor oob", lambda: v[tf.constant(12)]),
    ("float index", lambda: v[1.5]),
    ("str index", lambda: v["a"]),
    ("two ellipses", lambda: x[..., ...]),
    ("numpy oob", lambda: n[0, 5]),
    ("numpy scalar", lambda: n[0, 0, 0][0]),
]:
    try:
        r = fn()
        print(name, "ok", r)
    except (TypeError, IndexError, ValueError, tf.errors.InvalidArgumentError) as e:
        print(name, type(e).__name__)
print([int(t) for t in tf.constant([3, 1, 2])])
print([t.shape for t in x])
print(len(x), len(x[0]), len(x.numpy()))
try:
    len(tf.constant(3))
except TypeError as e:
    print("TypeError", str(e))
try:
    for t in tf.constant(3):
        pass
except TypeError as e:
    print("TypeError", str(e))
