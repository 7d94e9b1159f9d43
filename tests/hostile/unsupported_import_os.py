# unsupported: import os (process access)
import os
print(os.getcwd())
