# A failing assert.
x = 1
assert x == 2, 'x is not 2'
