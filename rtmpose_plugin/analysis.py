"""Model size and cost of a config.

Parameters and FLOPs (one multiply-add = one FLOP, the convention of the RTMPose paper
and mmengine's counter).
"""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

from .build import build_model


def complexity(config: str, input_hw: Optional[Sequence[int]] = None) -> Tuple[int, float]:
    """(parameters, GFLOPs) of a top-down pose config for one crop.

    Args:
        config: Config path or file name.
        input_hw: (h, w); the codec's input size by default.
    """
    from mmengine.analysis import get_model_complexity_info
    model, cfg = build_model(config)
    if input_hw is None:
        w, h = cfg.codec['input_size']
        input_hw = (h, w)
    model.forward = model._forward  # tensor in, tensors out
    info = get_model_complexity_info(model, input_shape=(3, *input_hw), show_table=False,
                                     show_arch=False)
    return int(info['params']), float(info['flops']) / 1e9
