# Assignment to None.
None = 0
