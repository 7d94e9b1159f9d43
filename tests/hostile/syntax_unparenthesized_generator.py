# A generator expression next to another argument.
print(x for x in range(3), 1)
