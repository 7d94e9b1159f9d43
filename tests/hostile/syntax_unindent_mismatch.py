# A dedent to a level that was never used.
def f():
        x = 1
    return x
