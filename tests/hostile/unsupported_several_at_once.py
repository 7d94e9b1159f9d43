# unsupported: several constructs, all reported
import os
from sys import argv
def g():
    yield 1
x = eval('1')
