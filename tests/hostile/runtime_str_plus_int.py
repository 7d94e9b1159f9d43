# Adding a string and an int.
print('a' + 1)
