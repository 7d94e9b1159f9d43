# Bytes that are not UTF-8.
x = 'ÿþ'
print(x)
