"""tpcarbon: the land carbon balance (NEP) of a region with a CLM5-BGC-faithful column model.

Forcing -> model -> experiments -> analysis -> report, on one workstation.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tpcarbon")
except PackageNotFoundError:  # pragma: no cover - source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
