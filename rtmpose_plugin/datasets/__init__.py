from .transforms import RandomBoxBlur, RandomCutout, RandomMedianBlur

__all__ = ['RandomBoxBlur', 'RandomCutout', 'RandomMedianBlur']
