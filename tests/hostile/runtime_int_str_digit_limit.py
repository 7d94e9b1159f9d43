# Printing an int with more than 4300 decimal digits (CPython's default limit).
x = 10 ** 5000
print(x)
