"""Atmospheric nitrogen deposition: the embedded plateau default.

A study can give deposition as a CLM ``fndep`` file or CMIP6 deposition fields (``experiments.study``); without
them the model uses :func:`default_ndep`, a plateau-mean total (wet + dry) deposition with a linear trend from
published measurements (sources in ``docs/model.md`` §N deposition and ``src/tpcarbon/data/PROVENANCE.md``).
"""

from __future__ import annotations

#: Plateau-mean total (wet + dry, NHx + NOy) N deposition: a linear ramp from 0.20 g N m-2 yr-1 in 1979 to
#: 0.35 in 2018, held at those values before and after (NDEP_1979, NDEP_2018). Sources: wet deposition
#: 1.58 kg N ha-1 yr-1 over the plateau (Liu Y.W. et al. 2015, ACP 15:11683, doi:10.5194/acp-15-11683-2015), dry
#: deposition of the same order (Nyingchi 2005-2016: bulk 2.19, dry 1.85 kg N ha-1 yr-1; Wang W. et al. 2019,
#: Sci. Rep. 9:4645), i.e. about 3 kg N ha-1 yr-1 total around 2010; ice cores and Nyingchi show a rise through
#: the period without the post-2010 decline of lowland China (Hou et al. 2003; Peng et al. 2023). The ramp is a
#: modelling choice fitted to those anchors (docs/model.md, "N deposition"); SSP futures hold the 2018 value
#: unless the study gives CMIP6 deposition files.
NDEP_1979 = 0.20
NDEP_2018 = 0.35
NDEP_TREND_YEARS = (1979, 2018)


def default_ndep(year: int | float) -> float:
    """Plateau-mean atmospheric N deposition of a year [g N m-2 yr-1] (linear trend, held outside its years).

    Examples
    --------
    >>> round(default_ndep(1979), 3), round(default_ndep(2018), 3), default_ndep(2100) == default_ndep(2018)
    (0.2, 0.35, True)
    """
    y0, y1 = NDEP_TREND_YEARS
    y = min(max(float(year), y0), y1)
    return NDEP_1979 + (NDEP_2018 - NDEP_1979) * (y - y0) / (y1 - y0)
