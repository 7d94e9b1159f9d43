# Inspecting traced graphs: op types, names, inputs, outputs, symbolic tensors.
import tensorflow as tf

v = tf.Variable([1.0, 2.0])


@tf.function
def f(x):
    y = tf.add(x, 1.0, name="plus_one")
    print("trace y:", y)
    print("trace repr:", repr(y), y.op.type, y.name)
    z = tf.reduce_sum(y * v)
    return z


c = f.get_concrete_function(tf.TensorSpec([2], tf.float32))
ops = c.graph.get_operations()
print([op.type for op in ops])
for op in ops:
    if op.name == "plus_one":
        print(op.type, [t.name for t in op.inputs], [t.shape for t in op.outputs])
print(c.structured_outputs)
print(c(tf.constant([1.0, 1.0])))
gd = c.graph.as_graph_def()
print([n.op for n in gd.node][:3])
print(any(n.name == "plus_one" and list(n.input) == ["x", "plus_one/y"] for n in gd.node))


@tf.function
def shapes(x):
    print("trace", x.shape, x.shape.rank, x.shape[0], x.dtype)
    return tf.shape(x)


print(shapes.get_concrete_function(tf.TensorSpec([None, 4], tf.int32)).structured_outputs)
print(shapes(tf.zeros([3, 4], tf.int32)))
