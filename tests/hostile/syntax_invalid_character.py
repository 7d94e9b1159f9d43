# A character that is not Python.
x = 3 $ 4
