"""The package's kinds of error, at the lowest layer so that every room raises the same.

- :class:`ModelError`: the model is not what it should be (not an RTMPose or RTMDet
  export, outputs of the wrong shape, a folder without a model, meta that disagree). A
  run stops with a one-line error.
- :class:`InputError`: the input is at fault (an image that is no image, an unsupported
  dtype, boxes of the wrong shape, a timestamp that does not increase). The runner records
  such a frame and goes on; only these count as "unreadable". :class:`OutputError`, one
  of them, is an output that cannot be written (a full disk): a run stops at it.
- anything else is internal: a bug, reported with its traceback.

:data:`EXPECTED_ERRORS` are what the commands report as one line rather than a traceback.
"""
import pickle


class ModelError(ValueError):
    """A model file that is not what was expected."""


class InputError(ValueError):
    """A frame, boxes, timestamp, input path or output folder the pipeline cannot take, and why."""


class OutputError(InputError):
    """An output that cannot be written (a full disk, a folder without permission).

    Not the input's fault: a job over many inputs stops at it rather than going on."""


#: reported as one line by the commands (a refused checkpoint is a pickle.UnpicklingError)
EXPECTED_ERRORS = (FileNotFoundError, ValueError, RuntimeError, pickle.UnpicklingError)

__all__ = ['ModelError', 'InputError', 'OutputError', 'EXPECTED_ERRORS']
