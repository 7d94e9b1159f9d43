# int() of a non-number.
print(int('abc'))
