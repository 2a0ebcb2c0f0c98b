"""Stand-ins that tests and benchmarks share.

Random-weights checkpoints, and a synthetic multi-person video with known keypoint
trajectories, for measuring the pipeline's tracking, smoothing and frame-skip detection
(``numpy.testing``'s place).

Figures walk across the frame (half left to right, half right to left, so they cross
and occlude one another), each keypoint drawn as a dot of its own colour. The "pose
model" finds the dot of each keypoint in a crop (the one nearest the crop's centre when
two people overlap, as a real model must choose) and adds Gaussian jitter, standing in
for a pose network whose errors are known; the detector returns the ground-truth boxes.

Metrics, per run: ID switches (a person's matched track ID changing), jitter (mean
absolute frame-to-frame acceleration of matched keypoints, pixels/frame^2), and error
(mean distance of matched keypoints to the truth, pixels).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import cv2
import numpy as np



def video_frames(path: str) -> List[np.ndarray]:
    """Every frame of a (short) video file, decoded (BGR)."""
    cap = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    return frames


def random_checkpoint(config, path: str, seed: int = 0, cfg=None, adjust=None) -> str:
    """A seeded random-weights checkpoint of a config's model.

    A checkpoint of a config's model (a path, one of ours, or mmpose's) with random
    weights (no pre-trained backbone), seeded; ``adjust(model)`` edits it before saving
    (a detector's biases raised so that boxes score)."""
    import torch
    from mmengine.runner.checkpoint import save_checkpoint

    from .build import build_model
    from .config import load_config
    cfg = cfg if cfg is not None else load_config(config)
    if cfg.model.get('backbone', {}).get('init_cfg'):
        cfg.model.backbone.init_cfg = None
    model, _ = build_model(config, cfg)
    torch.manual_seed(seed)
    model.init_weights()
    if adjust is not None:
        with torch.no_grad():
            adjust(model)
    save_checkpoint(dict(state_dict=model.state_dict(), meta=dict()), path)
    return path


# a standing COCO skeleton, unit height, origin at the hips' centre
TEMPLATE = np.array([
    [0, -0.42], [-0.03, -0.45], [0.03, -0.45], [-0.07, -0.43], [0.07, -0.43],  # face
    [-0.13, -0.30], [0.13, -0.30], [-0.18, -0.12], [0.18, -0.12], [-0.20, 0.05],
    [0.20, 0.05], [-0.08, 0.0], [0.08, 0.0], [-0.09, 0.25], [0.09, 0.25], [-0.10, 0.48],
    [0.10, 0.48]
], np.float32)
COLORS = np.array([[20 + 13 * k, 250 - 13 * k, (60 + 47 * k) % 256] for k in range(17)],
                  np.uint8)


@dataclass
class Scene:
    frames: np.ndarray  # (T, H, W, 3)
    keypoints: np.ndarray  # (T, N, 17, 2) ground truth
    visible: np.ndarray  # (T, N, 17) not occluded


def make_scene(people: int = 6, frames: int = 60, size: Tuple[int, int] = (640, 360),
               height: float = 150.0, seed: int = 0) -> Scene:
    rng = np.random.default_rng(seed)
    w, h = size
    t = np.arange(frames)[:, None]
    direction = np.where(np.arange(people) % 2 == 0, 1.0, -1.0)
    start = np.where(direction > 0, rng.uniform(40, 200, people), rng.uniform(w - 200, w - 40,
                                                                                people))
    speed = rng.uniform(3.0, 6.0, people) * direction
    x = start + speed * t  # (T, N)
    y = h * 0.5 + rng.uniform(-40, 40, people) + 8 * np.sin(t / 7.0 + rng.uniform(0, 6, people))
    scale = height * rng.uniform(0.85, 1.15, people)
    kps = np.stack([x, y], -1)[:, :, None, :] + TEMPLATE[None, None] * scale[None, :, None, None]
    images = np.full((frames, h, w, 3), 40, np.uint8)
    visible = np.ones(kps.shape[:3], bool)
    for f in range(frames):
        owner = np.full((h, w), -1, np.int32)  # who is drawn on top, pixel by pixel
        for n in range(people):  # later people occlude earlier ones
            for k in range(17):
                centre = (int(round(kps[f, n, k, 0])), int(round(kps[f, n, k, 1])))
                cv2.circle(images[f], centre, 4, COLORS[k].tolist(), -1)
                cv2.circle(owner, centre, 4, n, -1)
        for n in range(people):
            for k in range(17):
                cx, cy = kps[f, n, k]
                inside = 0 <= int(cy) < h and 0 <= int(cx) < w
                visible[f, n, k] = inside and owner[int(cy), int(cx)] == n
    return Scene(images, kps.astype(np.float32), visible)


class DotPoseModel:
    """Finds each keypoint's coloured dot in a crop; Gaussian jitter of ``noise`` px."""

    def __init__(self, input_size=(192, 256), noise: float = 1.5, seed: int = 0) -> None:
        from .runtime.meta import keypoint_set
        self.input_size = input_size
        self.keypoints = keypoint_set('coco')
        self.noise = noise
        self.rng = np.random.default_rng(seed)

    def __call__(self, crops: np.ndarray):
        b = len(crops)
        kps = np.zeros((b, 17, 2), np.float32)
        scores = np.zeros((b, 17), np.float32)
        centre = np.array(self.input_size, np.float32) / 2
        for i, crop in enumerate(crops):
            for k in range(17):
                mask = (np.abs(crop.astype(np.int16) - COLORS[k]).sum(-1) < 30).astype(np.uint8)
                n, _, _, centroids = cv2.connectedComponentsWithStats(mask)
                if n <= 1:
                    continue
                c = centroids[1:]
                kps[i, k] = c[np.argmin(((c - centre)**2).sum(-1))]
                scores[i, k] = 0.9
        kps += self.rng.normal(0, self.noise, kps.shape).astype(np.float32)
        return kps, scores


def truth_detector(scene: Scene, margin: float = 10.0):
    """A detector returning each person's true box, frame by frame (call order)."""
    state = dict(frame=0)

    def detect(image):
        f = min(state['frame'], len(scene.keypoints) - 1)
        kp = scene.keypoints[f]
        boxes = np.concatenate([kp.min(1) - margin, kp.max(1) + margin,
                                np.ones((len(kp), 1))], 1)
        return boxes.astype(np.float32)

    return detect, state


def evaluate(scene: Scene, det_interval: int = 1, smoothing: Optional[Dict] = None,
             noise: float = 1.5, redetect_iou: Optional[float] = None) -> Dict[str, float]:
    """Run the pipeline over the scene.

    ID switches, jitter, error, and how many frames ran the detector.
    """
    from scipy.optimize import linear_sum_assignment

    from .inference.pipeline import PosePipeline
    truth, state = truth_detector(scene)
    calls = []

    def detect(image):
        calls.append(state['frame'])
        return truth(image)

    pipe = PosePipeline(DotPoseModel(noise=noise), detector=detect, det_interval=det_interval,
                        smoothing=smoothing, fps=30.0, redetect_iou=redetect_iou)
    frames, people = scene.keypoints.shape[:2]
    tracks: List[Dict[int, Tuple[int, np.ndarray]]] = []
    for f in range(frames):
        state['frame'] = f
        res = pipe(scene.frames[f])
        matched: Dict[int, Tuple[int, np.ndarray]] = {}
        if res.instances:
            pred = np.stack([i.keypoints for i in res.instances])
            cost = np.linalg.norm(pred[:, None] - scene.keypoints[f][None], axis=-1).mean(-1)
            rows, cols = linear_sum_assignment(cost)
            for r, c in zip(rows, cols):
                if cost[r, c] < 30:
                    matched[c] = (res.instances[r].track_id, pred[r])
        tracks.append(matched)
    switches, accel, errors = 0, [], []
    for n in range(people):
        last_id, history = None, []
        for f in range(frames):
            if n not in tracks[f]:
                history = []
                continue
            tid, kp = tracks[f][n]
            if last_id is not None and tid != last_id:
                switches += 1
            last_id = tid
            vis = scene.visible[f, n]
            errors.append(np.linalg.norm(kp - scene.keypoints[f, n], axis=-1)[vis])
            history.append((kp, f))
            if len(history) >= 3 and history[-3][1] == f - 2:
                a = history[-1][0] - 2 * history[-2][0] + history[-3][0]
                truth = (scene.keypoints[f, n] - 2 * scene.keypoints[f - 1, n] +
                         scene.keypoints[f - 2, n])
                accel.append(np.linalg.norm(a - truth, axis=-1)[vis])
    return dict(id_switches=float(switches), jitter=float(np.concatenate(accel).mean()),
                error=float(np.concatenate(errors).mean()),
                matched=float(sum(len(t) for t in tracks)) / (frames * people),
                detections=float(len(calls)))


class StandingPoseModel:
    """A pose model that finds the same standing pose in every crop.

    A pose model that finds the same standing pose in every crop, without a network
    (the fuzz tests and the crowd benchmark measure the pipeline around the model);
    ``value`` overrides every keypoint (e.g. NaN)."""
    input_size = (192, 256)

    def __init__(self, value=None):
        from .runtime.meta import keypoint_set
        self.keypoints = keypoint_set('coco')
        self.value, self.calls = value, []

    def __call__(self, crops):
        self.calls.append(len(crops))
        b = len(crops)
        kp = np.tile(np.linspace([60, 40], [130, 220], 17, dtype=np.float32), (b, 1, 1))
        if self.value is not None:
            kp[:] = self.value
        return kp, np.full((b, 17), 0.9, np.float32)
