"""The builders: one idempotent registration, a model from a config."""
from rtmpose_plugin import build


def test_register_is_idempotent_and_registers_ours():
    from mmpose.registry import KEYPOINT_CODECS, MODELS
    build.register()
    build.register()
    assert MODELS.get('RTMSimCCHead') is not None
    assert KEYPOINT_CODECS.get('RTMSimCCLabel') is not None


def test_build_model_registers_ours_and_runs_syncbn_configs_on_cpu():
    model, cfg = build.build_model('rtmpose-t_8xb256-420e_aic-coco-256x192.py')
    assert type(model.head).__name__ == 'RTMSimCCHead' and not model.training
    assert cfg.model.backbone.norm_cfg.type == 'BN'
