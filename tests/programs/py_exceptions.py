# Exceptions: try/except/else/finally, raise from, custom exception classes, builtin error messages
class AppError(Exception):
    pass


class ConfigError(AppError):
    def __init__(self, key, reason):
        super().__init__(f"bad config {key!r}: {reason}")
        self.key = key


def risky(kind):
    if kind == "zero":
        return 1 / 0
    if kind == "key":
        return {}["missing"]
    if kind == "index":
        return [1, 2][5]
    if kind == "type":
        return 1 + "a"
    if kind == "value":
        return int("abc")
    if kind == "attr":
        return (1).nope
    if kind == "config":
        raise ConfigError("lr", "must be positive")
    return "ok"


for kind in ["zero", "key", "index", "type", "value", "attr", "config", "fine"]:
    try:
        result = risky(kind)
    except (ZeroDivisionError, KeyError) as e:
        print(kind, "->", type(e).__name__, e)
    except LookupError as e:
        print(kind, "-> lookup", type(e).__name__, e)
    except AppError as e:
        print(kind, "-> app", type(e).__name__, e, e.key, isinstance(e, Exception))
    except Exception as e:
        print(kind, "-> other", type(e).__name__, e)
    else:
        print(kind, "-> no error", result)
    finally:
        print("  finally", kind)


def reraise():
    try:
        raise ValueError("original")
    except ValueError:
        print("handling, then re-raise")
        raise


try:
    reraise()
except ValueError as e:
    print("re-raised:", e, e.args)

try:
    try:
        raise KeyError("inner")
    except KeyError as e:
        raise RuntimeError("wrapped") from e
except RuntimeError as e:
    print("cause:", type(e.__cause__).__name__, e.__cause__, "|", e)


def finally_return():
    log = []
    for i in range(3):
        try:
            if i == 1:
                continue
            log.append(i)
        finally:
            log.append("f%d" % i)
    try:
        return log
    finally:
        log.append("end")


print(finally_return())


def nested(n):
    try:
        if n == 0:
            raise IndexError("bottom")
        return nested(n - 1)
    finally:
        pass


try:
    nested(5)
except IndexError as e:
    print("from deep:", e)

try:
    assert 1 + 1 == 3, "math is broken"
except AssertionError as e:
    print("AssertionError:", e)
try:
    assert False
except AssertionError as e:
    print("bare AssertionError:", repr(e), str(e) == "")

errors = [ValueError("v"), TypeError("t", 2), KeyError("k"), IndexError(), RuntimeError("r")]
for e in errors:
    print(type(e).__name__, repr(str(e)), repr(e), e.args)

try:
    raise StopIteration
except StopIteration as e:
    print("StopIteration caught", repr(e))

try:
    x = [1, 2, 3]
    x.remove(4)
except ValueError as e:
    print("ValueError:", e)

try:
    {}.pop("nope")
except KeyError as e:
    print("KeyError:", e)

try:
    raise NotImplementedError
except RuntimeError as e:
    print("NotImplementedError is a RuntimeError:", type(e).__name__)


def recurse(n):
    return recurse(n + 1)


try:
    recurse(0)
except RecursionError as e:
    print("RecursionError:", e)

with_handled = []
try:
    try:
        raise ValueError("a")
    except TypeError:
        with_handled.append("wrong handler")
except ValueError as e:
    with_handled.append("outer " + str(e))
print(with_handled)
try:
    int("1.5")
except ValueError as e:
    print(e)
try:
    float("x1")
except ValueError as e:
    print(e)
try:
    None.foo
except AttributeError as e:
    print(e)
try:
    len(5)
except TypeError as e:
    print(e)
try:
    [1, 2] < "ab"
except TypeError as e:
    print(e)
