# await inside a function that is not async.
def f(g):
    return await g()
