# `**` unpacking of something that is not a mapping in a dict display.
pairs = [("a", 1)]
d = {**pairs, "b": 2}
print(d)
