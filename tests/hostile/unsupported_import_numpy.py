# unsupported: numpy (not yet in the subset)
import numpy as np
print(np.zeros(3))
