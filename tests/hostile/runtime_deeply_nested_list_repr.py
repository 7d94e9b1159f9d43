# Printing a list nested 100000 levels deep.
x = []
for i in range(100000):
    x = [x]
print(x)
