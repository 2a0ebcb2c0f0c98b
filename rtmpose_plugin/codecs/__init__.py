from .simcc_label import RTMSimCCLabel

__all__ = ['RTMSimCCLabel']
