# A user-defined exception class.
class MyError(Exception):
    pass
raise MyError('boom')
