# Python scoping: locals, globals, nonlocal, closures over cells, class scope, defaults at def time
counter = 0


def bump():
    global counter
    counter += 1
    return counter


bump()
bump()
print("global counter", counter)


def make_counter(start):
    n = start

    def inc(step=1):
        nonlocal n
        n += step
        return n

    def get():
        return n

    return inc, get


inc, get = make_counter(10)
inc()
inc(5)
print("closure", get())


def outer():
    x = "outer"

    def mid():
        def inner():
            return x + "!"

        return inner()

    x = "rebound"
    return mid()


print(outer())

funcs = []
for i in range(3):
    funcs.append(lambda i=i: i * 10)
print([f() for f in funcs])

late = [lambda: j for j in range(3)]
print([f() for f in late])


def default_eval(x=[]):
    x.append(len(x))
    return x


print(default_eval(), default_eval(), default_eval([9]))


def unbound():
    try:
        print(y)
    except UnboundLocalError as e:
        print("UnboundLocalError:", e)
    y = 1
    return y


unbound()


def missing_name():
    try:
        return undefined_name
    except NameError as e:
        return "NameError: " + str(e)


print(missing_name())


class Scope:
    attr = 5
    doubled = attr * 2

    def method(self):
        try:
            return attr
        except NameError:
            return "methods do not see class scope; self.attr = %d" % self.attr


print(Scope.doubled, Scope().method())

comp_var = "kept"
squares = [comp_var for comp_var in range(3)]
print(squares, comp_var)


def shadow(len=len):
    return len("abc")


print(shadow())


def kwonly(a, *, b, c=3, **rest):
    return a, b, c, rest


print(kwonly(1, b=2), kwonly(1, b=2, c=4, d=5))
try:
    kwonly(1)
except TypeError as e:
    print("TypeError:", e)


def varargs(*args, **kwargs):
    return args, sorted(kwargs.items())


print(varargs(1, 2, x=3), varargs(*[4, 5], **{"y": 6}))


def recursive_closure(n):
    def fact(k):
        return 1 if k <= 1 else k * fact(k - 1)

    return fact(n)


print(recursive_closure(10))
