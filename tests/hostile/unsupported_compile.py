# unsupported: compile
code = compile('1', 'f', 'eval')
