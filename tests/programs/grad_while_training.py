# Checks a training step whose loss uses an AutoGraph loop (a While differentiated inside tf.function) with Keras optimizers.
import tensorflow as tf

w = tf.Variable([[0.5, -0.3], [0.2, 0.1]])
b = tf.Variable([0.1, -0.1])
opt = tf.keras.optimizers.SGD(learning_rate=0.02, momentum=0.5)


@tf.function
def train(x, steps):
    with tf.GradientTape() as tape:
        h = x
        for _ in tf.range(steps):
            h = h * 0.5 + tf.matmul(h, w) * 0.5 + b
        loss = tf.reduce_sum(h * h)
    grads = tape.gradient(loss, [w, b])
    opt.apply_gradients(zip(grads, [w, b]))
    return loss


for step in range(4):
    print(f"step {step}: loss {float(train(tf.constant([[1.0, 2.0]]), tf.constant(3))):.4f}")
print("w:", [round(t, 4) for t in tf.reshape(w, [-1]).numpy().tolist()])
print("b:", [round(t, 4) for t in b.numpy().tolist()])

v = tf.Variable(3.0)
adam = tf.keras.optimizers.Adam(learning_rate=0.2)


@tf.function
def fit_root(target):
    with tf.GradientTape() as tape:
        y = v
        i = 0
        while i < 3:
            y = 0.5 * (y + target / y)
            i += 1
        loss = (y - 2.0) ** 2 + 0.01 * v * v
    adam.apply_gradients([(tape.gradient(loss, v), v)])
    return loss


for step in range(3):
    print(f"adam step {step}: loss {float(fit_root(tf.constant(5.0))):.5f} v {v.numpy():.4f}")
