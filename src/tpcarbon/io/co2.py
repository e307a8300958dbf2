"""Atmospheric CO2 [ppm] from the bundled RCMIP v5.1.0 annual means (CMIP6 input4MIPs).

Annual values stand for mid-year (``year + 0.5``) and are linearly interpolated in
decimal years, like datm's ``tintalgo linear`` on the CTSM CO2 streams (data_formats.md
§2.4). ``"historical"`` is the CMIP6 historical record to 2014 and continues with
SSP2-4.5 afterwards (the scenarios are identical to 2014; CTSM does the same for
historical runs that extend past 2014). Outside 1850-2300 the call fails.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tpcarbon.errors import ConfigError

#: Scenario names accepted (column names of the table) plus "historical".
CO2_SCENARIOS = ("historical", "ssp119", "ssp126", "ssp245", "ssp370", "ssp434", "ssp460", "ssp534-over", "ssp585")


@lru_cache(maxsize=1)
def _table() -> dict[str, NDArray[np.float64]]:
    with resources.files("tpcarbon.data").joinpath("co2_ssp_rcmip_v5.1.0_ppm.csv").open("r") as fh:
        header = fh.readline().strip().split(",")
        data = np.loadtxt(fh, delimiter=",")
    return {name: data[:, i] for i, name in enumerate(header)}


def co2_ppm(decimal_year: ArrayLike, scenario: str = "historical") -> NDArray[np.float64]:
    """Global-mean CO2 [ppm] at decimal years.

    Parameters
    ----------
    decimal_year : array_like
        Time as year + fraction (e.g. 1979.5 = mid-1979).
    scenario : str
        ``"historical"`` or an SSP column (``ssp126``, ``ssp245``, ``ssp370``, ``ssp585``, ...).

    Examples
    --------
    >>> float(co2_ppm(2010.5, "ssp585"))
    388.717
    >>> bool(co2_ppm(2100.5, "ssp585") > 1000 > co2_ppm(2100.5, "ssp126"))
    True
    """
    if scenario not in CO2_SCENARIOS:
        raise ConfigError(None, f"unknown CO2 scenario '{scenario}'", f"use one of {', '.join(CO2_SCENARIOS)}",
                          variable="scenario")
    tab = _table()
    col = tab["ssp245" if scenario == "historical" else scenario]
    t = np.asarray(decimal_year, dtype=np.float64)
    x = tab["year"] + 0.5
    if np.any(t < tab["year"][0]) or np.any(t > tab["year"][-1] + 1):
        raise ConfigError(None, f"CO2 requested outside {int(tab['year'][0])}-{int(tab['year'][-1])}",
                          "choose years inside the RCMIP table", variable="years")
    return np.interp(t, x, col)
