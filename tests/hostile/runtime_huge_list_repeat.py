# A list of 10^12 elements.
xs = [0] * 10 ** 12
print(len(xs))
