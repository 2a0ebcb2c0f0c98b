"""Our data transforms and the sample data.

Our data transforms (registered into mmpose's ``TRANSFORMS`` when
:mod:`.transforms` is imported) and the sample data (:mod:`.samples`).

Importing the package alone imports neither, so the runtime can read sample crops
without the training stack."""

_TRANSFORMS = ('RandomBoxBlur', 'RandomCutout', 'RandomMedianBlur')
__all__ = list(_TRANSFORMS)


def __getattr__(name):
    if name in _TRANSFORMS:
        from . import transforms
        return getattr(transforms, name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
