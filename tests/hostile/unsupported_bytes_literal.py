# unsupported: bytes literal
print(b'abc')
