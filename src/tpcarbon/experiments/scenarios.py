"""SSP projections by anomaly forcing: a repeated historical cycle plus monthly anomalies.

CTSM's convention (``clm5_spec.md`` §7.2, ``data_formats.md`` §2.1): monthly anomalies are
*added* to temperature, specific humidity, pressure and wind, and monthly *factors
multiply* precipitation, shortwave and longwave, on top of historical forcing repeated
in a cycle. tpcarbon applies them on the fly:

* :class:`CycledSource` maps each target year onto a base year,
  ``base0 + (y - y0) mod nbase``, re-stamping the times (29 February dropped or repeated);
* before cycling, the base forcing's own 1979-2018 trends of temperature, precipitation
  and shortwave are removed (``detrend`` of :mod:`tpcarbon.experiments.factorial`), so
  the projection has no saw-tooth every 40 years. **Departure from CTSM**, which cycles
  the raw years: the anomalies are then relative to the base period's mean climate
  (centre 1998.5); expected effect: a smooth warming path instead of a 1.6 K drop at each
  cycle restart;
* :class:`AnomalySource` adds/multiplies the month's anomalies; specific humidity is
  floored at 0 and **capped at saturation** (CTSM does not cap; without it, added
  humidity on cold nights can exceed saturation).

The embedded default (:func:`default_anomalies`, no CMIP6 files needed) is a documented
pattern scaling from ``tp_climate_facts.md``:

* global warming vs 1995-2014 from IPCC AR6 SPM Table SPM.1 (re-based by -0.85 K, §1):
  piecewise linear through 0 (2004.5) and the 2021-40, 2041-60, 2081-2100 means;
* plateau warming = 1.5 × global (§3, derived ratio; reproduces the CMIP6 22-model plateau
  means of §2a within 0.1 K at 2081-2100), plus the base period's own warming from 1998.5
  to 2004.5 (0.04 K yr-1 × 6 yr);
* seasonality: winter warms more (DJF ≈ 1.14×, JJA ≈ 0.86× the annual mean; an
  assumption, §3 says no published ratio exists);
* precipitation +4 % per K of plateau warming (§4), 1.3× in the north (φ ≥ 36°) falling
  to 0.7× in the south (φ ≤ 28°), winter (DJF) change halved south of 30°;
* shortwave: −2 % per K in June-August, −0.5 % per K otherwise (§5, CMIP5 JJA dimming);
* longwave: ``(1 + ΔT/T̄)^4 (1 + 0.005 ΔT)`` (warmer, moister air);
* specific humidity at constant relative humidity (``q̄ (q_sat(T̄+ΔT)/q_sat(T̄) − 1)``,
  monthly); pressure and wind unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

from tpcarbon.errors import ConfigError, InputError
from tpcarbon.experiments.factorial import ForcingClimatology, HeldSource, day_index_366
from tpcarbon.forcing.stream import ForcingChunk, ForcingSource, month_times
from tpcarbon.io.cmip6 import MonthlyAnomalies
from tpcarbon.surface.domain import Domain

#: Assessed global warming vs 1995-2014 [K] at 2030.5, 2050.5, 2090.5 (AR6 SPM.1 minus 0.85 K).
GLOBAL_WARMING = {"ssp126": (0.65, 0.85, 0.95), "ssp245": (0.65, 1.15, 1.85), "ssp370": (0.65, 1.25, 2.75),
                  "ssp585": (0.75, 1.55, 3.55)}
#: AR6 SPM.1 very likely (5-95 %) ranges of the same three periods, minus 0.85 K (tp_climate_facts.md §1;
#: 2081-2100 [A-2], the earlier periods [R]). Used by ``warming_quantile`` (the ensemble's scenario spread).
GLOBAL_WARMING_RANGE = {"ssp126": ((0.35, 0.95), (0.45, 1.35), (0.45, 1.55)),
                        "ssp245": ((0.35, 0.95), (0.75, 1.65), (1.25, 2.65)),
                        "ssp370": ((0.35, 0.95), (0.85, 1.75), (1.95, 3.75)),
                        "ssp585": ((0.45, 1.05), (1.05, 2.15), (2.45, 4.85))}
#: Plateau / global warming ratio (tp_climate_facts.md §3, derived).
TP_AMPLIFICATION = 1.5
#: Precipitation sensitivity per K of plateau warming (§4).
PREC_PER_K = 0.04
#: Base-period warming rate used to move the anomalies onto the base centre [K yr-1].
BASE_TREND = 0.04
#: Capping of scale factors as CTSM (data_formats.md §2.3).
SCALE_CAPS = {"prec": 5.0, "srad": 2.0, "lrad": 5.0}


def global_warming(year: NDArray, scenario: str, quantile: float = 0.5) -> NDArray[np.float64]:
    """Global-mean warming vs 1995-2014 [K] (module docstring), linear beyond 2090.5 along the last segment.

    ``quantile`` places each period's value in the AR6 very likely range (:data:`GLOBAL_WARMING_RANGE`):
    0 the 5 % bound, 0.5 the best estimate (:data:`GLOBAL_WARMING`), 1 the 95 % bound, linear in between.

    Examples
    --------
    >>> float(global_warming(np.array([2090.5]), "ssp585")[0])
    3.55
    >>> float(global_warming(np.array([2090.5]), "ssp585", quantile=1.0)[0])
    4.85
    """
    if scenario not in GLOBAL_WARMING:
        raise ConfigError(None, f"no default anomalies for scenario '{scenario}'",
                          f"use one of {', '.join(GLOBAL_WARMING)} or give CMIP6 files in [scenarios] anomalies")
    x = np.array([2004.5, 2030.5, 2050.5, 2090.5])
    best = GLOBAL_WARMING[scenario]
    if quantile != 0.5:
        q = float(quantile)
        bound = [lo if q < 0.5 else hi for lo, hi in GLOBAL_WARMING_RANGE[scenario]]
        best = tuple(b + abs(2.0 * q - 1.0) * (e - b) for b, e in zip(best, bound, strict=True))
    v = np.array((0.0,) + tuple(best))
    y = np.asarray(year, dtype=np.float64)
    out = np.interp(y, x, v)
    slope = (v[-1] - v[-2]) / (x[-1] - x[-2])
    return np.where(y > x[-1], v[-1] + slope * (y - x[-1]), out)


def default_anomalies(scenario: str, domain: Domain, forcing_climatology: ForcingClimatology,
                      years: tuple[int, int] = (2015, 2100), base_centre: float = 1998.5,
                      amplification: float = TP_AMPLIFICATION, prec_per_k: float = PREC_PER_K,
                      warming_quantile: float = 0.5) -> MonthlyAnomalies:
    """The embedded pattern-scaled monthly anomalies for an SSP (module docstring).

    ``amplification`` (plateau / global warming), ``prec_per_k`` (precipitation change per K of plateau
    warming) and ``warming_quantile`` (position in the AR6 range, :func:`global_warming`) default to the
    documented central values; the ensemble's scenario spread samples them (``[scenarios]`` keys).
    """
    from tpcarbon.forcing.generator import qsat

    yrs = np.arange(years[0], years[1] + 1)
    lat = domain.lat
    month = np.arange(1, 13)
    tmid = yrs[:, None] + (month[None, :] - 0.5) / 12.0
    dT_ann = amplification * global_warming(tmid, scenario, warming_quantile) + BASE_TREND * (2004.5 - base_centre)
    seas = 1.0 + 0.14 * np.cos(2 * np.pi * (month - 1) / 12.0)
    seas = seas / seas.mean()
    dT = (dT_ann * seas[None, :])[:, :, None] * np.ones(lat.size)[None, None, :]
    # monthly means of the base climatology (for humidity and longwave)
    days = day_index_366(np.array([np.datetime64(f"2000-{m:02d}-15") for m in month]))
    by = forcing_climatology.by_day
    mon_of_day = np.searchsorted(np.cumsum([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]), np.arange(366),
                                 side="right")
    tmon = np.stack([by["temp"][mon_of_day == m].mean(axis=(0, 1)) for m in range(12)])
    qmon = np.stack([by["shum"][mon_of_day == m].mean(axis=(0, 1)) for m in range(12)])
    pmon = np.stack([by["pres"][mon_of_day == m].mean(axis=(0, 1)) for m in range(12)])
    del days
    shum = qmon[None] * (qsat(tmon[None] + dT, pmon[None]) / qsat(tmon[None], pmon[None]) - 1.0)
    north = np.clip(0.7 + 0.6 * (lat - 28.0) / 8.0, 0.7, 1.3)
    pfac = np.ones((12, lat.size)) * north[None, :]
    pfac[[11, 0, 1]] *= np.where(lat < 30.0, 0.5, 1.0)[None, :]
    prec = np.clip(1.0 + prec_per_k * dT_ann[:, :, None] * pfac[None], 0.5, SCALE_CAPS["prec"])
    jja = np.isin(month, (6, 7, 8))
    srad = np.clip(1.0 - np.where(jja, 0.02, 0.005)[None, :, None] * dT_ann[:, :, None], 0.5, SCALE_CAPS["srad"])
    srad = srad * np.ones(lat.size)[None, None, :]
    lrad = np.clip((1.0 + dT / tmon[None]) ** 4 * (1.0 + 0.005 * dT), 0.5, SCALE_CAPS["lrad"])
    zero = np.zeros_like(dT)
    at = "" if warming_quantile == 0.5 else f" at quantile {warming_quantile:.3f} of the AR6 very likely range"
    desc = (f"embedded pattern-scaled {scenario} anomalies (AR6 global warming{at} x {amplification:g}, "
            f"+{prec_per_k * 100:.2g}%/K precipitation; tpcarbon default, not CMIP6 model output)")
    return MonthlyAnomalies(years=yrs, add={"temp": dT, "shum": shum, "pres": zero, "wind": zero.copy()},
                            scale={"prec": prec, "srad": srad, "lrad": lrad}, scenario=scenario, description=desc)


class CycledSource:
    """Repeat the years ``base_years`` of a source for the target ``years`` (module docstring)."""

    def __init__(self, base: ForcingSource, base_years: tuple[int, int], years: tuple[int, int]):
        if base_years[0] < base.years[0] or base_years[1] > base.years[1]:
            raise InputError(None, f"base years {base_years} not in the forcing {base.years}",
                             "choose [years] historical inside the forcing's years")
        self.base = base
        self.domain = base.domain
        self.base_years = base_years
        self._years = years
        self.description = f"{base.description}; years {base_years[0]}-{base_years[1]} repeated"

    @property
    def years(self) -> tuple[int, int]:
        """Target years."""
        return self._years

    def base_year(self, year: int) -> int:
        """The base year replayed in target ``year``."""
        n = self.base_years[1] - self.base_years[0] + 1
        return self.base_years[0] + (year - self.base_years[0]) % n

    def iter_chunks(self, first_year: int, last_year: int) -> Iterator[ForcingChunk]:
        """Yield the base months re-stamped to the target years (29 Feb dropped or repeated)."""
        for y in range(first_year, last_year + 1):
            by = self.base_year(y)
            for ch in self.base.iter_chunks(by, by):
                t = month_times(y, ch.month)
                if t.size == ch.nt:
                    yield ch._replace(time=t)
                elif t.size < ch.nt:
                    yield ForcingChunk(t, *(getattr(ch, v)[: t.size] for v in ForcingChunk._fields[1:]))
                else:
                    extra = t.size - ch.nt
                    yield ForcingChunk(t, *(np.concatenate([getattr(ch, v), getattr(ch, v)[-extra:]])
                                            for v in ForcingChunk._fields[1:]))


class AnomalySource:
    """Add / multiply monthly anomalies onto a (cycled) source (CTSM convention, capped humidity)."""

    def __init__(self, base: ForcingSource, anomalies: MonthlyAnomalies):
        self.base = base
        self.domain = base.domain
        self.anomalies = anomalies
        self.description = f"{base.description}; + {anomalies.description}"

    @property
    def years(self) -> tuple[int, int]:
        """Years of the base source."""
        return self.base.years

    def iter_chunks(self, first_year: int, last_year: int) -> Iterator[ForcingChunk]:
        """Yield anomaly-forced chunks."""
        from tpcarbon.forcing.generator import qsat

        for ch in self.base.iter_chunks(first_year, last_year):
            add, scale = self.anomalies.for_month(ch.year, ch.month)
            f = {v: getattr(ch, v).astype(np.float64) for v in ForcingChunk._fields[1:]}
            for v, a in add.items():
                f[v] = f[v] + a[None, :]
            for v, s in scale.items():
                f[v] = f[v] * s[None, :]
            f["wind"] = np.maximum(f["wind"], 0.0)
            f["shum"] = np.clip(f["shum"], 0.0, qsat(f["temp"], f["pres"]))
            yield ch.replace_fields(**{k: np.ascontiguousarray(v, dtype=np.float32) for k, v in f.items()})


def make_ssp_source(source: ForcingSource, scenario: str, domain: Domain, anomalies: MonthlyAnomalies,
                    base_years: tuple[int, int], years: tuple[int, int],
                    climatology: ForcingClimatology | None = None) -> ForcingSource:
    """The forcing of an SSP run: detrended, cycled base years plus the scenario's anomalies.

    Refuses anomalies of another scenario (CTSM#2301 ran the wrong SSP silently).
    """
    if anomalies.scenario != scenario:
        raise InputError(anomalies.source, f"anomalies are for '{anomalies.scenario}', the run is '{scenario}'",
                         "give the anomaly files of the requested scenario")
    if anomalies.years[0] > years[0] or anomalies.years[-1] < years[1]:
        raise InputError(anomalies.source, f"anomalies cover {anomalies.years[0]}-{anomalies.years[-1]}, the run needs "
                         f"{years[0]}-{years[1]}", "give anomaly files covering the projection years")
    base: ForcingSource = source
    if climatology is not None:
        base = HeldSource(source, ("temp", "prec", "srad"), mode="detrend", climatology=climatology)
    return AnomalySource(CycledSource(base, base_years, years), anomalies)
