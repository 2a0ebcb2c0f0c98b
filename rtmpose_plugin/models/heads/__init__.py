from .rtmcc_head import RTMSimCCHead

__all__ = ['RTMSimCCHead']
