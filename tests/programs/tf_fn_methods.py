# tf.function on methods: one trace cache per instance, modules and nested calls.
import tensorflow as tf


class Affine(tf.Module):
    def __init__(self, a, b, name=None):
        super().__init__(name=name)
        self.a = tf.Variable(a)
        self.b = b

    @tf.function
    def __call__(self, x):
        print("trace", self.name, self.b)
        return self.a * x + self.b


p = Affine(2.0, 1.0, name="p")
q = Affine(3.0, -1.0, name="q")
print(p(tf.constant(1.0)), q(tf.constant(1.0)))
print(p(tf.constant(2.0)), q(tf.constant(2.0)))
print("tracing counts", p.__call__.experimental_get_tracing_count(), q.__call__.experimental_get_tracing_count())
p.a.assign(10.0)
print(p(tf.constant(1.0)))


@tf.function
def inner(x):
    print("trace inner")
    return x + 1


@tf.function
def outer(x):
    print("trace outer")
    return inner(x) * inner(x + 1)


print(outer(tf.constant(1)))
print(outer(tf.constant(2)))
print("tracing count", outer.experimental_get_tracing_count())
g = tf.function(lambda x, y: x @ y)
print(g(tf.constant([[1.0, 2.0]]), tf.constant([[3.0], [4.0]])))
