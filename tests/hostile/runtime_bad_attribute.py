# An attribute that does not exist.
class A:
    pass
print(A().missing)
