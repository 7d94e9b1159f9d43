# unsupported: from-import
from math import sqrt
print(sqrt(4.0))
