"""The three kinds of error of the pipeline and the CLI.

- :class:`InputError`: the input is at fault (an image that is no image, an unsupported
  dtype, boxes of the wrong shape, a timestamp that does not increase). The runner records
  such a frame and goes on; only these count as "unreadable".
- :class:`rtmpose_plugin.runtime.ModelError`: the model is not what it should be. A run
  stops with a one-line error.
- anything else is internal: a bug, reported with its traceback.
"""
from ..runtime.meta import ModelError


class InputError(ValueError):
    """A frame, boxes or timestamp the pipeline cannot take, and why."""


__all__ = ['InputError', 'ModelError']
