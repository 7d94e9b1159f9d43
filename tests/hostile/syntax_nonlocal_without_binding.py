# nonlocal naming a variable no enclosing function binds.
def f():
    def g():
        nonlocal y
        y = 1
    g()
