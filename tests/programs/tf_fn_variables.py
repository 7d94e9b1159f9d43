# Variables in tf.function: captured by reference, assigns in program order, lazy creation.
import sys
import tensorflow as tf

counter = tf.Variable(0)
scale = tf.Variable(2.0)


@tf.function
def bump(n):
    print("trace bump")
    counter.assign_add(n)
    tf.print("counter now", counter, output_stream=sys.stdout)
    return counter.read_value() * 10


print(bump(tf.constant(1)))
print(bump(tf.constant(2)))
counter.assign(100)
print(bump(tf.constant(3)))
print(counter.numpy())


@tf.function
def apply(x):
    return x * scale


print(apply(tf.constant([1.0, 2.0])))
scale.assign(-1.0)
print(apply(tf.constant([1.0, 2.0])))


class Lazy(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = None

    @tf.function
    def __call__(self, x):
        print("trace lazy", x.shape)
        if self.w is None:
            self.w = tf.Variable(tf.ones([x.shape[-1]]) * 3.0)
        return tf.reduce_sum(x * self.w)


m = Lazy()
print(m(tf.constant([1.0, 2.0])))
print(m(tf.constant([2.0, 2.0])))
print(len(m.variables), m.w.numpy())


class FromInput:
    def __init__(self):
        self.v = None

    @tf.function
    def __call__(self, x):
        if self.v is None:
            self.v = tf.Variable(x + 1.0)
        self.v.assign_add(x)
        return self.v.read_value()


f = FromInput()
print(f(tf.constant(1.0)))
print(f(tf.constant(1.0)))
print(f.v.numpy())
