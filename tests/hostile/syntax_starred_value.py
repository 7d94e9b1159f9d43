# A starred expression where no unpacking can happen.
a = [1, 2]
x = *a
