# Strings and Unicode: methods, slicing, indexing by code point
s = "Hello, World"
print(len(s), s[0], s[-1], s[7:], s[:5], s[::2], s[::-1], s[-5:-1], s[100:], s[2:100])
print(s.upper(), s.lower(), s.swapcase(), s.title(), "hello world".capitalize())
print(s.find("o"), s.rfind("o"), s.find("o", 5), s.find("z"), s.index("W"), s.count("l"), s.count("l", 4))
print(s.startswith("Hell"), s.endswith("ld"), s.startswith(("x", "H")), s.replace("l", "L"), s.replace("l", "L", 2))
print(s.split(", "), "a  b   c".split(), "a,b,,c".split(","), "a-b-c".split("-", 1), "a-b-c".rsplit("-", 1), " x ".split(" "))
print("|".join(["a", "b", "c"]), "".join(reversed("abc")), ", ".join(str(i) for i in range(4)))
print(repr("  pad  ".strip()), repr("  pad  ".lstrip()), repr("  pad  ".rstrip()), "xxabcxx".strip("x"), "abc".strip("ac"))
print("42".zfill(5), "-42".zfill(6), "ab".ljust(5, "."), "ab".rjust(5), "ab".center(7, "*"), "abc".center(6))
print("abc123".isalnum(), "abc".isalpha(), "123".isdigit(), "  ".isspace(), "ABC".isupper(), "abc".islower(), "".isdigit())
print("line1\nline2\r\nline3".splitlines(), "a\n\nb\n".splitlines(), "key=value=x".partition("="), "a.b.c".rpartition("."))
u = "naïve café 日本語 ✓"
print(len(u), u[2], u[-1], u[11:14], u.upper(), u[::-1], list("é✓"), u.encode if False else "no-bytes")
print("ß".upper(), "Σ".lower(), "é" in u, "日本" in u, u.find("日"), u.index("✓"), u.count("é"))
print(ord("✓"), chr(10003), "\u00e9" == "é", "\N{GREEK SMALL LETTER ALPHA}", "\x41\t|")
print(repr("tab\t"), repr("nl\n"), repr("back\\slash"), repr("\x00\x7f"), repr("'"), repr('"'), repr("'\""))
print("a" * 3, 3 * "ab", "a" + "b", "abc" < "abd", "Z" < "a", "é" > "z", max("hello"), sorted("cba"), min(["b", "a"]))
print(str(123), str(1.5), str([1, "a"]), str(None), "%s|%r" % ("x", "x"), "abc"[1:2], "x" in "xyz", "" in "abc")
words = "the quick brown fox jumps over the lazy dog".split()
print(sorted(words), sorted(words, key=len), sorted(words, key=lambda w: (-len(w), w)))
print({w: len(w) for w in words if len(w) > 4}, [w[0].upper() + w[1:] for w in words[:3]])
print("%-8s|%8s|" % ("left", "right"), "{:^9}".format("mid"), "tab\tsep".expandtabs(4), "CamelCase".removeprefix("Camel"))
try:
    "abc"[5]
except IndexError as e:
    print("IndexError:", e)
try:
    "abc".index("z")
except ValueError as e:
    print("ValueError:", e)
try:
    "abc" + 1
except TypeError as e:
    print("TypeError:", e)
try:
    s[0] = "h"
except TypeError as e:
    print("TypeError:", e)
