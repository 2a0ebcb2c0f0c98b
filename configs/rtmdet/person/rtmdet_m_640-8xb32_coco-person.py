# RTMDet-m person detector (one class) at 640x640, for the top-down pipeline.
# mmdet's RTMDet-m recipe with a single class; `load_from` is the official
# person checkpoint (COCO + Objects365 persons) the RTMPose pipeline uses.
_base_ = 'mmdet::rtmdet/rtmdet_m_8xb32-300e_coco.py'
custom_imports = dict(imports=['rtmpose_plugin'], allow_failed_imports=False)

metainfo = dict(classes=('person', ))
model = dict(bbox_head=dict(num_classes=1))
train_dataloader = dict(dataset=dict(metainfo=metainfo))
val_dataloader = dict(dataset=dict(metainfo=metainfo))
test_dataloader = val_dataloader
load_from = ('https://download.openmmlab.com/mmpose/v1/projects/rtmpose/'
             'rtmdet_m_8xb32-100e_coco-obj365-person-235e8209.pth')
