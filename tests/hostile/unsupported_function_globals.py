# unsupported: function __globals__
def f():
    pass
print(f.__globals__)
