"""The model zoo: our configs, their size and cost, and the official RTMPose checkpoint
each is compatible with (from the metafiles mmpose ships with its configs)."""
from __future__ import annotations

import glob
import os.path as osp
from typing import Dict, List, NamedTuple, Optional


# metafile metric -> how the table names it
_METRICS = {'AP': 'AP', 'Whole AP': 'whole-body AP', 'Mean': 'PCKh@0.5'}


class Official(NamedTuple):
    metric: str
    value: float
    weights: str


def official_models() -> Dict[str, Official]:
    """mmpose's published RTMPose / CSPNeXt results: config file name -> (metric, value, URL)."""
    import mmpose
    import yaml
    root = osp.join(osp.dirname(mmpose.__file__), '.mim', 'configs')
    found: Dict[str, Official] = {}
    for path in glob.glob(osp.join(root, '**', '*.yml'), recursive=True):
        if 'rtmpose' not in path and 'cspnext' not in path:
            continue
        with open(path) as f:
            meta = yaml.safe_load(f) or {}
        for model in meta.get('Models', []):
            metrics = model.get('Results', [{}])[0].get('Metrics', {})
            key = next((k for k in _METRICS if k in metrics), None)
            if key and model.get('Weights'):
                found[osp.basename(model['Config'])] = Official(_METRICS[key],
                                                                float(metrics[key]),
                                                                model['Weights'])
    return found


def pose_configs() -> List[str]:
    """Our top-down pose configs (the RTMPose models), by file name."""
    from .config import find_config
    root = osp.dirname(osp.dirname(find_config('rtmpose-t_8xb256-420e_coco-256x192.py')))
    root = osp.dirname(osp.dirname(root))  # configs/
    names = [osp.basename(p) for p in glob.glob(osp.join(root, '*_keypoint', 'rtmpose', '*',
                                                         'rtmpose-*.py'))]
    return sorted(n for n in names if 'sample' not in n)


def zoo_rows(official: Optional[Dict[str, Official]] = None) -> List[str]:
    """Markdown rows: config, input, params, GFLOPs, official result, official checkpoint."""
    from mmengine.config import Config

    from .analysis import complexity
    from .config import find_config
    official = official_models() if official is None else official
    rows = []
    for name in pose_configs():
        cfg = Config.fromfile(find_config(name))
        w, h = cfg.codec['input_size']
        params, gflops = complexity(name)
        ref = official.get(name)
        result = f'{ref.metric} {ref.value:.3f}' if ref else 'no official checkpoint'
        weights = f'[{osp.basename(ref.weights)}]({ref.weights})' if ref else '—'
        rows.append(f'| {name} | {h}x{w} | {params / 1e6:.2f} M | {gflops:.2f} | {result} | '
                    f'{weights} |')
    return rows


HEADER = ('| config | input (HxW) | params | GFLOPs | official result (mmpose) | '
          'official checkpoint (loads into ours) |\n|---|---|---|---|---|---|')
