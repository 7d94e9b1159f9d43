# continue inside a function defined in a loop body.
for i in range(3):
    def f():
        continue
