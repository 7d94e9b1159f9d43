# int() of infinity.
print(int(float('inf')))
