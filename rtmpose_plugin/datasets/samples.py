"""The sample data (``../shared/data``), the one place that knows it.

Where it is, its folders laid out as each real dataset is (so that a config runs
unmodified but for ``--data-root``; images symlinked), the annotated people as model
crops (INT8 calibration, accuracy checks), and smoke training on the COCO samples (the
demo's and the tests' model).
"""
from __future__ import annotations

import glob
import json
import os
import os.path as osp
import shutil
from dataclasses import dataclass
from typing import List, Sequence

import numpy as np

SMOKE_CONFIG = 'rtmpose-t_1xb4-120e_coco-sample-256x192.py'

def default_data_root() -> str:
    """The sample data folder.

    ``RTMPOSE_SHARED_DATA``, else ``../shared/data`` from the working directory
    (the checkout's root, where ``make demo`` runs), else ``./shared/data``."""
    if os.environ.get('RTMPOSE_SHARED_DATA'):
        return os.environ['RTMPOSE_SHARED_DATA']
    for cand in (osp.join('..', 'shared', 'data'), osp.join('shared', 'data')):
        if osp.isdir(cand):
            return osp.abspath(cand)
    return osp.abspath(osp.join('..', 'shared', 'data'))



FAMILIES = ('coco', 'coco-wholebody', 'coco-det', 'aic-coco', 'cspnext-udp', 'crowdpose', 'mpii',
            'ap10k', 'lapa', 'body8', 'hand5', 'cocktail14')


# COCO-style layouts: the sample annotation file, and the train / val names it stands for
_COCO_LIKE = {
    'coco': ('test_coco.json',
             ('person_keypoints_train2017.json', 'person_keypoints_val2017.json')),
    'coco-wholebody': ('test_coco_wholebody.json',
                       ('coco_wholebody_train_v1.0.json', 'coco_wholebody_val_v1.0.json')),
    # mmdet's CocoDataset reads the person boxes of the keypoint annotations
    'coco-det': ('test_coco.json', ('instances_train2017.json', 'instances_val2017.json')),
}


# Layouts from a sample folder of the same name: its annotation file, the train / val
# names it stands for, and the image folder
_OWN_FOLDER = {
    'crowdpose': ('test_crowdpose.json',
                  ('mmpose_crowdpose_trainval.json', 'mmpose_crowdpose_test.json'), 'images'),
    'mpii': ('test_mpii.json', ('mpii_train.json', 'mpii_val.json'), 'images'),
    'ap10k': ('test_ap10k.json', ('ap10k-train-split1.json', 'ap10k-val-split1.json',
                                  'ap10k-test-split1.json'), 'data'),
    'lapa': ('test_lapa.json', ('lapa_train.json', 'lapa_val.json', 'lapa_test.json',
                                'lapa_trainval.json'), ''),
    'onehand10k': ('test_onehand10k.json', ('onehand10k_train.json', 'onehand10k_test.json'), ''),
}


def _link_images(src_dir: str, dst_dir: str) -> None:
    os.makedirs(dst_dir, exist_ok=True)
    for img in glob.glob(osp.join(src_dir, '*.jpg')):
        os.symlink(img, osp.join(dst_dir, osp.basename(img)))


def _copy(src: str, dst: str) -> None:
    os.makedirs(osp.dirname(dst), exist_ok=True)
    shutil.copy(src, dst)


def mpii_headboxes(ann_file: str, out_file: str) -> None:
    """A ``mpii_gt_val.mat`` for the sample.

    Each head box spans upper neck (8) to head top (9), as MPII's head rectangles do. (N
    annotations -> (2, 2, N).)
    """
    from scipy.io import savemat
    anns = json.load(open(ann_file))
    boxes = np.zeros((2, 2, len(anns)))
    for i, ann in enumerate(anns):
        neck, top = np.array(ann['joints'][8]), np.array(ann['joints'][9])
        side = max(np.linalg.norm(top - neck), 1.0) * 0.5
        centre = (neck + top) / 2
        boxes[:, 0, i] = centre - side
        boxes[:, 1, i] = centre + side
    savemat(out_file, dict(headboxes_src=boxes))


