__all__ = ['ttypes', 'constants', 'Rest']
