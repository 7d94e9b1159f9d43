# Setting an attribute on None.
x = None
x.y = 1
