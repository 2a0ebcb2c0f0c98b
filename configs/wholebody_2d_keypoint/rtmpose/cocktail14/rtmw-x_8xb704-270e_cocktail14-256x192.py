_base_ = ['../../../_base_/data/cocktail14.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

train_batch_size = 704
train_dataloader = dict(batch_size=train_batch_size)
auto_scale_lr = dict(base_batch_size=5632)
model = recipe.size('x', neck=True, pretrained='https://download.openmmlab.com/mmpose/v1/'
                    'wholebody_2d_keypoint/rtmpose/ubody/'
                    'rtmpose-x_simcc-ucoco_pt-aic-coco_270e-256x192-05f5bcb7_20230822.pth')
