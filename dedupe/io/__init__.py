"""Readers (files, directories, stdin) and atomic writers."""
from .readers import read_inputs, read_path
from .writers import JsonlWriter, open_writer

__all__ = ["read_inputs", "read_path", "JsonlWriter", "open_writer"]