def make_layout(family: str, root: str, samples: str) -> str:
    """Build the folder tree a family's config expects from the sample folder.

    Build the folder tree ``family``'s config expects under ``root`` from the
    sample folder ``samples``; returns the path to pass as ``--data-root``."""

    def shared(*parts: str) -> str:
        path = osp.join(samples, *parts)
        if not osp.exists(path):
            raise FileNotFoundError(f'sample data {path} is missing')
        return path

    if family in _COCO_LIKE:
        src = shared('coco')
        ann, names = _COCO_LIKE[family]
        for name in names:
            _copy(osp.join(src, ann), osp.join(root, 'annotations', name))
        for split in ('train2017', 'val2017'):
            _link_images(src, osp.join(root, split))
        if family == 'coco-wholebody':  # validated on the person detector's boxes
            _copy(osp.join(src, 'test_coco_det_AP_H_56.json'),
                  osp.join(root, 'person_detection_results',
                           'COCO_val2017_detections_AP_H_56_person.json'))
        return root
    if family in ('aic-coco', 'cspnext-udp'):
        make_layout('coco', osp.join(root, 'coco'), samples)
        _copy(shared('aic', 'test_aic.json'), osp.join(root, 'aic', 'annotations',
                                                       'aic_train.json'))
        _link_images(shared('aic'), osp.join(root, 'aic', 'keypoint_train_images_20170902'))
        return root
    if family == 'cocktail14':  # Body8's datasets, and LaPa for the faces (Face6 too)
        make_layout('body8', root, samples)
        make_layout('lapa', osp.join(root, 'LaPa'), samples)
        return root
    if family in ('body8', 'hand5'):
        # mixtures under data/: every dataset with a sample (the others are left out
        # of a run by sampled_mixture)
        make_layout('coco-wholebody', osp.join(root, 'coco'), samples)
        if family == 'hand5':  # (no Halpe: mmpose 1.3.2 lacks its HalpeHandDataset)
            make_layout('onehand10k', osp.join(root, 'onehand10k'), samples)
            return root
        for name in _COCO_LIKE['coco'][1]:  # Body8's COCO, beside Halpe-26's COCO-WholeBody
            _copy(shared('coco', 'test_coco.json'), osp.join(root, 'coco', 'annotations', name))
        halpe = shared('coco', 'test_halpe.json')
        for name in ('halpe_train_v1.json', 'halpe_val_v1.json', 'halpe_train_133kpt.json'):
            _copy(halpe, osp.join(root, 'halpe', 'annotations', name))
        _link_images(shared('coco'), osp.join(root, 'halpe', 'hico_20160224_det', 'images',
                                              'train2015'))
        for name, images in (('aic_train.json', 'keypoint_train_images_20170902'),
                             ('aic_val.json', 'keypoint_validation_images_20170911')):
            _copy(shared('aic', 'test_aic.json'), osp.join(root, 'aic', 'annotations', name))
            _link_images(shared('aic'), osp.join(root, 'aic', images))
        make_layout('crowdpose', osp.join(root, 'crowdpose'), samples)
        make_layout('mpii', osp.join(root, 'mpii'), samples)
        return root
    if family in _OWN_FOLDER:
        ann, names, images = _OWN_FOLDER[family]
        src = shared(family)
        for name in names:
            _copy(osp.join(src, ann), osp.join(root, 'annotations', name))
        _link_images(src, osp.join(root, images))
        if family == 'crowdpose':
            _copy(osp.join(src, 'test_crowdpose_det_AP_40.json'),
                  osp.join(root, 'annotations', 'det_for_crowd_test_0.1_0.5.json'))
        elif family == 'mpii':
            mpii_headboxes(osp.join(src, ann), osp.join(root, 'annotations', 'mpii_gt_val.mat'))
        return root
    raise ValueError(f'unknown dataset family {family!r}; known: {FAMILIES}')


#: sample folder -> its COCO-style annotation file
SAMPLE_ANNOTATIONS = dict(coco='test_coco.json', aic='test_aic.json',
                          crowdpose='test_crowdpose.json')


def sample_people(samples: str, folder: str, input_size: Sequence[int]):
    """The annotated people of one sample folder, cropped.

    (crop, centre, scale, image id) of each annotated person (with keypoints) in the
    sample ``folder`` under ``samples``; nothing where its annotation file is missing."""
    import cv2

    from ..core.topdown import crop_person
    path = osp.join(samples, folder, SAMPLE_ANNOTATIONS[folder])
    if not osp.isfile(path):
        return
    data = json.load(open(path))
    images = {i['id']: i['file_name'] for i in data['images']}
    for a in data['annotations']:
        if a.get('num_keypoints', 1) == 0:
            continue
        image = cv2.imread(osp.join(samples, folder, images[a['image_id']]))
        crop, (center, scale) = crop_person(image, np.array(a['bbox'], np.float32), input_size)
        yield crop, center, scale, a['image_id']


def calibration_crops(samples: str, input_size: Sequence[int], limit: int = 32,
                      folders: Sequence[str] = ('coco', 'aic')) -> np.ndarray:
    """Person crops of the sample folders, for INT8 calibration and parity checks.

    (N, h, w, 3) uint8 person crops of the annotated people (with keypoints) in the
    sample ``folders`` under ``samples``, for INT8 calibration and parity checks."""
    crops = [person[0] for folder in folders
             for person in sample_people(samples, folder, input_size)]
    if not crops:
        raise FileNotFoundError(f'no person crops found under {samples} '
                                f'({", ".join(f + "/" for f in folders)})')
    return np.stack(crops[:limit])


@dataclass
class People:
    """The annotated COCO sample people: crops and what maps them back."""
    crops: np.ndarray  # (N, h, w, 3) uint8 BGR
    centers: np.ndarray  # (N, 2)
    scales: np.ndarray  # (N, 2)
    image_ids: List[int]
    ann_file: str


def coco_people(data_root: str, input_size: Sequence[int]) -> People:
    """Crops of the annotated people (with keypoints) of ``coco/test_coco.json``."""
    ann_file = osp.join(data_root, 'coco', 'test_coco.json')
    if not osp.isfile(ann_file):
        raise FileNotFoundError(f'{ann_file} does not exist: give the sample data folder')
    crops, centers, scales, ids = zip(*sample_people(data_root, 'coco', input_size))
    return People(np.stack(crops), np.stack(centers), np.stack(scales), list(ids), ann_file)
