"""The analysis kernels under their pre-split names (kept so that older imports keep working).

The kernels live in the modules of the paper's methods: :mod:`~tpcarbon.analysis.regional`,
:mod:`~tpcarbon.analysis.trends`, :mod:`~tpcarbon.analysis.partial_corr`,
:mod:`~tpcarbon.analysis.sinks`, :mod:`~tpcarbon.analysis.future` and
:mod:`~tpcarbon.analysis.attribution`. Import from those in new code.
"""

from tpcarbon.analysis.attribution import (
    RESIDUAL,
    attribution_note,
    factor_contribution_maps,
    factor_contributions,
)
from tpcarbon.analysis.future import DEFAULT_PERIODS, change_vs_reference, period_statistics
from tpcarbon.analysis.partial_corr import dominant_driver, partial_correlation, partial_correlation_drivers
from tpcarbon.analysis.regional import area_weighted_mean, decadal_table
from tpcarbon.analysis.sinks import STRONG_SINK_GC_M2_YR, WEAK_SINK_GC_M2_YR, class_area_shares, sink_classes
from tpcarbon.analysis.trends import MannKendall, Trend, linear_trend, mann_kendall

__all__ = [
    "DEFAULT_PERIODS", "RESIDUAL", "STRONG_SINK_GC_M2_YR", "WEAK_SINK_GC_M2_YR", "MannKendall", "Trend",
    "area_weighted_mean", "attribution_note", "change_vs_reference", "class_area_shares", "decadal_table",
    "dominant_driver", "factor_contribution_maps", "factor_contributions", "linear_trend", "mann_kendall",
    "partial_correlation", "partial_correlation_drivers", "period_statistics", "sink_classes",
]
