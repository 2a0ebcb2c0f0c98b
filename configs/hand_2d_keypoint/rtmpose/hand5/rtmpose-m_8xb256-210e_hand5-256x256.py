_base_ = ['../../../_base_/data/hand5.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

# the UDP backbone as mmpose's Hand5 config names it (projects/rtmpose/)
model = recipe.size('m', pretrained='https://download.openmmlab.com/mmpose/v1/projects/'
                    'rtmpose/cspnext-m_udp-aic-coco_210e-256x192-f2f7d6f6_20230130.pth')
