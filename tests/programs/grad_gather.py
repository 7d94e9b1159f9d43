# Checks tf.gather gradients returned as IndexedSlices, their conversion to dense tensors, and optimizers on them.
import tensorflow as tf

table = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
with tf.GradientTape() as tape:
    rows = tf.gather(table, [3, 1, 3])
    loss = tf.reduce_sum(rows * tf.constant([[1.0], [2.0], [3.0]]))
g = tape.gradient(loss, table)
print(type(g).__name__)
print(g)
print(g.indices)
print(g.values.shape, g.dense_shape)
print(tf.convert_to_tensor(g))
print(tf.reduce_sum(g))

with tf.GradientTape() as tape:
    loss = tf.reduce_sum(tf.gather(table, [0])) + tf.reduce_sum(tf.gather(table, [2, 0]) * 2.0)
g = tape.gradient(loss, table)
print(g)

x = tf.constant([1.0, 2.0, 3.0])
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.reduce_sum(tf.gather(x * 2.0, [0, 2]))
print(tape.gradient(y, x))

with tf.GradientTape() as tape:
    loss = tf.reduce_sum(tf.gather(table, [1, 1])) + tf.reduce_sum(table)
print(tape.gradient(loss, table))

opt = tf.keras.optimizers.SGD(learning_rate=0.5)
with tf.GradientTape() as tape:
    loss = tf.reduce_sum(tf.gather(table, [0, 0, 3]))
opt.apply_gradients([(tape.gradient(loss, table), table)])
print(table.numpy())
opt = tf.keras.optimizers.Adam(learning_rate=0.5)
with tf.GradientTape() as tape:
    loss = tf.reduce_sum(tf.gather(table, [1, 2]) ** 2)
opt.apply_gradients([(tape.gradient(loss, table), table)])
print([f"{v:.4f}" for v in tf.reshape(table, [-1]).numpy().tolist()])
