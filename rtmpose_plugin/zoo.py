"""The model zoo: model names (the one place: what ``--pose`` / ``--det`` and the API
accept by name), our configs, their size and cost, and the official RTMPose checkpoint
each is compatible with (from the metafiles mmpose ships with its configs)."""
from __future__ import annotations

import glob
import os.path as osp
import re
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

#: Model families, as rtmlib's solutions and mmpose's inferencer aliases name them:
#: the dataset tag of our config names -> (family name, its default size). Each
#: config of a family is named ``<family>-<size>`` (``-384`` added at 384x288); the
#: family name alone is its default size at its smaller input.
FAMILIES = {
    'body8': ('body', 'm'),  # rtmlib's Body, mmpose's 'body' / 'human' / 'body17'
    'body8-halpe26': ('body26', 'm'),  # rtmlib's BodyWithFeet, mmpose's 'body26'
    'cocktail14': ('wholebody', 'm'),  # RTMW: rtmlib's Wholebody, mmpose's 'wholebody'
    'coco-wholebody': ('wholebody-rtmpose', 'm'),  # RTMPose on COCO-WholeBody
    # COCO-WholeBody + UBody: mmpose's metafiles publish no checkpoint for these configs
    # (rtmlib's DWPose models come from distilling them), so a checkpoint is given
    'coco-ubody-wholebody': ('wholebody-ubody', 'm'),
    'hand5': ('hand', 'm'),
    'face6': ('face', 'm'),
    'ap10k': ('animal', 'm'),
}
#: mmpose's other aliases of a family name
ALIASES = {'human': 'body', 'body17': 'body'}
_CONFIG_NAME = re.compile(r'^(rtmpose|rtmw)-(\w)_[^_]+_(.+)-(\d+)x(\d+)\.py$')


def _config_files() -> List[str]:
    """Our model configs' file names (pose models of every dataset family)."""
    from .config import config_roots
    return sorted({osp.basename(p) for root in config_roots() for p in glob.glob(
        osp.join(root, '*_keypoint', 'rtmpose', '*', 'rtm*.py'))})


def family_names(files: Optional[List[str]] = None) -> Dict[str, str]:
    """Family model names -> our config file name (see :data:`FAMILIES`)."""
    names: Dict[str, str] = {}
    for name in files if files is not None else _config_files():
        m = _CONFIG_NAME.match(name)
        if not m or m.group(3) not in FAMILIES:
            continue
        family, default = FAMILIES[m.group(3)]
        size, big = m.group(2), int(m.group(4)) >= 384
        names[f'{family}-{size}' + ('-384' if big else '')] = name
        if size == default and not big:
            names[family] = name
    for alias, family in ALIASES.items():
        if family in names:
            names[alias] = names[family]
    return names


for _name, _config in family_names().items():
    NAMES.setdefault(_name, (_config, None))

#: the ONNX SDK zips OpenMMLab publishes (``onnx_sdk/`` beside the checkpoints, as
#: listed in mmpose's and rtmlib's model zoos), by the checkpoint each was exported
#: from; a zip's stem is its checkpoint's, but RTMW's, whose date is joined by '_'
_SDK = 'https://download.openmmlab.com/mmpose/v1/projects/'
SDK_ZIPS = {
    'rtmpose-t_simcc-body7_pt-body7_420e-256x192-026a1439_20230504.pth': 'rtmposev1',
    'rtmpose-s_simcc-body7_pt-body7_420e-256x192-acd4a1ef_20230504.pth': 'rtmposev1',
    'rtmpose-m_simcc-body7_pt-body7_420e-256x192-e48f03d0_20230504.pth': 'rtmposev1',
    'rtmpose-l_simcc-body7_pt-body7_420e-256x192-4dba18fc_20230504.pth': 'rtmposev1',
    'rtmpose-l_simcc-body7_pt-body7_420e-384x288-3f5a1437_20230504.pth': 'rtmposev1',
    'rtmpose-t_simcc-body7_pt-body7-halpe26_700e-256x192-6020f8a6_20230605.pth': 'rtmposev1',
    'rtmpose-s_simcc-body7_pt-body7-halpe26_700e-256x192-7f134165_20230605.pth': 'rtmposev1',
    'rtmpose-m_simcc-body7_pt-body7-halpe26_700e-256x192-4d3e73dd_20230605.pth': 'rtmposev1',
    'rtmpose-l_simcc-body7_pt-body7-halpe26_700e-256x192-2abb7558_20230605.pth': 'rtmposev1',
    'rtmpose-x_simcc-body7_pt-body7-halpe26_700e-384x288-7fb6e239_20230606.pth': 'rtmposev1',
    'rtmw-dw-x-l_simcc-cocktail14_270e-256x192-20231122.pth': 'rtmw',
    'rtmw-dw-x-l_simcc-cocktail14_270e-384x288-20231122.pth': 'rtmw',
    'rtmpose-m_simcc-hand5_pt-aic-coco_210e-256x256-74fb594_20230320.pth': 'rtmposev1',
    'rtmpose-t_simcc-face6_pt-in1k_120e-256x256-df79d9a5_20230529.pth': 'rtmposev1',
    'rtmpose-s_simcc-face6_pt-in1k_120e-256x256-d779fdef_20230529.pth': 'rtmposev1',
    'rtmpose-m_simcc-face6_pt-in1k_120e-256x256-72a37400_20230529.pth': 'rtmposev1',
    'rtmpose-m_simcc-ap10k_pt-aic-coco_210e-256x256-7a041aa1_20230206.pth': 'rtmposev1',
}


def sdk_zip_url(name: str) -> Optional[str]:
    """The official ONNX SDK zip of a model name of :data:`NAMES`, or None where
    OpenMMLab publishes none for its checkpoint."""
    checkpoint = osp.basename(official_url(name) or '')
    project = SDK_ZIPS.get(checkpoint)
    if project is None:
        return None
    stem = checkpoint[:-len('.pth')]
    if project == 'rtmw':  # rtmw-..._270e-256x192-20231122 -> ..._270e-256x192_20231122
        stem = re.sub(r'-(\d{8})$', r'_\1', stem)
    return f'{_SDK}{project}/onnx_sdk/{stem}.zip'


def official_url(name: str) -> Optional[str]:
    """The official checkpoint URL of a model name of :data:`NAMES` (from mmpose's
    metafiles), or None where mmpose publishes none for its config."""
    config, url = NAMES[name]
    official = official_models().get(config)
    return url or (official.weights if official else None)


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
    if checkpoint is None and name_or_path in NAMES:
        raise ValueError(f'mmpose publishes no checkpoint for {name_or_path!r} '
                         f'({config}); give a checkpoint with it')
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
    """Our top-down pose configs (the RTMPose and RTMW models), by file name."""
    return [n for n in _config_files() if 'sample' not in n]


def zoo_rows(official: Optional[Dict[str, Official]] = None) -> List[str]:
    """Markdown rows: config, model names, input, params, GFLOPs, official result,
    official checkpoint (and ONNX SDK zip)."""
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
        names = [n for n, (config, _) in NAMES.items() if config == name]
        zips = {sdk_zip_url(n) for n in names} - {None}
        if zips:
            weights += f' ([ONNX SDK]({zips.pop()}))'
        rows.append(f'| {name} | {", ".join(names) or "—"} | {h}x{w} | {params / 1e6:.2f} M | '
                    f'{gflops:.2f} | {result} | {weights} |')
    return rows


HEADER = ('| config | names (`--pose`, API) | input (HxW) | params | GFLOPs | '
          'official result (mmpose) | official checkpoint (loads into ours) |\n'
          '|---|---|---|---|---|---|---|')
