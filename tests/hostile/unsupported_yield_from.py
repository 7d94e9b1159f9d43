# unsupported: yield from
def gen():
    yield from [1, 2]
print(list(gen()))
