# Control flow: nested tensor loops and conditionals, and loop variables defined inside the loop.
import tensorflow as tf


@tf.function
def pairs(n):
    print("trace pairs")
    total = 0
    for i in tf.range(n):
        for j in tf.range(i):
            if (i + j) % 3 == 0:
                total += i * j
    return total


print(pairs(tf.constant(6)), pairs(tf.constant(1)))


@tf.function
def last(n):
    y = None
    for i in tf.range(n):
        y = i * 3
    return y


print(last(tf.constant(4)))


@tf.function
def collatz(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n //= 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


print([int(collatz(tf.constant(k))) for k in [1, 6, 27]])
