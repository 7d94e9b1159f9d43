# Checks every Keras optimizer over a few steps (eager), their variables, learning_rate and iterations.
import tensorflow as tf

x = tf.constant([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
y = tf.constant([[1.0], [-2.0], [0.5]])


def run(opt, steps=4):
    w = tf.Variable([[0.1], [-0.2]])
    b = tf.Variable([0.0])
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((tf.matmul(x, w) + b - y) ** 2)
        grads = tape.gradient(loss, [w, b])
        opt.apply_gradients(zip(grads, [w, b]))
    vals = tf.concat([tf.reshape(w, [-1]), b], 0).numpy().tolist()
    print(opt.name, int(opt.iterations), [f"{v:.5f}" for v in vals], f"{float(loss):.5f}")


run(tf.keras.optimizers.SGD(learning_rate=0.05))
run(tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9))
run(tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True))
run(tf.keras.optimizers.Adam(learning_rate=0.05))
run(tf.keras.optimizers.Adam(learning_rate=0.05, amsgrad=True))
run(tf.keras.optimizers.RMSprop(learning_rate=0.05))
run(tf.keras.optimizers.RMSprop(learning_rate=0.05, momentum=0.5, centered=True))
run(tf.keras.optimizers.Adagrad(learning_rate=0.3))
run(tf.keras.optimizers.Adadelta(learning_rate=1.0))
run(tf.keras.optimizers.Adamax(learning_rate=0.1))
run(tf.keras.optimizers.Nadam(learning_rate=0.05))
run(tf.keras.optimizers.Ftrl(learning_rate=0.2))
run(tf.keras.optimizers.Ftrl(learning_rate=0.2, l1_regularization_strength=0.01, l2_regularization_strength=0.1, beta=0.5))

opt = tf.keras.optimizers.SGD(learning_rate=0.1)
print(opt.learning_rate)
print(opt.iterations)
print(f"{float(opt.learning_rate):.6f}")
opt.learning_rate = 0.5
print(f"{float(opt.learning_rate):.6f}")
v = tf.Variable([1.0, 2.0], name="v")
u = tf.Variable(3.0, name="u")
r = opt.apply_gradients([(tf.constant([1.0, 1.0]), v), (None, u)])
print(r)
print(v.numpy(), u.numpy())
print([x.path for x in opt.variables])
opt2 = tf.keras.optimizers.Adam(0.01)
opt2.apply_gradients([(tf.constant([1.0, 1.0]), v)])
print([x.path for x in opt2.variables])
print(opt2.variables[2])
try:
    opt2.apply_gradients([(tf.constant(1.0), u)])
except ValueError as e:
    print("ValueError", "Unknown variable" in str(e))
try:
    opt2.apply_gradients([(None, v)])
except ValueError as e:
    print("ValueError:", e)
try:
    tf.keras.optimizers.SGD(learning_rate=1)
except ValueError as e:
    print("ValueError", "should be float" in str(e))
o3 = tf.keras.optimizers.SGD(learning_rate=lambda: 0.25)
w3 = tf.Variable(1.0)
o3.apply_gradients([(tf.constant(1.0), w3)])
print(w3.numpy(), o3.learning_rate)
