"""The study's analysis: statistics (``stats``), the run-level analysis (``study``), and CLM5 history files.

``analyze_clm_history`` applies the same analysis and report to real CLM5 output, so a
user with the study's CLM5 runs can reproduce its tables without tpcarbon's model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tpcarbon.analysis.study import RunData, StudyResults, analyze, load_run_folder

__all__ = ["RunData", "StudyResults", "analyze", "analyze_clm_history", "load_run_folder", "run_data_from_history"]


def run_data_from_history(paths) -> RunData:
    """CLM5 (or CMIP-named) history files → annual :class:`RunData` (TSA → TBOT, RAIN+SNOW → PRECIP)."""
    from tpcarbon.io.clm_history import read_clm_history

    ds = read_clm_history(paths)
    rename = {"TSA": "TBOT"}
    values = {rename.get(k, k): ds[k].values.astype(np.float64) for k in ds.data_vars
              if ds[k].dims == ("year", "lat", "lon")}
    area = ds["area"].values.astype(np.float64)
    attrs = {"forcing_source": "CLM5 history files: " + ", ".join(str(p) for p in np.atleast_1d(paths))[:500]}
    return RunData(ds["year"].values.astype(np.int64), values, area, ds["lat"].values, ds["lon"].values, attrs)


def analyze_clm_history(paths, out: str | Path, experiment: str = "S1") -> Path:
    """Analyse CLM5 history files as the control run and write tables, figures and ``report.html`` to ``out``."""
    from tpcarbon.report.html import build_report

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rd = run_data_from_history(paths)
    res = analyze({"S1": rd})
    return build_report(out, results=res, title=f"tpcarbon analysis of CLM5 history files ({experiment})")
