# Unpacking: tuple/list targets, nesting, swaps, for-loop targets, *args/**kwargs calls
a, b = 1, 2
a, b = b, a
print(a, b)
(c, d), e = (3, 4), 5
print(c, d, e)
[f, g] = "xy"
print(f, g)
x, (y, (z, w)) = 1, [2, (3, 4)]
print(x, y, z, w)
for i, (k, v) in enumerate({"a": 1, "b": 2}.items()):
    print(i, k, v)
for (p, q), r in [((1, 2), 3), ((4, 5), 6)]:
    print(p + q + r)
m = n = 7
print(m, n)
first, second = range(2)
print(first, second)
h, i = {"h": 1, "i": 2}
print(h, i)
lst = [0, 0, 0]
lst[0], lst[2] = "L", "R"
print(lst)


class P:
    pass


obj = P()
obj.a, obj.b = 10, 20
print(obj.a, obj.b)
try:
    a, b = 1, 2, 3
except ValueError as e:
    print("ValueError:", e)
try:
    a, b, c = [1, 2]
except ValueError as e:
    print("ValueError:", e)
try:
    a, b = 5
except TypeError as e:
    print("TypeError:", e)


def f3(a, b, c=0, *rest, key=None, **kw):
    return a, b, c, rest, key, kw


args = [1, 2, 3, 4]
kwargs = {"key": "k", "extra": True}
print(f3(*args), f3(*args, **kwargs), f3(1, *[2], c=9), f3(*(1, 2), *(3,), **{"z": 1}, key=2))


def g(*args, **kwargs):
    return len(args), sorted(kwargs)


print(g(), g(1, 2), g(*range(5), a=1, **{"b": 2}))
try:
    f3(1, 2, key=1, **{"key": 2})
except TypeError as e:
    print("TypeError:", e)
try:
    f3(1)
except TypeError as e:
    print("TypeError:", e)
try:
    f3(1, 2, a=3)
except TypeError as e:
    print("TypeError:", e)
points = [(1, 2), (3, 4)]
xs, ys = zip(*points)
print(xs, ys, dict(points), [a * b for a, b in points])
