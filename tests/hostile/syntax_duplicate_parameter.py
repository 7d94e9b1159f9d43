# Two parameters with one name.
def f(a, a):
    return a
