# unsupported: time.sleep (only time.perf_counter is in the subset)
import time
time.sleep(10 ** 9)
