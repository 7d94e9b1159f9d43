# __repr__ that recurses into itself.
class R:
    def __repr__(self):
        return 'R(' + repr(self) + ')'
print(R())
