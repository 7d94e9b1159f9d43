# A name that was never defined.
x = 1
print(y)
