# f-strings, format specs, str.format and %-formatting
pi = 3.14159265
n = 42
name = "tfjit"
print(f"{pi:.2f} {pi:10.4f}| {pi:<10.3f}| {pi:^10.1f}| {pi:+.3e} {pi:g} {pi:%}")
print(f"{n:5d}|{n:<5d}|{n:^5d}|{n:05d}|{n:+d}|{n:x}|{n:X}|{n:#o}|{n:b}|{n:#x}|{n:,}|{1234567:_}")
print(f"{name!r} {name!s} {name:>8} {name:*<8} {name:.3} {name.upper()}")
w, p = 12, 3
print(f"[{pi:{w}.{p}f}] [{name:>{w}}] [{n:0{w}d}]")
print(f"{1e-7} {1e16} {1e15} {123456789.0:e} {0.1 + 0.2} {2 / 3:.10g} {1/3!r}")
print(f"{-0.0} {float('inf')} {float('-inf'):8} {float('nan'):.2f} {1e300 * 1e10}")
print(f"{True} {None} {[1, 'a']} {(1,)} {{'literal braces'}} {n=} {pi = :.1f}")
print("{} {} {}".format(1, "two", 3.0), "{1}{0}{1}".format("a", "b"), "{x}-{y}".format(x=1, y=2))
print("{:>6}|{:<6}|{:^6}|{:.2f}|{!r}|{0[1]}".format("a", "b", "c", 2.5, "q", ) if False else "{0:>6}|{1:<6}|{2:^6}".format("a", "b", "c"))
print("{0[1]} {1[k]} {2.real}".format([5, 6], {"k": "v"}, 3))
print("%d %5d %-5d| %05.1f %.3e %g %s %r %% %c %x %o" % (7, 8, 9, 3.14159, 12345.678, 0.0001, "s", "r", 65, 255, 8))
print("%(a)s and %(b).2f" % {"a": "x", "b": 2.5}, "%s" % [1, 2], "%s" % (1,), "%10s|%-10s|" % ("r", "l"))
print("%.3s|%5.1s|%+d|% d|%i" % ("abcdef", "xyz", 5, 5, -3))
for v in [0.5, 1.5, 2.5, 2.675, 1.005, 0.125, 123.456, 1e-5, 1e15]:
    print(repr(v), f"{v:.2f}", f"{v:.0f}", f"{v:.3g}", f"{v:.2e}", round(v, 2), round(v))
print(format(3.5, ".1f"), format(12, "08b"), format("x", "^5"), format(0.25, "%"), format(1234.5, ",.1f"))
print(str(1.0), str(10.0 ** 16), str(1.5e-10), repr(0.1), str(-1.25), str(100), str(2 ** 62))
print("tab\there", repr("quote's"), repr('dq"s'), repr("both ' \""), repr("new\nline"), repr("é∂"))
try:
    print("{} {}".format(1))
except IndexError as e:
    print("IndexError:", e)
try:
    print("%d" % "x")
except TypeError as e:
    print("TypeError:", e)
try:
    print("%s %s" % (1,))
except TypeError as e:
    print("TypeError:", e)
try:
    print(format(1.5, "d"))
except ValueError as e:
    print("ValueError:", e)
