# RTMPose on Human-Art (COCO's 17 keypoints on paintings, sculptures, cartoons and
# real people), 256x192: COCO's recipe, val on ground-truth boxes. Human-Art's
# annotations name images from data/ (HumanArt/images/...).
_base_ = ['./coco.py']

dataset_type = 'HumanArtDataset'
data_root = 'data/'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root,
                                     ann_file='HumanArt/annotations/training_humanart_coco.json',
                                     data_prefix=dict(img='')))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root,
                                   ann_file='HumanArt/annotations/validation_humanart.json',
                                   data_prefix=dict(img='')))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'HumanArt/annotations/validation_humanart.json')
test_evaluator = val_evaluator
