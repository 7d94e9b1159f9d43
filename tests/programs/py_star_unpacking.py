# Starred targets, * and ** unpacking in displays, annotations (ignored at run time)
first, *rest = [1, 2, 3]
print(first, rest)
*init, last = "abc"
print(init, last)
a, *mid, z = range(6)
print(a, mid, z)
head, *tail = (9,)
print(head, tail)
[p, *q], r = [1, 2, 3], 4
print(p, q, r)
for x, *ys in [(1, 2, 3), (4,), (5, 6)]:
    print(x, ys)
xs = [*rest, *"de", *range(2)]
print(xs)
t = (*xs[:2], 0)
print(t)
s = {*[3, 1, 2], 1}
print(sorted(s))
base = {"a": 1, "b": 2}
merged = {**base, "b": 20, **{"c": 3}}
print(merged)
try:
    u, *v, w = [1]
except ValueError as e:
    print("ValueError:", e)


def scale(x: float, *args: int, factor: float = 2.0, **kw: str) -> float:
    y: float = x * factor
    return y + sum(args) + len(kw)


print(scale(1.5, 1, 2, tag="t"))
count: int = 3
label: str
print(count)


class Point:
    x: int = 0
    y: int

    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y

    def norm1(self) -> int:
        return abs(self.x) + abs(self.y)


pt = Point(3, -4)
print(pt.norm1(), Point.x)
lam = lambda *a, **k: (a, sorted(k))
print(lam(*[1, 2], **{"k": 1, "j": 2}))
