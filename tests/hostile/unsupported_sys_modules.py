# unsupported: sys.modules
import sys
print(sys.modules['os'])
