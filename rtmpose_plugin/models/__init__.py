from .heads import RTMSimCCHead
from .layers import GAUBlock, ScaleNorm
from .losses import KLDiscreteLoss

__all__ = ['RTMSimCCHead', 'GAUBlock', 'ScaleNorm', 'KLDiscreteLoss']
