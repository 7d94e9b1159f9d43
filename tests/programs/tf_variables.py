# Checks tf.Variable creation, naming, assign/assign_add/assign_sub (incl. UnreadVariable and read_value=False), shapes and errors.
import tensorflow as tf

v = tf.Variable([1.0, 2.0], name="v")
print(v, v.name, v.dtype, v.shape, v.trainable, type(v).__name__)
print(isinstance(v, tf.Variable), isinstance(v, tf.Tensor), isinstance(tf.constant(1), tf.Variable))
r = v.assign([3.0, 4.0])
print(r)
print(r.name, v.numpy())
print(v.assign_add([1.0, 1.0]).numpy(), v.assign_sub([0.5, 0.5]).numpy())
print(v.assign([0.0, 0.0], read_value=False), v.numpy())
v.assign(tf.constant([5.0, 6.0]))
print(v.read_value(), v.value())
print(v + 1.0, 1.0 + v, v * v, -v, v / 2.0, v @ tf.reshape(v, [2, 1]) if False else tf.reduce_sum(v))
print(v > 5.0, v == v, v[0], v[-1:], [float(x) for x in v])
w = tf.Variable(lambda: tf.ones([2, 2]), trainable=False)
print(w.trainable, w.name, w.shape)
c = tf.Variable(3)
c.assign_add(2)
print(c, int(c), float(c), c.numpy().item())
d = tf.Variable(1, dtype=tf.float64)
print(d, d.dtype)
e = tf.Variable(tf.constant(2, tf.int64))
print(e + 1, e.dtype)
f = tf.Variable(v)
v.assign([0.0, 1.0])
print(f.numpy(), v.numpy())
s = tf.Variable([1.0, 2.0], shape=tf.TensorShape(None))
print(s.shape)
s.assign([1.0, 2.0, 3.0])
print(s.numpy(), s.shape)
t = tf.Variable([[1, 2]], shape=[None, 2])
t.assign([[1, 2], [3, 4], [5, 6]])
print(t.shape, t.numpy().tolist())
for name, fn in [
    ("assign shape", lambda: v.assign([1.0, 2.0, 3.0])),
    ("assign dtype tensor", lambda: v.assign(tf.constant([1, 2]))),
    ("assign float to int", lambda: c.assign(2.5)),
    ("assign_add shape", lambda: v.assign_add([1.0])),
    ("init float as int", lambda: tf.Variable(1.5, dtype=tf.int32)),
    ("no init", lambda: tf.Variable()),
    ("hash", lambda: {v: 1}),
    ("len", lambda: len(v)),
    ("scalar float of vector", lambda: float(v)),
]:
    try:
        fn()
        print(name, "ok")
    except (TypeError, ValueError, tf.errors.InvalidArgumentError) as e:
        print(name, type(e).__name__)
try:
    {v: 1}
except TypeError as e:
    print(str(e).startswith("Variable is unhashable. Instead, use variable.ref() as the key."))
refs = {v.ref(): "v", w.ref(): "w"}
print(refs[v.ref()], refs[w.ref()], v.ref() == v.ref(), v.ref() == w.ref(), v.ref().deref() is v)
print(f"{c.numpy()}", tf.Variable(2.5).numpy(), tf.Variable(True).numpy())
