# The parts of the `tensorflow` module written in Python, run by tfjit when a
# program imports tensorflow. `_tfjit` is filled with native helpers by
# tf/module.rs after this source runs.


class _tfjit:
    pass


class Module:
    """tf.Module: a named container that tracks variables and submodules."""

    _TF_MODULE_MARKER = True

    def __init__(self, name=None):
        if name is None:
            name = _tfjit.camel_to_snake(type(self).__name__)
        else:
            _tfjit.check_name(name)
        self._name = name

    @property
    def name(self):
        return self._name

    @property
    def variables(self):
        return _tfjit.flatten(self, "variables")

    @property
    def trainable_variables(self):
        return _tfjit.flatten(self, "trainable_variables")

    @property
    def non_trainable_variables(self):
        return _tfjit.flatten(self, "non_trainable_variables")

    @property
    def submodules(self):
        return _tfjit.flatten(self, "submodules")

    def with_name_scope(method):
        return method
