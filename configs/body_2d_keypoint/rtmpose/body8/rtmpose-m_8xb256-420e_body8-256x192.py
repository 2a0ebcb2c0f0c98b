_base_ = ['../../../_base_/data/body8.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('m', pretrained='https://download.openmmlab.com/mmpose/v1/projects/'
                    'rtmposev1/cspnext-m_udp-body7_210e-256x192-e0c9327b_20230504.pth')
