"""Drawing a frame's result: boxes with track IDs, each keypoint set's own skeleton and colours."""
from __future__ import annotations

import cv2
import numpy as np

from ..runtime.meta import KeypointSet
from .pipeline import FrameResult


def draw(image: np.ndarray, result: FrameResult, keypoints: KeypointSet,
         kpt_thr: float = 0.3, boxes: bool = True) -> np.ndarray:
    """Draw boxes, track IDs, the skeleton and keypoints on a BGR image.

    Boxes with track IDs (unless ``boxes`` is False), then the keypoint set's skeleton
    and keypoints over ``kpt_thr`` in its own colours (mmpose's, RGB, drawn on the BGR
    image)."""
    out = image.copy()
    k = keypoints.num_keypoints
    link_colors = [c[::-1] for c in keypoints.link_colors] or [(0, 255, 0)]
    kpt_colors = [c[::-1] for c in keypoints.keypoint_colors] or [(0, 0, 255)]
    thick = max(1, round(max(image.shape[:2]) / 500))
    for inst in result.instances:
        color = tuple(int(c) for c in np.random.default_rng(inst.track_id).integers(64, 256, 3))
        if boxes:
            x1, y1, x2, y2 = inst.bbox.astype(int)
            cv2.rectangle(out, (x1, y1), (x2, y2), color, thick)
            cv2.putText(out, str(inst.track_id), (x1, max(y1 - 3, 10)),
                        cv2.FONT_HERSHEY_SIMPLEX, 0.5 * thick, color, thick, cv2.LINE_AA)
        kp, sc = inst.keypoints, inst.keypoint_scores
        for j, (a, b) in enumerate(keypoints.skeleton):
            if a < k and b < k and sc[a] > kpt_thr and sc[b] > kpt_thr:
                cv2.line(out, tuple(kp[a].astype(int)), tuple(kp[b].astype(int)),
                         tuple(int(v) for v in link_colors[j % len(link_colors)]), thick + 1,
                         cv2.LINE_AA)
        radius = thick + (2 if k <= 30 else 0)
        for j, ((x, y), s) in enumerate(zip(kp, sc)):
            if s > kpt_thr:
                cv2.circle(out, (int(x), int(y)), radius,
                           tuple(int(v) for v in kpt_colors[j % len(kpt_colors)]), -1,
                           cv2.LINE_AA)
    return out
