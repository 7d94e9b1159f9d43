# Checks tf.Module naming, variable/submodule tracking through lists, tuples and dicts, deduplication and ordering.
import tensorflow as tf


class Dense(tf.Module):
    def __init__(self, n, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([n, n]), name="w")
        self.b = tf.Variable(tf.zeros([n]), name="b")


class MyModel(tf.Module):
    def __init__(self):
        super().__init__()
        self.blocks = [Dense(2, name="first"), Dense(3, name="second")]
        self.extra = {"z": tf.Variable(1.0, name="z"), "a": tf.Variable(2.0, name="a", trainable=False)}
        self.pair = (tf.Variable(3, name="p0"), tf.Variable(4, name="p1"))
        self.alias = self.blocks[0]
        self.count = 5
        self.label = "text"


class HTTPServer2(tf.Module):
    pass


m = MyModel()
print(m.name, HTTPServer2().name, tf.Module().name, tf.Module(name="custom").name)
print([v.name for v in m.variables])
print([v.name for v in m.trainable_variables])
print([v.name for v in m.non_trainable_variables])
print([s.name for s in m.submodules])
print(type(m.variables).__name__, len(m.variables), len(m.alias.variables))
print(m.alias is m.blocks[0], isinstance(m, tf.Module), isinstance(m.blocks[1], Dense))
m.blocks[1].w.assign(tf.zeros([3, 3]))
print(sum([float(tf.reduce_sum(v)) for v in m.trainable_variables]))
try:
    tf.Module(name="not valid")
except ValueError as e:
    print("ValueError", "not a valid module name" in str(e))


class Counter(tf.Module):
    def __init__(self):
        super().__init__(name="counter")
        self.n = tf.Variable(0)

    def __call__(self, k):
        self.n.assign_add(k)
        return self.n.read_value()


ctr = Counter()
print(ctr(2), ctr(3), ctr.n.numpy(), len(ctr.trainable_variables))
