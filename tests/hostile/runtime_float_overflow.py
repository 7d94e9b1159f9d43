# A huge int converted to float.
print(float(10 ** 400))
