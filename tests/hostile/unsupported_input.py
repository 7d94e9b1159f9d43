# unsupported: input
name = input()
print(name)
