# A string of 10^12 characters.
s = 'x' * 10 ** 12
print(len(s))
