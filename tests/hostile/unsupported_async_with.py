# unsupported: async with
async def f(cm):
    async with cm:
        pass
