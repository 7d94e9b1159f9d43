# unsupported: file access with open
data = open('/etc/hostname').read()
print(data)
