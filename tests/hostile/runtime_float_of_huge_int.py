# An int too large for a float in mixed arithmetic.
big = 10 ** 400
print(big * 0.5)
