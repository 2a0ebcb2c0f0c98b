"""How each dataset's keypoints map onto a mixture's keypoint set.

Each map is a list of (index in the dataset, index in the target set) pairs, as
mmpose's ``KeypointConverter`` takes them; keypoints a dataset does not have are left
out and train with zero weight. The targets are COCO's 17 body keypoints (Body8),
Halpe's 26 (body and feet) and COCO-WholeBody's 133. Written from each dataset's
keypoint order (mmpose's ``configs/_base_/datasets/<name>.py``); the config fidelity
test compares every mixture that uses them with mmpose's configs.
"""
from __future__ import annotations

from typing import List, Tuple

Map = List[Tuple[int, int]]


def identity(n: int) -> Map:
    """The first ``n`` keypoints, kept in place."""
    return [(i, i) for i in range(n)]


# ---------------------------------------------------------------- to COCO (17)

#: AI Challenger: its 12 limb joints (head top and neck have no COCO keypoint)
AIC_TO_COCO = [(0, 6), (1, 8), (2, 10), (3, 5), (4, 7), (5, 9), (6, 12), (7, 14), (8, 16),
               (9, 11), (10, 13), (11, 15)]
#: CrowdPose: the 12 limb joints, listed left-then-right in COCO's order
CROWDPOSE_TO_COCO = [(i, i + 5) for i in range(12)]
#: MPII: legs, arms (pelvis, thorax, neck and head top left out)
MPII_TO_COCO = [(0, 16), (1, 14), (2, 12), (3, 11), (4, 13), (5, 15), (10, 10), (11, 8),
                (12, 6), (13, 5), (14, 7), (15, 9)]
#: JHMDB: shoulders, hips, elbows, knees, wrists, ankles
JHMDB_TO_COCO = [(3, 6), (4, 5), (5, 12), (6, 11), (7, 8), (8, 7), (9, 14), (10, 13),
                 (11, 10), (12, 9), (13, 16), (14, 15)]
#: PoseTrack18: COCO's order with the two ears (3, 4 there: head bottom, head top) out
POSETRACK_TO_COCO = [(0, 0)] + [(i, i) for i in range(3, 17)]

# ---------------------------------------------------------------- to Halpe-26

#: COCO-WholeBody: the 17 body keypoints and the six foot keypoints
COCO_WHOLEBODY_TO_HALPE26 = identity(17) + [(17, 20), (18, 22), (19, 24), (20, 21),
                                             (21, 23), (22, 25)]
#: AIC adds head top (17) and neck (18)
AIC_TO_HALPE26 = AIC_TO_COCO + [(12, 17), (13, 18)]
CROWDPOSE_TO_HALPE26 = CROWDPOSE_TO_COCO + [(12, 17), (13, 18)]
MPII_TO_HALPE26 = MPII_TO_COCO[:6] + [(8, 18), (9, 17)] + MPII_TO_COCO[6:]
JHMDB_TO_HALPE26 = [(0, 18), (2, 17)] + JHMDB_TO_COCO
POSETRACK_TO_HALPE26 = [(0, 0), (2, 17)] + [(i, i) for i in range(3, 17)]

# ---------------------------------------------------------------- hands (21)

#: RHD lists each finger tip first; COCO-WholeBody-Hand from the knuckle out
RHD_TO_COCO_HAND = [(0, 0)] + [(1 + 4 * f + k, 4 + 4 * f - k) for f in range(5) for k in range(4)]
