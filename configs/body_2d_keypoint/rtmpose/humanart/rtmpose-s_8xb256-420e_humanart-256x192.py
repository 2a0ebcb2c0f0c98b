_base_ = ['../../../_base_/data/humanart.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

# the UDP backbone as mmpose's Human-Art configs name it (projects/rtmpose/)
model = recipe.size('s', pretrained='https://download.openmmlab.com/mmpose/v1/projects/'
                    'rtmpose/cspnext-s_udp-aic-coco_210e-256x192-92f5a029_20230130.pth')
optim_wrapper = dict(optimizer=dict(weight_decay=0.))  # the official RTMPose-s recipe
