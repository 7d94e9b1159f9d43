# unsupported: type annotations
def f(x: int) -> int:
    y: int = x + 1
    return y
print(f(1))
