# Checks gradients through cond (If/StatelessIf) inside tf.function: variables read in branches, unconnected branches (zeros in a traced
# function where the other branch is connected, so printed with unconnected_gradients=ZERO to match eager runs), persistent and nested tapes.
import tensorflow as tf

v = tf.Variable([1.0, 2.0, 3.0])
u = tf.Variable(0.5)


def show(gs):
    return [None if g is None else [round(t, 4) for t in tf.reshape(g, [-1]).numpy().tolist()] for g in gs]


@tf.function
def autograph_if(x):
    with tf.GradientTape() as tape:
        if tf.reduce_sum(x) > 0:
            y = tf.reduce_sum(v * x) * u
        else:
            y = tf.reduce_sum(v * v)
    return tape.gradient(y, [v, u], unconnected_gradients=tf.UnconnectedGradients.ZERO)


print("autograph if:", show(autograph_if(tf.constant([1.0, 1.0, 2.0]))))
print("autograph else:", show(autograph_if(tf.constant([-1.0, -1.0, -1.0]))))


@tf.function
def explicit_cond(x):
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.cond(x > 0, lambda: x * u, lambda: tf.constant(1.0))
        z = tf.cond(x > 0, lambda: tf.constant(3.0), lambda: tf.constant(1.0))
        w = tf.cond(x > 0, lambda: tf.square(x), lambda: x * 2.0 + u)
    zero = tf.UnconnectedGradients.ZERO
    return tape.gradient(y, [x, u], unconnected_gradients=zero), tape.gradient(z, x), tape.gradient(w, [x, u], unconnected_gradients=zero)


for x in [1.5, -1.5]:
    a, b, c = explicit_cond(tf.constant(x))
    print("tf.cond", x, show(a), b, show(c))


@tf.function
def second_order(x):
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.cond(x > 0, lambda: x * x * x, lambda: -x * x)
        g = inner.gradient(y, x)
    return g, outer.gradient(g, x)


print("second order:", [t.numpy() for t in second_order(tf.constant(2.0))])
print("second order:", [t.numpy() for t in second_order(tf.constant(-3.0))])


@tf.function
def multi_output(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        a, b = tf.cond(x < 1.0, lambda: (x * 2.0, x * x), lambda: (x * 3.0, tf.sqrt(x)))
        loss = a + 10.0 * b
    return tape.gradient(loss, x)


print("multi output:", multi_output(tf.constant(0.5)).numpy(), multi_output(tf.constant(4.0)).numpy())
