# unsupported: globals
globals()['x'] = 1
