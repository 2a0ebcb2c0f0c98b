"""The model zoo.

Model names (the one place: what ``--pose`` / ``--det`` and the API accept by name), our
configs, their size and cost, the official RTMPose checkpoint each is compatible with
and OpenMMLab's ONNX SDK zip where one is published.

Official results, checkpoints and keypoint sets are read from our own metafiles
(``configs/**/metafile.yml``, indexed by ``model-index.yml``: what ``mim search
rtmpose_plugin`` reads), which :mod:`rtmpose_plugin.model_index` generates from
mmpose's metafiles and our configs; so names resolve on the runtime-only install,
without mmpose. Reading them needs PyYAML only.
"""
from __future__ import annotations

import functools
import glob
import os.path as osp
import re
from typing import Dict, List, NamedTuple, Optional, Tuple


_RTMPOSE = 'https://download.openmmlab.com/mmpose/v1/projects/rtmpose/'
#: where OpenMMLab publishes the RTMPose project's ONNX SDK zips (and rtmlib's detectors)
_SDK_V1 = 'https://download.openmmlab.com/mmpose/v1/projects/rtmposev1/onnx_sdk/'

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
#: the detectors' ONNX SDK zips (OpenMMLab's), by name: the RTMDet person detectors of
#: mmpose's RTMPose project, and those rtmlib's solutions use (YOLOX trained on
#: Human-Art for people, RTMDet-nano for hands); the last four are published as zips
#: only (no config of ours; as the names of ZIP_ONLY_POSE)
DETECTOR_ZIPS = {
    'rtmdet-nano': _SDK_V1 + 'rtmdet_nano_8xb32-100e_coco-obj365-person-05d8511e.zip',
    'rtmdet-m': _SDK_V1 + 'rtmdet_m_8xb32-100e_coco-obj365-person-235e8209.zip',
    'yolox-tiny': _SDK_V1 + 'yolox_tiny_8xb8-300e_humanart-6f3252f9.zip',
    'yolox-m': _SDK_V1 + 'yolox_m_8xb8-300e_humanart-c2c7a14a.zip',
    'yolox-x': _SDK_V1 + 'yolox_x_8xb8-300e_humanart-a39d44ed.zip',
    'rtmdet-nano-hand': _SDK_V1 + 'rtmdet_nano_8xb32-300e_hand-267f9c8f.zip',
}
#: pose models published as ONNX SDK zips only (no config in mmpose, so none of ours):
#: name -> (zip, keypoint set); rtmlib's Body(mode='performance') is the first
ZIP_ONLY_POSE = {
    'body-x-384': (_SDK_V1 + 'rtmpose-x_simcc-body7_pt-body7_700e-384x288-71d7b7e9_'
                   '20230629.zip', 'coco'),
}
for _name in ZIP_ONLY_POSE:
    NAMES.setdefault(_name, (None, None))
#: detector input sizes of the names above
DETECTOR_SIZES = {'rtmdet-nano': 320, 'rtmdet-m': 640, 'yolox-tiny': 416, 'yolox-m': 640,
                  'yolox-x': 640, 'rtmdet-nano-hand': 320}
for _name in DETECTOR_ZIPS:
    NAMES.setdefault(_name, (None, None))

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
    'rtmw-dw-l-m_simcc-cocktail14_270e-256x192-20231122.pth': 'rtmw',
    'rtmw-dw-x-l_simcc-cocktail14_270e-256x192-20231122.pth': 'rtmw',
    'rtmw-dw-x-l_simcc-cocktail14_270e-384x288-20231122.pth': 'rtmw',
    'rtmpose-m_simcc-hand5_pt-aic-coco_210e-256x256-74fb594_20230320.pth': 'rtmposev1',
    'rtmpose-t_simcc-face6_pt-in1k_120e-256x256-df79d9a5_20230529.pth': 'rtmposev1',
    'rtmpose-s_simcc-face6_pt-in1k_120e-256x256-d779fdef_20230529.pth': 'rtmposev1',
    'rtmpose-m_simcc-face6_pt-in1k_120e-256x256-72a37400_20230529.pth': 'rtmposev1',
    'rtmpose-m_simcc-ap10k_pt-aic-coco_210e-256x256-7a041aa1_20230206.pth': 'rtmposev1',
}


def sdk_zip_url(name: str) -> Optional[str]:
    """The official ONNX SDK zip of a model name, or None.

    The official ONNX SDK zip of a model name of :data:`NAMES`, or None where
    OpenMMLab publishes none for its checkpoint."""
    if name in DETECTOR_ZIPS:
        return DETECTOR_ZIPS[name]
    if name in ZIP_ONLY_POSE:
        return ZIP_ONLY_POSE[name][0]
    checkpoint = osp.basename(official_url(name) or '')
    project = SDK_ZIPS.get(checkpoint)
    if project is None:
        return None
    stem = checkpoint[:-len('.pth')]
    if project == 'rtmw':  # rtmw-..._270e-256x192-20231122 -> ..._270e-256x192_20231122
        stem = re.sub(r'-(\d{8})$', r'_\1', stem)
    return f'{_SDK}{project}/onnx_sdk/{stem}.zip'


