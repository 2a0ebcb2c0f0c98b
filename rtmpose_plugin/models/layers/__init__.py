from .gau import DropPath, GAUBlock, LayerScale
from .position import relative_position_bias, rotary_embedding
from .scale_norm import ScaleNorm

__all__ = [
    'GAUBlock', 'LayerScale', 'DropPath', 'ScaleNorm', 'rotary_embedding', 'relative_position_bias'
]
