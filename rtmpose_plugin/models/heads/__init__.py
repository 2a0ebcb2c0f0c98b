from .rtmcc_head import RTMSimCCHead
from .rtmw_head import RTMWSimCCHead

__all__ = ['RTMSimCCHead', 'RTMWSimCCHead']
