# Checks gradients through nested control flow inside tf.function: cond inside while, while inside while, while inside cond.
import tensorflow as tf

k = tf.Variable(1.5)


@tf.function
def cond_in_loop(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x
        for i in tf.range(4):
            if i % 2 == 0:
                y = y * x
            else:
                y = y + tf.sin(x) * k
    return tape.gradient(y, [x, k])


print("cond in loop:", [round(float(g), 4) for g in cond_in_loop(tf.constant(0.7))])


@tf.function
def loop_in_loop(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x
        for i in tf.range(3):
            for j in tf.range(2):
                y = y * x
    return y, tape.gradient(y, x)


print("loop in loop:", [round(float(t), 3) for t in loop_in_loop(tf.constant(1.1))])


@tf.function
def loop_in_cond(x, flag):
    with tf.GradientTape() as tape:
        tape.watch(x)
        if flag:
            y = x
            for i in tf.range(3):
                y = y * k + x
        else:
            y = x * x
    return tape.gradient(y, [x, k], unconnected_gradients=tf.UnconnectedGradients.ZERO)


print("loop in cond:", [round(float(g), 4) for g in loop_in_cond(tf.constant(2.0), tf.constant(True))])
print("loop in cond:", [round(float(g), 4) for g in loop_in_cond(tf.constant(2.0), tf.constant(False))])
