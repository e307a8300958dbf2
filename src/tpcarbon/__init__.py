"""tpcarbon: the land carbon balance (NEP) of a region with a CLM5-BGC-faithful column model.

Forcing -> model -> experiments -> analysis -> report, on one workstation. From Python
(a notebook, see ``docs/api.md``)::

    import tpcarbon
    ds = tpcarbon.open_run("tpcarbon-demo")          # every experiment, dims (experiment, time, lat, lon)
    cfg = tpcarbon.load_study("study.toml")          # or tpcarbon.StudyConfig().with_changes(...)
    tpcarbon.run_study(cfg)

The names are imported on first use, so ``import tpcarbon`` stays quick.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tpcarbon")
except PackageNotFoundError:  # pragma: no cover - source tree without installation
    __version__ = "0.0.0+unknown"

#: Public name -> module that defines it.
_API = {
    "open_run": "tpcarbon.io.runs",
    "run_study": "tpcarbon.experiments.runner",
    "default_study": "tpcarbon.experiments.runner",
    "quick_study": "tpcarbon.experiments.runner",
    "load_study": "tpcarbon.experiments.study",
    "dump_study": "tpcarbon.experiments.study",
    "StudyConfig": "tpcarbon.experiments.study",
    "build_report": "tpcarbon.report.html",
    "regional_mean": "tpcarbon.analysis.regional",
    "trend": "tpcarbon.analysis.trends",
    "partial_correlation_map": "tpcarbon.analysis.partial_corr",
    "contribution_maps": "tpcarbon.analysis.attribution",
    "sink_class_map": "tpcarbon.analysis.sinks",
}

__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(_API[name]), name)
    if name in ("analysis", "io", "experiments", "report", "plot"):
        return import_module(f"tpcarbon.{name}")
    raise AttributeError(f"module 'tpcarbon' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
