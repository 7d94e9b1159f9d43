# A loop that looks infinite but stops by raising.
i = 0
while True:
    i += 1
    if i == 100000:
        raise RuntimeError('stopped after ' + str(i))
