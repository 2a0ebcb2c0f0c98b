_base_ = ['../../../_base_/data/humanart.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

# the UDP backbone as mmpose's Human-Art configs name it (projects/rtmpose/)
model = recipe.size('l', pretrained='https://download.openmmlab.com/mmpose/v1/projects/'
                    'rtmpose/cspnext-l_udp-aic-coco_210e-256x192-273b7631_20230130.pth')
