"""Model size and cost of a config: parameters and FLOPs (one multiply-add = one FLOP,
the convention of the RTMPose paper and mmengine's counter)."""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

from mmengine.config import Config


def build_model(config: str, cfg: Optional[Config] = None):
    """The model of a config, built on CPU in eval mode (SyncBN as BN, no weights loaded)."""
    from mmengine.registry import MODELS, init_default_scope

    from .config import find_config
    cfg = cfg or Config.fromfile(find_config(config))
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    model_cfg = cfg.model
    if model_cfg.get('backbone', {}).get('norm_cfg', {}).get('type') == 'SyncBN':
        model_cfg.backbone.norm_cfg = dict(type='BN')
    return MODELS.build(model_cfg).eval(), cfg


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