def name_of_zip(path_or_url: str) -> Optional[str]:
    """The model name of a published SDK zip's file name, or None.

    The model name whose published SDK zip has this file name (a zip downloaded by
    hand, or given by URL as rtmlib users do), or None."""
    import urllib.parse
    base = osp.basename(urllib.parse.urlparse(path_or_url).path)
    for name in NAMES:
        url = sdk_zip_url(name)
        if url and osp.basename(url) == base:
            return name
    return None


def official_url(name: str) -> Optional[str]:
    """The official checkpoint URL of a model name, or None.

    The official checkpoint URL of a model name of :data:`NAMES` (from mmpose's
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
        raise ValueError(f'{unknown_name_message(name_or_path)}; or give a checkpoint with '
                         'it')
    if checkpoint.startswith(('http://', 'https://')):
        from .compat.checkpoint import download_checkpoint
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
    keypoints: Optional[str] = None  # the keypoint set's name (runtime/keypoint_sets.json)
    dataset: Optional[str] = None  # what the result was measured on


def _yaml_load(path: str):
    import yaml
    loader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
    with open(path) as f:
        return yaml.load(f, Loader=loader) or {}


def metafile_paths(root: Optional[str] = None) -> List[str]:
    """Our metafiles (one per config folder), from the first config root holding any."""
    from .config import config_roots
    for base in [root] if root else config_roots():
        found = sorted(glob.glob(osp.join(base, '**', 'metafile.yml'), recursive=True))
        if found:
            return found
    return []


def read_metafiles(paths: List[str], ours: bool = True) -> Dict[str, Official]:
    """config file name -> (metric, value, weights, keypoint set) of the metafiles at ``paths``.

    Ours, or (``ours=False``) mmpose's RTMPose / CSPNeXt ones.
    """
    found: Dict[str, Official] = {}
    for path in paths:
        if not ours and 'rtmpose' not in path and 'cspnext' not in path:
            continue
        for model in _yaml_load(path).get('Models', []):
            metrics = model.get('Results', [{}])[0].get('Metrics', {})
            # ours name the metric as the table shows it; mmpose's by its own key
            key = next(iter(metrics), None) if ours else \
                next((k for k in _METRICS if k in metrics), None)
            if key and model.get('Weights'):
                found[osp.basename(model['Config'])] = Official(
                    key if ours else _METRICS[key], float(metrics[key]), model['Weights'],
                    (model.get('Metadata') or {}).get('Keypoint Set'),
                    model['Results'][0].get('Dataset'))
    return found


@functools.lru_cache(maxsize=None)
def _official_cached(key: Tuple[str, ...]) -> Dict[str, Official]:
    return read_metafiles(list(key))


def official_models() -> Dict[str, Official]:
    """Published RTMPose results.

    Config file name -> (metric, value, checkpoint URL, keypoint set), from our shipped
    metafiles (no mmpose needed).
    """
    return _official_cached(tuple(metafile_paths()))


def mmpose_official_models() -> Dict[str, Official]:
    """The same read from the metafiles of the installed mmpose.

    The source that :mod:`rtmpose_plugin.model_index` generates ours from.
    """
    from .config import mmpose_config_root
    return read_metafiles(glob.glob(osp.join(mmpose_config_root(), '**', '*.yml'),
                                    recursive=True), ours=False)


def keypoint_set_name(name: str) -> Optional[str]:
    """The keypoint set of a pose model name, or None.

    The keypoint set of a pose model name (for a published zip, whose ONNX file
    carries none), or None where our metafiles do not say it."""
    if name in ZIP_ONLY_POSE:
        return ZIP_ONLY_POSE[name][1]
    config = NAMES[name][0]
    official = official_models().get(config)
    return official.keypoints if official else None


def is_detector(name: str) -> bool:
    return name in DETECTOR_SIZES


def close_matches(name: str, n: int = 5) -> List[str]:
    """Model names like ``name`` (for an unknown-name message)."""
    import difflib
    return difflib.get_close_matches(name, list(NAMES), n=n, cutoff=0.5)


def name_hint(name: str) -> str:
    """``did you mean ...?`` with the close matches of ``name``, else where the names are listed."""
    close = close_matches(name)
    return f'did you mean {", ".join(close)}?' if close else '`rtmpose models` lists the names'


def unknown_name_message(name: str) -> str:
    return f'{name!r} is not a model name ({name_hint(name)})'


def pose_configs() -> List[str]:
    """Our top-down pose configs (the RTMPose and RTMW models), by file name."""
    return [n for n in _config_files() if 'sample' not in n]


def zoo_rows(official: Optional[Dict[str, Official]] = None) -> List[str]:
    """Markdown rows.

    Config, model names, input, params, GFLOPs, official result, official checkpoint (and
    ONNX SDK zip).
    """
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
