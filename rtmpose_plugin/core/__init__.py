"""The numeric core: pure NumPy / tensor functions shared by training,
evaluation and deployment."""
from .flip import flip_simcc
from .simcc import (auto_sigma, decode_simcc, encode_simcc, refine_dark_1d, resolve_sigma,
                    simcc_argmax, simcc_bins)

__all__ = [
    'auto_sigma', 'decode_simcc', 'encode_simcc', 'refine_dark_1d', 'resolve_sigma',
    'simcc_argmax', 'simcc_bins', 'flip_simcc'
]
