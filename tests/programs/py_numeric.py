# Numeric semantics: int/float mixing, floor division and modulo signs, powers, rounding, reprs
print(7 / 2, 7 // 2, -7 // 2, 7 // -2, -7 // -2, 7 % 3, -7 % 3, 7 % -3, -7 % -3)
print(7.5 // 2, -7.5 // 2, 7.5 % 2, -7.5 % 2, 7.5 % -2, 1e300 * 10 // 1)
print(2 ** 10, 2 ** -1, (-2) ** 3, 2.0 ** 0.5, 10 ** 18, 0 ** 0, pow(2, 10, 1000), pow(3, -1, 7))
print(divmod(17, 5), divmod(-17, 5), divmod(17.5, 5), divmod(-17.5, 5))
print(True + True, True * 3, 5 - True, True / 2, -True, ~5, 5 & 3, 5 | 3, 5 ^ 3, 1 << 10, 1024 >> 3, -9 >> 1)
print(1 == 1.0, 0.1 + 0.2 == 0.3, abs(-3), abs(-3.5), abs(True), int(3.99), int(-3.99), int("  42 "), int("-0x1f", 16), int("0b101", 0))
print(float("1e3"), float(" -2.5 "), float("inf"), float("-Infinity"), float("nan") != float("nan"), float(7))
print(round(0.5), round(1.5), round(2.5), round(-0.5), round(-1.5), round(3.14159, 3), round(2.675, 2), round(1234.5678, -2), round(1250, -2), round(7, -1))
print(0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 1e16, 1e-4, 1e-5, 123456789012.0, 1.0, 100.0, 3.0e10, 5e-324, 1.7976931348623157e308)
print(max(1, 2.5, 2), min([3, 1.5, 2]), sum([0.1] * 10), sum(range(101)), sum([1, 2], 10))
print(int(True), float(False), bool(0), bool(0.0), bool(-1), bool(""), bool("0"), bool([]), bool([0]), bool(None))
print(10 ** 18 + 10 ** 18, -(2 ** 62) * 2, (2 ** 62 - 1 + 2 ** 62) // 7)
for a, b in [(1, 0), (1.0, 0), (1, 0.0)]:
    for op in ["/", "//", "%"]:
        try:
            if op == "/":
                a / b
            elif op == "//":
                a // b
            else:
                a % b
        except ZeroDivisionError as e:
            print(a, op, b, "->", e)
try:
    0.0 ** -1
except ZeroDivisionError as e:
    print(e)
print(3 < 4 < 5, 3 < 4 > 5, 1 < 2 == 2, 1 == 1 != 2, 2 > 1.5 >= 1.5)
print(hex(255), oct(8), bin(5), hex(-255), chr(65), ord("A"), chr(0x263A), ord("é"))
print(1_000_000, 0x_FF, 0o17, 0b1010, 1e3, 1.5e-3, .5, 5.)
x = 10
x += 5
x -= 3
x *= 2
x //= 5
x **= 3
x %= 7
print(x)
f = 1.5
f += 1
f /= 2
print(f)
print(float(2 ** 53) + 1, 2 ** 53 + 1, 9007199254740993 == 9007199254740992.0)
print(isinstance(1, int), isinstance(1.0, float), isinstance(True, int), isinstance(1, float), type(1 + 1.0).__name__)
