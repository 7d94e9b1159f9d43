# Classes: inheritance, super(), properties, static/class methods, dunder methods, hashing
class Shape:
    sides = 0

    def __init__(self, name):
        self.name = name

    def describe(self):
        return f"{self.name} with {self.sides} sides, area {self.area():.2f}"

    def area(self):
        raise NotImplementedError("subclass must implement area")


class Rect(Shape):
    sides = 4

    def __init__(self, w, h):
        super().__init__("rect")
        self.w = w
        self.h = h

    def area(self):
        return self.w * self.h


class Square(Rect):
    def __init__(self, s):
        super().__init__(s, s)
        self.name = "square"

    @property
    def side(self):
        return self.w

    @side.setter
    def side(self, v):
        if v <= 0:
            raise ValueError("side must be positive")
        self.w = self.h = v

    @staticmethod
    def unit():
        return Square(1)

    @classmethod
    def of(cls, s):
        return cls(s)


sq = Square.of(3)
print(sq.describe(), sq.side)
sq.side = 5
print(sq.area(), Square.unit().area(), isinstance(sq, Shape), issubclass(Square, Rect))
try:
    sq.side = -1
except ValueError as e:
    print("ValueError:", e)
try:
    Shape("blob").describe()
except NotImplementedError as e:
    print("NotImplementedError:", e)
print(type(sq).__name__, Square.__name__, Square.__bases__[0].__name__, sorted(sq.__dict__.items()))


class Money:
    def __init__(self, cents):
        self.cents = cents

    def __add__(self, other):
        if isinstance(other, int):
            return Money(self.cents + other)
        return Money(self.cents + other.cents)

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return Money(self.cents - other.cents)

    def __mul__(self, k):
        return Money(self.cents * k)

    __rmul__ = __mul__

    def __neg__(self):
        return Money(-self.cents)

    def __eq__(self, other):
        return isinstance(other, Money) and self.cents == other.cents

    def __lt__(self, other):
        return self.cents < other.cents

    def __le__(self, other):
        return self.cents <= other.cents

    def __hash__(self):
        return hash(self.cents)

    def __repr__(self):
        return f"Money({self.cents})"

    def __str__(self):
        return f"${self.cents // 100}.{self.cents % 100:02d}"

    def __bool__(self):
        return self.cents != 0

    def __format__(self, spec):
        return format(self.cents / 100, spec)


a, b = Money(150), Money(275)
print(a + b, repr(a + b), 3 * a, a * 2, -a, sum([a, b, Money(5)]), a + 1)
print(a == Money(150), a != b, a < b, b <= a, sorted([b, a]), max(a, b), bool(Money(0)))
print({a: "a", Money(150): "again"}, len({a, Money(150), b}), f"{b:.3f}", str(a), [a])


class Bag:
    def __init__(self, *items):
        self.items = list(items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]

    def __setitem__(self, i, v):
        self.items[i] = v

    def __contains__(self, x):
        return x in self.items

    def __iter__(self):
        return iter(self.items)

    def __call__(self, x):
        return self.items.count(x)


bag = Bag(1, 2, 2, 3)
bag[0] = 7
print(len(bag), bag[1], bag[-1], 2 in bag, 5 in bag, list(bag), bag(2), callable(bag), bool(Bag()))


class NoHash:
    def __eq__(self, other):
        return True


try:
    hash(NoHash())
except TypeError as e:
    print("TypeError:", e)


class Dyn:
    pass


d = Dyn()
d.x = 1
setattr(d, "y", 2)
print(d.x, getattr(d, "y"), getattr(d, "z", "default"), hasattr(d, "x"), hasattr(d, "z"), d.__dict__)
try:
    d.z
except AttributeError as e:
    print("AttributeError:", e)
del d.x
print(hasattr(d, "x"), Dyn.__name__, type(d) is Dyn, isinstance(d, object))


class Node:
    def __init__(self, val, nxt=None):
        self.val, self.nxt = val, nxt

    def __iter__(self):
        node = self
        out = []
        while node is not None:
            out.append(node.val)
            node = node.nxt
        return iter(out)


print(list(Node(1, Node(2, Node(3)))))


class Countdown:
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return self

    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n


print(list(Countdown(4)), [x * 2 for x in Countdown(3)])
