# Checks shape-manipulating ops: reshape, transpose, expand/squeeze, concat, stack, unstack, split, tile, gather, broadcast_to, one_hot, einsum, eye, fill, range, linspace.
import tensorflow as tf

x = tf.reshape(tf.range(12), [3, 4])
print(tf.reshape(x, [2, 2, 3]).shape, tf.reshape(x, [-1, 6]).shape, tf.reshape(x, tf.constant([4, 3])).shape)
print(tf.reshape(tf.constant(5), [1, 1]))
print(tf.transpose(x, perm=[1, 0]).shape, tf.transpose(tf.zeros([2, 3, 5]), [2, 0, 1]).shape)
print(tf.expand_dims(x, 1).shape, tf.expand_dims(tf.constant(3), 0))
print(tf.squeeze(tf.zeros([1, 2, 1, 3])).shape, tf.squeeze(tf.zeros([1, 2, 1, 3]), [0, 2]).shape)
print(tf.concat([x, x], axis=-1).shape, tf.concat([[1, 2], [3]], 0), tf.concat([x], 0).shape)
print(tf.stack([1, 2, 3]), tf.stack([x, x], axis=-1).shape, tf.stack([tf.constant(1.0), 2.0]))
a, b, c = tf.unstack(x, axis=0)
print(c, len(tf.unstack(x, axis=1)))
print(tf.split(x, 2, axis=1)[1])
print([t.shape for t in tf.split(x, [1, 2], 0)])
print(tf.split(tf.range(5), [2, -1])[1])
print(tf.tile(tf.constant([[1, 2]]), [2, 2]))
print(tf.gather(x, [2, 0]), tf.gather(x, 1, axis=1), tf.gather(x, [[0, 1], [1, 0]]).shape)
print(tf.gather(tf.constant([1.5, 2.5]), tf.constant([1, 1, 0])))
print(tf.broadcast_to(tf.constant([1, 2, 3]), [2, 3]))
print(tf.broadcast_to(tf.constant(7.0), (2,)))
print(tf.one_hot([2, 0], 3, on_value=5, off_value=-1))
print(tf.one_hot([1, 0], 2, axis=0))
print(tf.one_hot(tf.constant([0, 1]), 2, dtype=tf.float64))
print(tf.einsum("ij,jk->ik", tf.ones([2, 3]), tf.ones([3, 2])))
print(tf.einsum("ij->j", tf.reshape(tf.range(6.0), [2, 3])))
print(tf.einsum("i,i->", tf.constant([1, 2, 3]), tf.constant([4, 5, 6])))
print(tf.eye(2, dtype=tf.float64), tf.eye(3, 2))
print(tf.fill([2], 7.5), tf.fill((1, 2), False))
print(tf.zeros(3, tf.int64), tf.ones((2,), dtype=tf.bool), tf.zeros(tf.constant([2, 1])))
print(tf.zeros_like(tf.constant([1.5, 2.5])), tf.ones_like(tf.constant([[True]])))
print(tf.range(3, dtype=tf.float32), tf.range(2.0, 5), tf.range(5, 0, -2), tf.range(tf.constant(3)))
print(tf.range(0, 1, 0.25, dtype=tf.float64))
print(tf.linspace(0, 1, 3), tf.linspace(-1.0, 1.0, 5), tf.linspace(2.0, 3.0, 1))
print(tf.shape(x), tf.size(x), tf.rank(x), tf.shape(x, out_type=tf.int64), tf.size(5))
print(tf.identity(x).shape, tf.stop_gradient(tf.constant(1.0)))
try:
    tf.reshape(x, [5, -1])
except tf.errors.InvalidArgumentError as e:
    print("InvalidArgumentError")
try:
    tf.concat([tf.zeros([2]), tf.zeros([2, 2])], 0)
except (tf.errors.InvalidArgumentError, ValueError) as e:
    print(type(e).__name__)
try:
    tf.gather(tf.constant([1, 2]), 2)
except tf.errors.InvalidArgumentError as e:
    print("InvalidArgumentError", "not in [0, 2)" in str(e))
