# Deleting a function call.
del len([])
