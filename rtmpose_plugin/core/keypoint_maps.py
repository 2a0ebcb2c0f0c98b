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

# ---------------------------------------------------------------- to COCO-WholeBody (133)
# body 0-16, feet 17-22, face 23-90, left hand 91-111, right hand 112-132

#: Halpe-136: body, then its six foot keypoints in another order, then face and hands
#: three places later (Halpe's head top, neck and hip centre, 17-19, have no twin)
HALPE_TO_COCO_WHOLEBODY = identity(17) + [(20, 17), (21, 20), (22, 18), (23, 21), (24, 19),
                                          (25, 22)] + [(i, i - 3) for i in range(26, 136)]
#: Human-Art-21: body, then its four extra points: left/right middle fingertip, toes
HUMANART_TO_COCO_WHOLEBODY = identity(17) + [(17, 99), (18, 120), (19, 17), (20, 20)]
#: 300W and COCO-WholeBody-Face share the 68-point face
FACE68_TO_COCO_WHOLEBODY = [(i, 23 + i) for i in range(68)]
#: WFLW-98 and LaPa-106 list the same contour (every other point kept), brows (the
#: upper edge), nose and mouth; the eyes' 12 points are picked from 16
WFLW_TO_COCO_WHOLEBODY = (
    [(2 * i, 23 + i) for i in range(17)] + [(33 + i, 40 + i) for i in range(5)]
    + [(42 + i, 45 + i) for i in range(5)] + [(51 + i, 50 + i) for i in range(9)]
    + [(w, 59 + j) for j, w in enumerate([60, 61, 63, 64, 65, 67, 68, 69, 71, 72, 73, 75])]
    + [(76 + i, 71 + i) for i in range(20)])
LAPA_TO_COCO_WHOLEBODY = (
    [(2 * i, 23 + i) for i in range(17)] + [(33 + i, 40 + i) for i in range(5)]
    + [(42 + i, 45 + i) for i in range(5)] + [(51 + i, 50 + i) for i in range(4)]
    + [(58 + i, 54 + i) for i in range(5)]
    + [(p, 59 + j) for j, p in enumerate([66, 67, 69, 70, 71, 73, 75, 76, 78, 79, 80, 82])]
    + [(84 + i, 71 + i) for i in range(20)])
#: COFW-29: brows, eyes, nose and mouth points that have a 68-point twin
COFW_TO_COCO_WHOLEBODY = [(0, 40), (2, 44), (4, 42), (1, 49), (3, 45), (6, 47), (8, 59), (10, 62),
                          (9, 68), (11, 65), (18, 54), (19, 58), (20, 53), (21, 56), (22, 71),
                          (23, 77), (24, 74), (25, 85), (26, 89), (27, 80), (28, 31)]
#: InterHand2.6M (both hands, right 0-20 then left 21-41): each finger from the tip
#: in, the wrist last
_INTERHAND_LEFT = ([(21 + 4 * f + k, 95 + 4 * f - k) for f in range(5) for k in range(4)]
                   + [(41, 91)])
INTERHAND_TO_COCO_WHOLEBODY = [(i - 21, j + 21) for i, j in _INTERHAND_LEFT] + _INTERHAND_LEFT

# ---------------------------------------------------------------- to LaPa (106), Face6
# a source pair (a, b) is the midpoint of two keypoints (KeypointConverter interpolates)


def _face68_to_lapa(offset: int = 0) -> list:
    eyes = [(36, 66), (39, 70), ((37, 38), 68), ((40, 41), 72), (42, 75), (45, 79),
            ((43, 44), 77), ((46, 47), 81)]
    pairs = ([(i, 2 * i) for i in range(17)] + [(17 + i, 33 + i) for i in range(5)]
             + [(22 + i, 42 + i) for i in range(5)] + [(27 + i, 51 + i) for i in range(4)]
             + [(31 + i, 58 + i) for i in range(5)] + eyes
             + [(48 + i, 84 + i) for i in range(20)])
    return [(tuple(s + offset for s in src) if isinstance(src, tuple) else src + offset, dst)
            for src, dst in pairs]


#: 300W and COCO-WholeBody-Face (68): the contour every other point, the brows' upper
#: edge, the nose, the eyes (two eyelid points from midpoints), the mouth
FACE68_TO_LAPA = _face68_to_lapa()
#: Halpe-136's face is the 68-point face at 26-93
HALPE_TO_LAPA = _face68_to_lapa(offset=26)
#: WFLW-98: the same contour and brows, then nose, eyes and mouth shifted into LaPa's order
WFLW_TO_LAPA = (identity(55) + [(55 + i, 58 + i) for i in range(5)]
                + [(60 + i, 66 + i) for i in range(8)] + [(68 + i, 75 + i) for i in range(8)]
                + [(76 + i, 84 + i) for i in range(22)])
#: COFW-29 (mmpose's map, which sends two COFW points to LaPa's 60)
COFW_TO_LAPA = [(0, 33), (2, 38), (4, 35), (5, 40), (1, 46), (3, 50), (6, 44), (7, 48), (8, 60),
                (10, 64), (12, 62), (13, 66), (9, 72), (11, 68), (14, 70), (15, 74), (18, 57),
                (19, 63), (20, 54), (21, 60), (22, 84), (23, 90), (24, 87), (25, 98), (26, 102),
                (27, 93), (28, 16)]
