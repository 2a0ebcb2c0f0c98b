# RTMPose on COCO-WholeBody's faces (68 keypoints), 256x256: the face recipe, batch 32.
_base_ = ['./face.py']

train_batch_size = 32
model = dict(head=dict(out_channels=68))
dataset_type = 'CocoWholeBodyFaceDataset'
data_root = 'data/coco/'
train_dataloader = dict(
    batch_size=train_batch_size,
    dataset=dict(type=dataset_type, data_root=data_root,
                 ann_file='annotations/coco_wholebody_train_v1.0.json',
                 data_prefix=dict(img='train2017/')))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root,
                                   ann_file='annotations/coco_wholebody_val_v1.0.json',
                                   data_prefix=dict(img='val2017/')))
test_dataloader = val_dataloader
