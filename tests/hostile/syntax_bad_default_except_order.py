# A bare except that is not the last handler.
try:
    x = 1
except:
    pass
except ValueError:
    pass
