"""Build the optional native text kernels (``dedupe._native``) with Cython.

Everything is declared in pyproject.toml; this file only adds the extension. When it
cannot be built (no C compiler), the package installs without it and runs the same
code paths in pure Python, with the same results, only slower.
"""
import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """build_ext that warns instead of failing: the native kernels are an optimisation."""

    def run(self):
        try:
            super().run()
        except Exception as exc:  # no compiler, no headers: install the pure-Python package
            self._skip(exc)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:
            self._skip(exc)

    def _skip(self, exc):
        if os.environ.get("DEDUPE_REQUIRE_NATIVE"):
            raise exc
        print(f"warning: dedupe's native text kernels were not built ({exc}); "
              "the pure-Python code paths will be used", file=sys.stderr)


def extensions():
    if os.environ.get("DEDUPE_PURE_PYTHON"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:  # Cython is a build requirement; without it (a bare setup.py call), no kernels
        return []
    names = ("chars", "segment", "counts", "gates", "prose", "labels", "regions", "headline")
    return cythonize([Extension(f"dedupe._native.{n}", [f"dedupe/_native/{n}.pyx"]) for n in names if n != "chars"],
                     quiet=True)


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
