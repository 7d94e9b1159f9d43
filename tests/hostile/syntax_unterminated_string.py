# A string literal that never ends.
print('hello)
