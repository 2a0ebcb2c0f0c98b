# RTMPose on LaPa (106 face keypoints), 256x256: 120 epochs, batch 32; a stronger
# first stage than the face recipe's (half-body crops, scale 0.5-1.5, photometric
# distortion, blur 0.2); val on LaPa's val split, test on its test split.
_base_ = ['./face.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

max_epochs = 120
train_batch_size = 32
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = recipe.schedule(_base_.base_lr, max_epochs)
model = dict(head=dict(out_channels=106))
stage1_aug = dict(_base_.stage1_aug, scale_factor=(0.5, 1.5), blur_p=0.2, photometric=True,
                  half_body=True)
stage2_aug = dict(_base_.stage2_aug, half_body=False)
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    _base_.codec, stage1_aug, stage2_aug, max_epochs - _base_.stage2_num_epochs, _base_.ema)
dataset_type = 'LapaDataset'
data_root = 'data/LaPa/'
train_dataloader = dict(
    batch_size=train_batch_size,
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='annotations/lapa_train.json',
                 data_prefix=dict(img=''), pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root,
                                   ann_file='annotations/lapa_val.json', data_prefix=dict(img='')))
test_dataloader = dict(val_dataloader, dataset=dict(val_dataloader['dataset'],
                                                    ann_file='annotations/lapa_test.json'))
