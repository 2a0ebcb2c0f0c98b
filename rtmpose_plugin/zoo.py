"""The model zoo: model names (the one place: what ``--pose`` / ``--det`` and the API
accept by name), our configs, their size and cost, and the official RTMPose checkpoint
each is compatible with (from the metafiles mmpose ships with its configs)."""
from __future__ import annotations

import glob
import os.path as osp
from typing import Dict, List, NamedTuple, Optional, Tuple


_RTMPOSE = 'https://download.openmmlab.com/mmpose/v1/projects/rtmpose/'

#: name -> (our config, official checkpoint URL or None: from mmpose's metafiles)
NAMES: Dict[str, Tuple[str, Optional[str]]] = {
    'rtmpose-t': ('rtmpose-t_8xb256-420e_coco-256x192.py', None),
    'rtmpose-s': ('rtmpose-s_8xb256-420e_coco-256x192.py', None),
    'rtmpose-m': ('rtmpose-m_8xb256-420e_coco-256x192.py', None),
    'rtmpose-l': ('rtmpose-l_8xb256-420e_coco-256x192.py', None),
    'rtmpose-m-384': ('rtmpose-m_8xb256-420e_aic-coco-384x288.py', None),
    'rtmpose-l-384': ('rtmpose-l_8xb256-420e_aic-coco-384x288.py', None),
    'rtmpose-m-wholebody': ('rtmpose-m_8xb64-270e_coco-wholebody-256x192.py', None),
    'rtmpose-l-wholebody': ('rtmpose-l_8xb64-270e_coco-wholebody-256x192.py', None),
    'rtmdet-nano': ('rtmdet_nano_320-8xb32_coco-person.py',
                    _RTMPOSE + 'rtmdet_nano_8xb32-100e_coco-obj365-person-05d8511e.pth'),
    'rtmdet-m': ('rtmdet_m_640-8xb32_coco-person.py',
                 _RTMPOSE + 'rtmdet_m_8xb32-100e_coco-obj365-person-235e8209.pth'),
}
#: detector input sizes of the names above
DETECTOR_SIZES = {'rtmdet-nano': 320, 'rtmdet-m': 640}


def official_url(name: str) -> str:
    """The official checkpoint URL of a model name of :data:`NAMES`."""
    config, url = NAMES[name]
    return url or official_models()[config].weights


def resolve(name_or_path: str, checkpoint: Optional[str] = None) -> Tuple[str, str]:
    """(config path, local checkpoint path) for a model name or config, downloading once.

    Raises:
        ValueError: an unknown name with no checkpoint given.
        FileNotFoundError: a checkpoint path that does not exist.
        RuntimeError: the download failed (the message says where to put the file).
    """
    from .compat.checkpoint import download_checkpoint
    from .config import find_config
    if name_or_path in NAMES:
        config, url = NAMES[name_or_path][0], official_url(name_or_path)
    else:
        config, url = name_or_path, None
    checkpoint = checkpoint or url
    if checkpoint is None:
        raise ValueError(f'{name_or_path!r} is not a model name ({", ".join(NAMES)}); give '
                         'a checkpoint with it')
    if checkpoint.startswith(('http://', 'https://')):
        checkpoint = download_checkpoint(checkpoint)
    elif not osp.isfile(checkpoint):
        raise FileNotFoundError(f'checkpoint {checkpoint} does not exist')
    return find_config(config), checkpoint


# metafile metric -> how the table names it
_METRICS = {'AP': 'AP', 'Whole AP': 'whole-body AP', 'Mean': 'PCKh@0.5', 'NME': 'NME',
            'AUC': 'AUC'}


class Official(NamedTuple):
    metric: str
    value: float
    weights: str


def official_models() -> Dict[str, Official]:
    """mmpose's published RTMPose / CSPNeXt results: config file name -> (metric, value, URL)."""
    import yaml

    from .config import mmpose_config_root
    root = mmpose_config_root()
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
