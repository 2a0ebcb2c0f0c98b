"""What ``tools/train.py`` / ``tools/test.py`` (and ``mim train`` / ``mim test``) run."""
from ..config import find_config, replace_data_root
from .training import test, train

__all__ = ['find_config', 'replace_data_root', 'train', 'test']
