# Containers: list, tuple, dict, set methods, views, ordering, nesting, aliasing
lst = [3, 1, 4, 1, 5, 9, 2, 6]
lst.append(5)
lst.extend([3, 5])
lst.insert(0, 0)
lst.insert(-1, 8)
print(lst, len(lst), lst.count(5), lst.index(4), lst.index(1, 3))
print(lst.pop(), lst.pop(0), lst.pop(-2), lst)
lst.remove(1)
print(lst, sorted(lst), sorted(lst, reverse=True), lst[::-1], lst[1:4], lst[-3:], lst[::3])
lst.sort()
print(lst)
lst.sort(key=lambda v: -v)
print(lst)
lst.reverse()
print(lst, lst.copy() == lst, lst.copy() is lst)
lst[1:3] = ["a", "b", "c"]
print(lst)
del lst[0]
del lst[-2:]
print(lst)
lst[::2] = [0] * len(lst[::2])
print(lst)
lst.clear()
print(lst, [] == lst, [0] * 3, [[0] * 2 for _ in range(2)], [1, 2] + [3], [1, [2, [3]]])
alias = [1, 2]
other = alias
other += [3]
other.append(4)
print(alias, alias is other, [1, 2] == [1, 2], [1, 2] < [1, 3], [1, 2] < [1, 2, 0], [2] > [1, 9])
t = (1, "two", 3.0, None, (5,))
print(t, t[1], t[-1][0], t[1:3], len(t), t.count(1), t.index(3.0), (1,) + (2,), (0,) * 3, () == (), (1, 2) < (1, 2, 3))
a, b = b, a = 1, 2
print(a, b)
d = {"b": 2, "a": 1}
d["c"] = 3
d["a"] = 10
print(d, list(d), list(d.keys()), list(d.values()), list(d.items()), len(d), "a" in d, 1 in d)
print(d.get("a"), d.get("z"), d.get("z", 0), d.pop("b"), d.pop("z", "dflt"), d.setdefault("e", 5), d.setdefault("a", 0), d)
d.update({"f": 6}, g=7)
d.update([("h", 8)])
print(d, d.keys(), d.values(), d.items())
for k, v in d.items():
    if v > 6:
        print("big", k, v)
print(dict(zip("xyz", range(3))), dict(a=1, b=2), dict([(1, "one")]), {1: "a", 1.0: "b", True: "c"})
print(d.popitem(), d, dict.fromkeys("ab", 0), {(1, 2): "tuple key"}[(1, 2)])
cp = d.copy()
cp["new"] = 1
print("new" in d, "new" in cp)
del cp["new"]
cp.clear()
print(cp, d == dict(d), {"a": 1} == {"a": 1.0}, {"a": 1} != {"a": 2})
counts = {}
for ch in "mississippi":
    counts[ch] = counts.get(ch, 0) + 1
print(counts, sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])), max(counts, key=counts.get))
s = {3, 1, 2}
s.add(4)
s.add(1)
s.discard(10)
s.remove(3)
print(s, len(s), 2 in s, 3 in s, sorted(s))
x, y = {1, 2, 3, 4}, {3, 4, 5}
print(x | y, x & y, x - y, x ^ y, x.union([9]), x.intersection(y), x.difference(y), x.symmetric_difference(y))
print(x.issubset({1, 2, 3, 4, 5}), {1, 2}.issuperset({1}), x.isdisjoint({7}), {1, 2} <= {1, 2}, {1} < {1, 2}, set() == set())
print(set("banana"), set([1, 1, 2]), {(1, 2), (1, 2)}, set(), frozen if False else "no frozenset")
grid = [[0] * 3 for _ in range(3)]
grid[1][1] = 5
print(grid)
stack = []
for i in range(3):
    stack.append(i)
while stack:
    print("pop", stack.pop())
try:
    [].pop()
except IndexError as e:
    print("IndexError:", e)
try:
    d["missing"]
except KeyError as e:
    print("KeyError:", e)
try:
    {[1]: 2}
except TypeError as e:
    print("TypeError:", e)
try:
    (1, 2)[5]
except IndexError as e:
    print("IndexError:", e)
try:
    for k in d:
        d[k + "x"] = 1
except RuntimeError as e:
    print("RuntimeError:", e)
