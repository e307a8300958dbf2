"""The study's analysis, by the paper's methods; xarray in, xarray (or tables) out.

* :mod:`~tpcarbon.analysis.regional`: area-weighted regional means, decadal tables;
* :mod:`~tpcarbon.analysis.trends`: OLS trends with t-test p-values, Mann-Kendall / Sen;
* :mod:`~tpcarbon.analysis.partial_corr`: per-pixel partial correlation, dominant driver;
* :mod:`~tpcarbon.analysis.attribution`: factor contributions trend(S1) - trend(S_x);
* :mod:`~tpcarbon.analysis.sinks`: sink/source classes and their area shares;
* :mod:`~tpcarbon.analysis.future`: per-period statistics of the SSP runs;
* :mod:`~tpcarbon.analysis.study`: the whole run-level analysis (tables and maps of a study).

Nothing here imports the report: ``tpcarbon.report`` builds pages from these results.
"""

from __future__ import annotations

from tpcarbon.analysis.study import RunData, StudyResults, analyze, load_run_folder, run_data_from_history

__all__ = ["RunData", "StudyResults", "analyze", "load_run_folder", "run_data_from_history"]
