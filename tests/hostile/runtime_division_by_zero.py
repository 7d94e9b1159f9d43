# Integer division by zero.
x = 0
print(10 // x)
