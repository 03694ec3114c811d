"""Errors raised by dedupe. Every domain error derives from :class:`DedupeError`."""

__all__ = ["DedupeError", "ConfigError", "InputError", "BackendMissing"]


class DedupeError(Exception):
    """Base class for errors that dedupe reports to its user."""


class ConfigError(DedupeError, ValueError):
    """An option has an invalid value; the message names the option and the fix."""


class InputError(DedupeError):
    """A record could not be read or decoded. It becomes a rejected record, not a crash."""


class BackendMissing(DedupeError, ImportError):
    """An optional dependency is not installed; the message says which extra to install."""


def require(module: str, extra: str):
    """Import an optional module lazily, or raise :class:`BackendMissing` with an install hint."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise BackendMissing(
            f"{module} is needed for this feature: pip install 'news-dedupe[{extra}]'"
        ) from exc
