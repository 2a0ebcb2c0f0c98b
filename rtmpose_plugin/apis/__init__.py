from .runner import find_config, replace_data_root, test, train

__all__ = ['find_config', 'replace_data_root', 'train', 'test']
