"""Model names -> configs and official checkpoints, downloaded once and cached.

``rtmpose-t/s/m/l`` (COCO, 256x192), ``rtmpose-m-384`` / ``rtmpose-l-384`` (AIC+COCO),
``rtmpose-m-wholebody`` / ``rtmpose-l-wholebody``, and the person detectors
``rtmdet-nano`` / ``rtmdet-m``. A local checkpoint path works offline; a failed
download says where to put the file by hand.
"""
from __future__ import annotations

import os.path as osp
from typing import Dict, Tuple

_RTMPOSE = 'https://download.openmmlab.com/mmpose/v1/projects/rtmpose/'

#: name -> (our config, official checkpoint URL or None: from mmpose's metafiles)
NAMES: Dict[str, Tuple[str, str]] = {
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


def official_url(name: str) -> str:
    """The official checkpoint URL of a model name of :data:`NAMES`."""
    from ..zoo import official_models
    config, url = NAMES[name]
    return url or official_models()[config].weights


def resolve(name_or_path: str, checkpoint: str = None) -> Tuple[str, str]:
    """(config path, local checkpoint path) for a model name, downloading once.

    Args:
        name_or_path: A name of :data:`NAMES`, or a config path / name.
        checkpoint: A local path or URL overriding the official checkpoint.

    Raises:
        ValueError: an unknown name with no checkpoint given.
        RuntimeError: the download failed (the message says where to put the file).
    """
    from ..apis.runner import find_config
    from ..compat.checkpoint import download_checkpoint
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
