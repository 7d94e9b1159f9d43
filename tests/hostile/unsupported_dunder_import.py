# unsupported: __import__
os = __import__('os')
print(os.getcwd())
