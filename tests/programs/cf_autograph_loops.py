# Control flow: AutoGraph for over tf.range and tensors, while loops, break and continue.
import tensorflow as tf


@tf.function
def sum_odd_squares(n):
    print("trace sum_odd_squares")
    s = 0
    for i in tf.range(n):
        if i % 2 == 0:
            continue
        s += i * i
    return s


print(sum_odd_squares(tf.constant(7)), sum_odd_squares(tf.constant(0)))


@tf.function
def first_over(v, limit):
    found = tf.constant(-1.0)
    for x in v:
        if x > limit:
            found = x
            break
    return found


print(first_over(tf.constant([1.0, 5.0, 9.0]), tf.constant(4.0)), first_over(tf.constant([1.0]), tf.constant(4.0)))


@tf.function
def digits(n):
    count = 0
    while n > 0:
        n //= 10
        count += 1
    return count


print(digits(tf.constant(12345)), digits(tf.constant(7)), digits(tf.constant(0)))


@tf.function
def countdown(n):
    steps = tf.constant(0)
    for i in tf.range(n, 0, -2):
        steps += i
    return steps


print(countdown(tf.constant(9)))


@tf.function
def rows_sum(m):
    acc = tf.zeros([2])
    for row in m:
        acc += row
    return acc


print(rows_sum(tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])))
