# with-statements: context manager protocol, several items, exceptions, suppression, nesting
log = []


class Managed:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress

    def __enter__(self):
        log.append("enter " + self.name)
        return self.name.upper()

    def __exit__(self, exc_type, exc, tb):
        log.append("exit %s %s %s" % (self.name, exc_type.__name__ if exc_type else None, exc))
        return self.suppress


with Managed("a") as a:
    log.append("body " + a)
print(log)
log.clear()

with Managed("outer") as o, Managed("inner") as i:
    log.append(o + "+" + i)
print(log)
log.clear()

try:
    with Managed("x"), Managed("y"):
        raise ValueError("boom")
except ValueError as e:
    log.append("caught " + str(e))
print(log)
log.clear()

with Managed("swallow", suppress=True):
    raise KeyError("hidden")
log.append("continued")
print(log)
log.clear()


def early_return():
    with Managed("ret"):
        return "returned"


print(early_return(), log)
log.clear()

for n in range(3):
    with Managed("loop%d" % n):
        if n == 1:
            continue
        if n == 2:
            break
        log.append("work%d" % n)
print(log)
log.clear()


class Timer:
    def __enter__(self):
        self.entered = True
        return self

    def __exit__(self, *exc):
        self.exited = True
        return False


with Timer() as t:
    pass
print(t.entered, t.exited)


class NotACtx:
    pass


try:
    with NotACtx():
        pass
except (TypeError, AttributeError) as e:
    print(type(e).__name__)

with Managed("nested1"):
    with Managed("nested2", suppress=True):
        1 / 0
    log.append("after inner")
print(log)
