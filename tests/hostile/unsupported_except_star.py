# unsupported: try/except*
try:
    raise ValueError('x')
except* ValueError:
    print('caught')
