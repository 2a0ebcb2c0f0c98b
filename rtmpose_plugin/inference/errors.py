"""The pipeline's errors: :mod:`rtmpose_plugin.errors`, where they are defined."""
from ..errors import InputError, ModelError, OutputError

__all__ = ['InputError', 'ModelError', 'OutputError']
