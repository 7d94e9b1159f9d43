# unsupported: async def
async def f():
    return 1
print(f)
