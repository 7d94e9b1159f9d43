# unsupported: exec
exec('x = 1')
