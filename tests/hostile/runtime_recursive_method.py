# A method that calls itself forever.
class Node:
    def depth(self):
        return 1 + self.depth()
print(Node().depth())
