"""Execution engines: the same steps, run in one process or over several."""
from __future__ import annotations

from typing import Iterable, Iterator

from ..config import Config
from ..document import Document
from ..errors import ConfigError
from .local import clean_parallel

__all__ = ["clean_parallel", "clean_on_engine"]


def clean_on_engine(docs: Iterable[Document], config: Config, scheduler: str | None = None,
                    keep_segments: bool = False, keep_raw: bool = True) -> Iterator[Document]:
    """Cleaning on the engine ``config.engine`` names: local processes, or Dask
    (on the cluster at ``scheduler``, else on a local one). ``keep_segments``: see
    :func:`dedupe.pipeline.clean_document` (local processes; Dask does not keep them).
    Without ``keep_raw``, Dask's workers send the documents back without their raw input."""
    if config.engine == "dask":
        from .dask import clean_dask

        return clean_dask(docs, config, scheduler=scheduler, keep_raw=keep_raw)
    if scheduler is not None:
        raise ConfigError("a Dask scheduler address needs the dask engine (--engine dask)")
    return clean_parallel(docs, config, keep_segments)
