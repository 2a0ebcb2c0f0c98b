# The RTMPose training recipe (Jiang et al., 2023, Sec. 3; the values of the
# official configs), stated once. Dataset bases and model configs inherit it;
# rtmpose_plugin.recipe derives what depends on the input size.
_base_ = ['./default_runtime.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

# schedule: AdamW, no decay on norms and biases, 1000-iteration warm-up,
# flat, then cosine over the second half down to 0.05 x lr
max_epochs = 420
stage2_num_epochs = 30  # the weak pipeline for the last 30 epochs
base_lr = 4e-3
weight_decay = 0.05
train_batch_size = 256
val_batch_size = 64

train_cfg = dict(max_epochs=max_epochs, val_interval=10)
randomness = dict(seed=21)
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=base_lr, weight_decay=weight_decay),
    paramwise_cfg=dict(norm_decay_mult=0, bias_decay_mult=0, bypass_duplicate=True))
param_scheduler = recipe.schedule(base_lr, max_epochs)
auto_scale_lr = dict(base_batch_size=1024)

# two-stage augmentation
stage1_aug = dict(shift_factor=0.16, scale_factor=(0.6, 1.4), rotate_factor=80, cutout_p=1.0)
stage2_aug = dict(shift_factor=0., scale_factor=(0.75, 1.25), rotate_factor=60, cutout_p=0.5)
ema = dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.0002, update_buffers=True,
           priority=49)

input_size = (192, 256)
codec = recipe.codec(input_size)
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    codec, stage1_aug, stage2_aug, max_epochs - stage2_num_epochs, ema)
val_pipeline = recipe.val_pipeline(codec)

# CSPNeXt + RTMCC head; model configs set the size and the pre-trained backbone
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        _scope_='mmdet',
        type='CSPNeXt',
        arch='P5',
        expand_ratio=0.5,
        out_indices=(4, ),
        channel_attention=True,
        norm_cfg=dict(type='SyncBN'),
        act_cfg=dict(type='SiLU'),
        init_cfg=dict(type='Pretrained', prefix='backbone.', checkpoint=None)),
    head=dict(
        type='RTMSimCCHead',
        out_channels=17,
        final_layer_kernel_size=7,
        hidden_dims=256,
        s=128,
        expansion_factor=2,
        act_fn='SiLU',
        use_rel_bias=False,
        pos_enc=False,
        loss=dict(type='KLDiscreteLoss', use_target_weight=True, beta=10., label_softmax=True),
        **recipe.head_geometry(codec)),
    test_cfg=dict(flip_test=True))

data_mode = 'topdown'
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater', max_keep_ckpts=1))
