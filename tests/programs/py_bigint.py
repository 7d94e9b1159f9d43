# Arbitrary-precision ints: arithmetic, formatting, hashing, conversions
import math
import sys

a = 2 ** 70
b = -(3 ** 45)
print(a, b, type(a).__name__, isinstance(b, int))
print(a + b, a - b, a * b)
print(a // 7, a % 7, -a // 7, -a % 7, a // -7, a % -7)
print(divmod(a, 12345), divmod(b, -97))
print(a / 3, a / b, (10 ** 30) / (10 ** 10))
print(a ** 2, pow(a, 3, 10 ** 9 + 7), pow(3, -1, 7))
print(a << 5, a >> 65, b >> 3, 1 << 100)
print(a & (2 ** 68 + 5), a | 1, b ^ a, ~a)
print(a == 2.0 ** 70, a > 1e21, a < 1.5e21, b < -1e21)
print(hash(a), hash(b), hash(2 ** 61 - 1), hash(float(a)) == hash(a))
print(len({a, float(a), 2 ** 70}))
print(str(a), repr(b), f"{a:,}", f"{a:_x}", f"{b:>40}", f"{a:e}", f"{a:#o}")
print("%d %x %s" % (a, a, b), "{:+,}".format(a))
print(hex(b), oct(a), bin(2 ** 65))
print(int("123456789012345678901234567890"), int("-0x" + "f" * 20, 16))
print(float(a), int(1e25), int(-2.5e19), round(1e22), round(a + 55, -1))
print(abs(b), -a, +b, sum([2 ** 62] * 5), max(a, b, 0), min([a, b, 7]))
print(sorted([a, b, 1, -1.5, 2 ** 64]))
print(math.factorial(30), math.gcd(a, 2 ** 40 * 3), math.isqrt(a), math.floor(1e20))
print(math.log(10 ** 400), math.log2(2 ** 1000), math.sqrt(a))
print(a.bit_length(), b.bit_count(), (2 ** 63).as_integer_ratio())
print(sys.maxsize + 1, -sys.maxsize - 2, (-2 ** 63) // -1)
big = 10 ** 5000
print(big % 997, big.bit_length())
try:
    print(big)
except ValueError as e:
    print("ValueError:", e)
try:
    float(big)
except OverflowError as e:
    print("OverflowError:", e)
try:
    [0] * a
except OverflowError as e:
    print("OverflowError:", e)
try:
    [1, 2][a]
except IndexError as e:
    print("IndexError:", e)
print([1, 2, 3][:a], [1, 2, 3][-a:1])
f = 1
for i in range(1, 60):
    f *= i
print(f)
d = {a: "big", 1: "one"}
print(d[2 ** 70], d[1.0], a in d)
