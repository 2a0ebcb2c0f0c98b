_base_ = ['../../../_base_/data/body8-384x288.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('l', pretrained='https://download.openmmlab.com/mmpose/v1/projects/'
                    'rtmposev1/cspnext-l_udp-body7_210e-384x288-b15bc30d_20230504.pth')
