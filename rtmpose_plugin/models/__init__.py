from .heads import RTMSimCCHead, RTMWSimCCHead
from .layers import GAUBlock, ScaleNorm
from .losses import KLDiscreteLoss

__all__ = ['RTMSimCCHead', 'RTMWSimCCHead', 'GAUBlock', 'ScaleNorm', 'KLDiscreteLoss']
