# unsupported: metaclass keyword
class Meta(type):
    pass
class A(metaclass=Meta):
    pass
