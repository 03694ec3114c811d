"""Execution engines: the same steps, run in one process or over several."""
from .local import clean_parallel

__all__ = ["clean_parallel"]
