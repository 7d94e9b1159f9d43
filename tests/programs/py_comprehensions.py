# Comprehensions and generator expressions: nesting, filters, scopes, laziness-insensitive consumers
matrix = [[i * 3 + j for j in range(3)] for i in range(3)]
print(matrix)
print([row[i] for i in range(3) for row in matrix if row[i] % 2 == 0])
print([[row[i] for row in matrix] for i in range(3)])
print({x: x * x for x in range(5)}, {x % 3 for x in range(10)}, {k: v for k, v in zip("abc", [1, 2, 3])})
print(sum(x * x for x in range(10)), max(len(w) for w in ["a", "abc", "ab"]), any(x > 8 for x in range(10)), all(x < 5 for x in range(10)))
gen = (c.upper() for c in "abc")
print(next(gen), list(gen), list(gen))
print(sorted((y for y in [3, 1, 2]), reverse=True), tuple(i for i in range(3)), set(i % 2 for i in range(6)))
pairs = [(a, b) for a in range(4) for b in range(a) if (a + b) % 2 == 1]
print(pairs)
flat = [x for sub in [[1, 2], [], [3]] for x in sub]
print(flat)
base = 10
print([base + i for i in range(3)], [(lambda v: v + base)(i) for i in range(2)])


class K:
    vals = [1, 2, 3]
    doubled = [v * 2 for v in vals]


print(K.doubled)
words = ["apple", "banana", "cherry", "date"]
print({w[0]: w for w in words}, [w for w in words if "a" in w], [(i, w) for i, w in enumerate(words) if i % 2])
print(dict((w, len(w)) for w in words), list(map(lambda w: w[::-1], words)), list(filter(None, [0, 1, "", "x", None, []])))
nested = {k: [i for i in range(k)] for k in range(4)}
print(nested)
print([i if i % 2 else -i for i in range(6)], [c for c in "hello" if c not in "aeiou"])
total = 0
for sq in (i * i for i in range(5)):
    total += sq
print(total)
print(list(zip(*[[1, 2, 3], [4, 5, 6]])), [list(t) for t in zip("ab", "cd", "ef")])
