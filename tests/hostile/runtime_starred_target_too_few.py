# Starred unpacking with fewer values than mandatory targets.
first, *middle, last = [1]
print(first, middle, last)
