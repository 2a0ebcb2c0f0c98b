"""The pipeline's errors: :mod:`rtmpose_plugin.errors`, where they are defined."""
from ..errors import InputError, ModelError

__all__ = ['InputError', 'ModelError']
