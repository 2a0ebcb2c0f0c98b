_base_ = ['../../../_base_/data/cocktail14.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

# the m model decays weights at 0.05, not 0.1
optim_wrapper = dict(optimizer=dict(weight_decay=0.05))
model = recipe.size('m', neck=True, pretrained='https://download.openmmlab.com/mmpose/v1/'
                    'projects/rtmposev1/rtmpose-m_simcc-ucoco_dw-ucoco_270e-256x192-c8b76419_20230728.pth')
