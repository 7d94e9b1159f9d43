# unsupported: await
async def g():
    return 1
async def f():
    return await g()
