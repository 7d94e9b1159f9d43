# tf.data transformations: map (structures, trace once), batch, take, skip, repeat, enumerate, zip, cardinality.
import sys
import tensorflow as tf


def double(x):
    print("tracing double:", x)
    tf.print("double", x, output_stream=sys.stdout)
    return x * 2


d = tf.data.Dataset.range(3).map(double)
print("mapped", d)
print([int(x) for x in d])
print([int(x) for x in d])

pairs = tf.data.Dataset.from_tensor_slices(([1, 2, 3], [10.0, 20.0, 30.0]))
swapped = pairs.map(lambda a, b: (b, a))
print(swapped.element_spec)
print([(float(b), int(a)) for b, a in swapped])
as_list = tf.data.Dataset.range(2).map(lambda x: [x, x + 1])
print(as_list.element_spec)
recs = pairs.map(lambda a, b: {"sum": tf.cast(a, tf.float32) + b, "a": a})
print(recs.element_spec)
for r in recs.batch(2):
    print(r["sum"].numpy(), r["a"].numpy())
print(tf.data.Dataset.range(2).map(lambda x: 1.5).element_spec)

b = tf.data.Dataset.range(10).batch(4)
print(b, b.cardinality(), len(b))
for x in b:
    print(x.numpy())
bd = tf.data.Dataset.range(10).batch(4, drop_remainder=True)
print(bd.element_spec, len(bd))
for x in tf.data.Dataset.range(5).map(lambda x: tf.fill([2], x)).batch(2):
    print(x.shape, x.numpy().tolist())
for x in tf.data.Dataset.range(6).batch(2).batch(2):
    print(x.numpy().tolist())

print([int(x) for x in tf.data.Dataset.range(10).skip(7)])
print([int(x) for x in tf.data.Dataset.range(10).take(3)])
print([int(x) for x in tf.data.Dataset.range(10).take(-1).skip(8)])
print(len(tf.data.Dataset.range(3).skip(5)), len(tf.data.Dataset.range(3).skip(-1)))
rep = tf.data.Dataset.range(3).repeat(2)
print(rep, [int(x) for x in rep])
inf = tf.data.Dataset.range(3).repeat()
print(inf.cardinality(), [int(x) for x in inf.take(7)])
try:
    len(inf)
except TypeError as e:
    print("TypeError", e)
print(list(inf.batch(2).take(2).as_numpy_iterator()))

en = tf.data.Dataset.from_tensor_slices([5.0, 6.0]).enumerate(start=3)
print(en)
for i, v in en:
    print(int(i), float(v))
z = tf.data.Dataset.zip((tf.data.Dataset.range(5), tf.data.Dataset.range(10, 13)))
print(z.cardinality(), [(int(a), int(b)) for a, b in z])
zd = tf.data.Dataset.zip({"x": tf.data.Dataset.range(2), "y": tf.data.Dataset.range(2).map(lambda v: v * 10)})
print(zd.element_spec)
print([(int(e["x"]), int(e["y"])) for e in zd])
print(tf.data.Dataset.zip(tf.data.Dataset.range(2), tf.data.Dataset.range(3)).element_spec)
print(tf.data.INFINITE_CARDINALITY, tf.data.UNKNOWN_CARDINALITY)
