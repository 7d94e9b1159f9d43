# Assignment to a function call.
print() = 3
