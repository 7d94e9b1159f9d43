# Control flow: TensorArray eagerly and in tf.function loops (fixed and dynamic size, read, gather, unstack).
import tensorflow as tf


@tf.function
def cumulative(v):
    print("trace cumulative")
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    s = tf.constant(0.0)
    i = 0
    for x in v:
        s += x
        ta = ta.write(i, s)
        i += 1
    return ta.stack(), ta.size()


out, n = cumulative(tf.constant([1.0, 2.0, 3.0]))
print(out, int(n))


@tf.function
def squares(n):
    ta = tf.TensorArray(tf.int32, size=n)
    for i in tf.range(n):
        ta = ta.write(i, i * i)
    return ta.stack(), ta.read(n - 1), ta.gather([1, 2])


s, last, g = squares(tf.constant(5))
print(s, last, g)


@tf.function
def reverse(v):
    ta = tf.TensorArray(tf.int32, size=tf.size(v)).unstack(v)
    out = tf.TensorArray(tf.int32, size=tf.size(v))
    n = tf.size(v)
    for i in tf.range(n):
        out = out.write(n - 1 - i, ta.read(i))
    return out.stack()


print(reverse(tf.constant([1, 2, 3, 4])))
ta = tf.TensorArray(tf.float32, size=2)
ta = ta.write(0, 1.5).write(1, 2.5)
print(ta.stack(), ta.size())
