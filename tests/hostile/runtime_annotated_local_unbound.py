# A bare annotation makes the name local: reading it before assignment fails.
x = 1
def f() -> int:
    x: int
    return x
print(f())
