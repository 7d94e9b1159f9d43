# An expression cut off after an operator.
x = 1 +
