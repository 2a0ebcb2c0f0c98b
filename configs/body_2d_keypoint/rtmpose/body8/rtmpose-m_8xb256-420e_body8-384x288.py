_base_ = ['../../../_base_/data/body8-384x288.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('m', pretrained='https://download.openmmlab.com/mmpose/v1/projects/'
                    'rtmposev1/cspnext-m_udp-body7_210e-384x288-b9bc2b57_20230504.pth')
