from .kl_discrete import KLDiscreteLoss, kl_discrete

__all__ = ['KLDiscreteLoss', 'kl_discrete']
