# SGD updates `v.assign_sub(lr * g)` of large variables inside a
# tf.function: tfjit applies the scaled gradient in place, a chunk at a
# time. A value read before the update must not change. (Products this
# size sum in a different order than TF's, so values print rounded.)
import tensorflow as tf


def det(shape, n, a, scale):
    return tf.reshape(tf.sin(tf.cast(tf.range(n) % 10007, tf.float32) * a) * scale, shape)


w1 = tf.Variable(det([512, 300], 512 * 300, 0.731, 0.05))
w2 = tf.Variable(det([300, 700], 300 * 700, 0.513, 0.05))
b = tf.Variable(det([700], 700, 0.3, 0.1))
keep = w2.read_value()


@tf.function
def step(x):
    with tf.GradientTape() as tape:
        h = tf.nn.relu(tf.matmul(x, w1))
        y = tf.tanh(tf.matmul(h, w2) + b)
        loss = tf.reduce_mean(y * y)
    g1, g2, gb = tape.gradient(loss, [w1, w2, b])
    w1.assign_sub(0.1 * g1)
    w2.assign_add(g2 * -0.05)
    b.assign_sub(0.1 * gb)
    return loss


x = det([64, 512], 64 * 512, 0.173, 1.0)
for i in range(5):
    loss = step(x)
    print(i, round(float(loss), 6))
print(round(float(tf.reduce_sum(w1)), 3), round(float(tf.reduce_sum(w2)), 3), round(float(tf.reduce_sum(b)), 4))
print(round(float(tf.reduce_sum(keep)), 4), round(float(tf.reduce_sum(tf.abs(w2 - keep))), 3))
print([round(float(v), 5) for v in w2[3, :5]])
