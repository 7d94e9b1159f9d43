# float32 matmul results bit for bit as TF prints them: TF sums most small
# products with one running fused multiply-add per element (two runs, over
# the halves of k, for 384 < k <= 768), but `a @ b^T` with 2..15 rows as
# dot products of 16 partial sums (a different rounding).
import tensorflow as tf


def det(shape, a, scale):
    n = 1
    for s in shape:
        n *= s
    return tf.reshape(tf.sin(tf.cast(tf.range(n), tf.float32) * a) * scale, shape)


for m, n, k in [(2, 3, 5), (5, 4, 17), (15, 3, 40), (16, 3, 40), (3, 2, 100), (4, 6, 33), (17, 5, 300), (20, 4, 401), (18, 3, 700)]:
    a = det([m, k], 0.37, 1.3)
    b = det([n, k], 0.71, 0.9)
    bt = tf.transpose(b)
    at = tf.transpose(a)
    nt = tf.matmul(a, b, transpose_b=True)
    print(m, n, k, "NT", nt.numpy()[:2])
    print(m, n, k, "NN", tf.matmul(a, bt).numpy()[:2])
    print(m, n, k, "TN", tf.matmul(at, bt, transpose_a=True).numpy()[:2])
    print(m, n, k, "TT", tf.matmul(at, b, transpose_a=True, transpose_b=True).numpy()[:2])
    print(m, n, k, "NT == NN:", bool(tf.reduce_all(nt == tf.matmul(a, bt))))


@tf.function
def dense_nt(x, w):
    return tf.nn.relu(tf.matmul(x, w, transpose_b=True) + 0.5)


print(dense_nt(det([6, 40], 0.13, 1.0), det([20, 40], 0.29, 0.3)).numpy()[:3, :6])
xb = det([3, 4, 40], 0.37, 1.0)
yb = det([3, 6, 40], 0.53, 1.0)
print(tf.linalg.matmul(xb, yb, transpose_b=True).numpy()[1])
