# unsupported: eval
print(eval('1 + 2'))
