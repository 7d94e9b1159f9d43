# An exception raised while handling another.
try:
    1 // 0
except ZeroDivisionError:
    raise ValueError('while handling')
