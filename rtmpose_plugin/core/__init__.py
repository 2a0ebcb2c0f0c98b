"""The numeric core: pure NumPy / tensor functions shared by training, evaluation and deployment.

Only NumPy and OpenCV are imported here; the tensor functions (``flip``,
``simcc_tensor``, ``accuracy``) import torch and are imported by module.
"""
from .simcc import (auto_sigma, decode_simcc, encode_simcc, refine_dark_1d, resolve_sigma,
                    simcc_argmax, simcc_bins)

__all__ = [
    'auto_sigma', 'decode_simcc', 'encode_simcc', 'refine_dark_1d', 'resolve_sigma',
    'simcc_argmax', 'simcc_bins'
]
