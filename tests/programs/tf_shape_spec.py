# Checks the tf.TensorShape API (unknown dims and rank, Dimension, comparison, slicing) and tf.TensorSpec.
import tensorflow as tf

s = tf.TensorShape([2, None, 4])
print(s, repr(s), s.rank, len(s), s[0], s[1], s[-1], s[1:], repr(s[:1]))
print(s.as_list(), list(s), s.dims, [str(d) for d in s.dims], s.dims[0].value)
print(s.is_fully_defined(), tf.TensorShape([2, 3]).is_fully_defined(), s.num_elements(), tf.TensorShape([2, 3]).num_elements())
print(s.is_compatible_with([2, 5, 4]), s.is_compatible_with([3, 5, 4]), s.is_compatible_with(tf.TensorShape(None)))
print(tf.TensorShape([2, 3]) == [2, 3], tf.TensorShape([2, 3]) == (2, 3), tf.TensorShape([2, 3]) != [2, 4])
print(tf.TensorShape([None]) == tf.TensorShape([None]), tf.TensorShape([2]) == "x")
print(bool(tf.TensorShape([])), bool(tf.TensorShape(None)), bool(tf.TensorShape([0])))
u = tf.TensorShape(None)
print(u, repr(u), u.rank, u.dims, u[3], u == tf.TensorShape(None))
try:
    u.as_list()
except ValueError as e:
    print("ValueError", str(e))
try:
    len(u)
except ValueError as e:
    print("ValueError", str(e))
try:
    s[7]
except IndexError as e:
    print("IndexError", str(e))
print(s.merge_with([None, 3, 4]), s.concatenate([5]), tf.TensorShape([1]).concatenate(u))
print(tf.TensorShape((1, 2)), tf.TensorShape([]), tf.TensorShape([0, 1]))
print(tf.zeros([3, 2]).shape == tf.TensorShape([3, 2]), tf.zeros([3, 2]).get_shape())
t = tf.zeros([3, 2])
print(t.shape[0] * t.shape[1], t.shape.rank, t.ndim)
spec = tf.TensorSpec([None, 2], tf.int32, name="inp")
print(spec, repr(spec), spec.shape, spec.dtype, spec.name)
print(tf.TensorSpec([3]), tf.TensorSpec(shape=None, dtype=tf.float64))
print(tf.TensorSpec([None]).is_compatible_with(tf.constant([1.0, 2.0])), spec.is_compatible_with(tf.constant([1.0, 2.0])))
print(tf.TensorSpec([2], tf.float32) == tf.TensorSpec([2], tf.float32), tf.TensorSpec([2]) == tf.TensorSpec([3]))
print(isinstance(s, tf.TensorShape), isinstance(spec, tf.TensorSpec), isinstance(t, tf.Tensor), isinstance(s, tf.Tensor))
