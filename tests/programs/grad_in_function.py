# Checks tapes and optimizers inside tf.function: gradients built into the graph, slots created on the first trace, retracing.
import tensorflow as tf

w = tf.Variable([[0.5, -0.5], [0.25, 1.0]])
b = tf.Variable([0.0, 0.1])
x = tf.constant([[1.0, 2.0], [-1.0, 0.5], [0.0, 1.0]])
labels = tf.constant([0, 1, 1])
opt = tf.keras.optimizers.RMSprop(learning_rate=0.05, momentum=0.3)


@tf.function
def step(x):
    with tf.GradientTape() as tape:
        logits = tf.matmul(x, w) + b
        loss = -tf.reduce_mean(tf.reduce_sum(tf.one_hot(labels, 2) * tf.nn.log_softmax(logits), axis=1))
    grads = tape.gradient(loss, [w, b])
    opt.apply_gradients(zip(grads, [w, b]))
    return loss


for i in range(5):
    print(i, f"{float(step(x)):.5f}")
print("traces:", step.experimental_get_tracing_count())
print(int(opt.iterations), [f"{v:.5f}" for v in tf.reshape(w, [-1]).numpy().tolist()])


@tf.function
def second(x):
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = tf.reduce_sum(x * x * x)
        g = t1.gradient(y, x)
    return g, t2.gradient(g, x)


g, h = second(tf.constant([1.0, -2.0]))
print(g, h)


@tf.function
def jac(x):
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    return tape.jacobian(y, x), tape.gradient(y, x)


j, gr = jac(tf.constant([1.0, 2.0, 3.0]))
print(j)
print(gr)

v = tf.Variable(1.0)
opts = [tf.keras.optimizers.Adam(0.1), tf.keras.optimizers.Nadam(0.1), tf.keras.optimizers.Adamax(0.1), tf.keras.optimizers.Adagrad(0.1)]


def make_fit(opt):
    @tf.function
    def fit():
        with tf.GradientTape() as tape:
            loss = (v - 3.0) ** 2
        g = tape.gradient(loss, v)
        opt.apply_gradients([(g, v)])
        return loss

    return fit


for k in range(4):
    fit = make_fit(opts[k])
    for _ in range(3):
        fit()
    print(k, f"{float(v):.5f}")
    print("traces:", fit.experimental_get_tracing_count())
