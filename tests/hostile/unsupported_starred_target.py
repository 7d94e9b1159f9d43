# unsupported: starred assignment target
first, *rest = [1, 2, 3]
print(first, rest)
