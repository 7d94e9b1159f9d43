# int() of a decimal string longer than CPython's 4300-digit limit.
s = "7" * 5000
n = int(s)
print(n % 10)
