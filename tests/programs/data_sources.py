# tf.data sources: from_tensor_slices / from_tensors / range, element_spec, printing, TF's errors.
import tensorflow as tf

ds = tf.data.Dataset.from_tensor_slices([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
print(ds)
print(ds.element_spec)
print(type(ds).__name__, isinstance(ds, tf.data.Dataset))
for row in ds:
    print(row)

nested = tf.data.Dataset.from_tensor_slices(({"b": [1, 2], "a": [1.5, 2.5]}, tf.constant([[1, 2], [3, 4]])))
print(nested.element_spec)
for d, v in nested:
    print(sorted(d.keys()), int(d["b"]), float(d["a"]), v.numpy())

single = tf.data.Dataset.from_tensor_slices((tf.range(3),))
print(single.element_spec)
print([t[0].numpy() for t in single])

one = tf.data.Dataset.from_tensors({"x": [1, 2, 3], "y": 2.0})
print(one)
print(len(one), [sorted(e.keys()) for e in one])

for args in [(5,), (2, 7), (10, 0, -3), (0, 10, 4), (3, 3)]:
    r = tf.data.Dataset.range(*args)
    print(args, [int(x) for x in r], int(r.cardinality()), len(r))
print(tf.data.Dataset.range(4, output_type=tf.int32).element_spec)
print(next(iter(tf.data.Dataset.range(4, output_type=tf.float32))))

empty = tf.data.Dataset.from_tensor_slices(tf.zeros([0, 2]))
print(empty.element_spec, len(empty), list(empty))

for bad in [lambda: tf.data.Dataset.from_tensor_slices(([1, 2], [1.0, 2.0, 3.0])),
            lambda: tf.data.Dataset.from_tensor_slices(tf.constant(3)),
            lambda: tf.data.Dataset.range(0, 5, 0),
            lambda: tf.data.Dataset.range(3).batch(0)]:
    try:
        bad()
        print("no error")
    except (ValueError, tf.errors.InvalidArgumentError) as e:
        print(type(e).__name__)
