# Dataset iteration: iter/next, StopIteration, as_numpy_iterator, list(), comprehension, nested loops.
import tensorflow as tf

ds = tf.data.Dataset.from_tensor_slices([3, 1, 2])
it = iter(ds)
print(next(it))
print(next(it).numpy())
print(int(next(it)))
try:
    next(it)
except StopIteration:
    print("StopIteration")
print(next(iter(ds)))
print(list(ds.as_numpy_iterator()))
print(list(tf.data.Dataset.range(3).map(lambda x: (x, {"sq": x * x})).as_numpy_iterator()))
print(len(list(ds)), [x for x in ds][-1])
print(sum(int(x) for x in ds))
for a in tf.data.Dataset.range(2):
    for b in tf.data.Dataset.range(3).skip(1):
        print(int(a), int(b), end="; ")
print()
g = iter(tf.data.Dataset.range(3).batch(2))
print([x.numpy().tolist() for x in g])
print(list(g))
