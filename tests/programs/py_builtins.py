# Builtin functions: sorted/min/max/zip/enumerate/map/filter/range/reversed/iter/next/any/all/...
print(list(range(5)), list(range(2, 10, 3)), list(range(5, 0, -2)), range(3), range(1, 10, 2), len(range(0, 10, 3)), range(10)[2:8:2], 5 in range(0, 10, 5))
print(list(enumerate("ab")), list(enumerate("ab", start=5)), list(zip([1, 2, 3], "ab")), list(zip()), list(zip(range(3), range(3), range(3))))
print(list(map(str, [1, 2])), list(map(lambda a, b: a * b, [1, 2, 3], [4, 5, 6])), list(filter(lambda v: v % 2, range(7))))
print(list(reversed([1, 2, 3])), list(reversed((1, 2))), list(reversed("abc")), list(reversed(range(4))))
print(sorted([3, 1, 2]), sorted(["b", "A", "c"], key=str.lower), sorted([(1, "b"), (1, "a"), (0, "z")]), sorted({3: 1, 1: 2}))
data = [("alice", 31), ("bob", 25), ("carol", 31), ("dan", 25)]
print(sorted(data, key=lambda p: p[1]), sorted(data, key=lambda p: p[1], reverse=True))
print(min(3, 1, 2), max([1, 5, 3]), min("hello"), max(data, key=lambda p: p[1]), min([], default="empty"), max([2], default=0), min((4, 2), (4, 1)))
print(sum([1, 2, 3]), sum([0.5, 0.25]), sum([[1], [2]], []), abs(-7), abs(2.5), divmod(7, 2), pow(2, 8), pow(2, 8, 10), round(3.14159, 2))
print(all([]), any([]), all([1, 1]), any([0, 0, 1]), bool(), int(), float(), str(), list(), tuple(), dict(), set())
it = iter([10, 20, 30])
print(next(it), next(it), next(it), next(it, "done"))
try:
    next(it)
except StopIteration:
    print("StopIteration")
print(isinstance(3, (str, int)), isinstance("x", str), isinstance([], (tuple, dict)), issubclass(bool, int), issubclass(int, object))
print(type(3).__name__, type("s").__name__, type([]).__name__, type({}).__name__, type(()).__name__, type(None).__name__, type(len).__name__)
print(callable(len), callable(3), callable(lambda: 0), callable(int), hasattr("s", "upper"), getattr("abc", "upper")())
print(repr("x"), str(5), int("12"), float("1.5"), bool(3), list("ab"), tuple([1]), dict(a=1), set([1]), chr(97), ord("a"))
print(hash(1) == hash(1.0), hash("a") == hash("a"), hash((1, 2)) == hash((1, 2)), id(data) == id(data), id([]) is not None)
print(format(255, "x"), format(0.5, ".1%"), hex(16), oct(16), bin(16), int("ff", 16), int("777", 8), int("11", 2))
print(len("héllo"), len([1, 2]), len({"a": 1}), len(set()), len(range(100)), len((1,)))


def named():
    """docstring here"""
    return 1


print(named.__name__, named.__doc__, (lambda: 0).__name__, len.__name__, int.__name__, object.__name__)
print(list(iter(range(3))), list(zip(*zip([1, 2], [3, 4]))), [x for x in iter("ab")])
acc = []
print(list(map(acc.append, [1, 2])), acc)
print(max(range(10), key=lambda v: (v % 3, -v)), sorted(range(10), key=lambda v: v % 3))
print(isinstance(range(3), range) if False else type(range(3)).__name__, type(iter([])).__name__, type(zip()).__name__)
print(slice(1, 5, 2), [0, 1, 2, 3, 4, 5][slice(1, 5, 2)], "abcdef"[slice(None, None, -1)])
