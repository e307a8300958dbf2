"""A small, fast, deterministic forcing source for model tests (not the embedded default generator).

Seasonal and diurnal cycles, elevation lapse, intermittent monsoon rain and a 3-year
weather cycle, in canonical units (see ``tpcarbon.forcing.stream``). Use the embedded
weather generator (``tpcarbon.forcing.generator``) for anything that should look like the
plateau; use this where a test needs a cheap ``ForcingSource`` for a few cells.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from tpcarbon.constants import CONST
from tpcarbon.forcing.stream import ForcingChunk, month_times
from tpcarbon.physics.atmosphere import calc_qsat
from tpcarbon.physics.solar import calc_coszen_mean
from tpcarbon.surface.domain import Domain


def synthetic_chunk(domain: Domain, year: int, month: int, warm: float = 0.0, wet: float = 1.0,
                    sw_scale: float = 1.0, seed: int = 0) -> ForcingChunk:
    """One month of synthetic 3-hourly forcing for ``domain`` (deterministic in year, month, seed).

    ``warm`` shifts temperature [K]; ``wet`` scales precipitation; ``sw_scale`` scales shortwave.
    """
    t = month_times(year, month)
    nt, n = t.size, domain.ncell
    doy = (t - t.astype("datetime64[Y]")).astype("timedelta64[s]").astype(float) / 86400.0 + 1.0
    hour = (t - t.astype("datetime64[D]")).astype("timedelta64[s]").astype(float) / 3600.0
    lat, lon, elev = domain.lat, domain.lon, domain.elevation
    rng = np.random.default_rng([seed, year % 3, month])
    tmean = (273.15 + 10.0 + warm - 0.006 * (elev - 3000.0) - 12.0 * np.cos(2 * np.pi * (doy[:, None] - 15) / 365)
             + rng.normal(0.0, 2.0, (nt // 8 + 1, 1)).repeat(8, axis=0)[:nt])
    lst = (hour[:, None] + lon[None, :] / 15.0) % 24
    temp = tmean + 7.0 * np.cos(2 * np.pi * (lst - 15.0) / 24.0)
    pres = CONST.p0_sea * np.exp(-elev / 8000.0) * np.ones((nt, 1))
    mu = np.array([[calc_coszen_mean(d, 0.0625, la, lo) for la, lo in zip(lat, lon, strict=True)] for d in doy])
    wetstep = rng.random((nt, n)) < (0.05 + 0.2 * np.exp(-((doy[:, None] - 200.0) / 45.0) ** 2))
    prec = wet * wetstep * rng.exponential(1.0, (nt, n)) / 3600.0
    srad = sw_scale * CONST.solar_const * 0.75 * mu * np.where(wetstep, 0.5, 1.0)
    qs = np.vectorize(calc_qsat)(temp, pres)
    shum = 0.6 * qs
    lrad = 0.75 * CONST.stefan * temp ** 4
    wind = np.full((nt, n), 3.0)
    f = lambda a: np.ascontiguousarray(a, dtype=np.float32)  # noqa: E731
    return ForcingChunk(t, f(temp), f(shum), f(pres), f(wind), f(srad), f(lrad), f(prec))


class SyntheticSource:
    """A ``ForcingSource`` of :func:`synthetic_chunk` months for any years (cached per month of a 3-year cycle)."""

    def __init__(self, domain: Domain, years: tuple[int, int] = (1979, 2100), **kwargs):
        self.domain = domain
        self.description = "tpcarbon.testing synthetic forcing"
        self._years = years
        self._kwargs = kwargs
        self._cache: dict[tuple[int, int], ForcingChunk] = {}

    @property
    def years(self) -> tuple[int, int]:
        """Years available."""
        return self._years

    def iter_chunks(self, first_year: int, last_year: int) -> Iterator[ForcingChunk]:
        """Yield months; the weather repeats every 3 years, leap days repeat the previous day."""
        for y in range(first_year, last_year + 1):
            for m in range(1, 13):
                key = (y % 3, m)
                if key not in self._cache:
                    self._cache[key] = synthetic_chunk(self.domain, 2001 + y % 3, m, **self._kwargs)
                c = self._cache[key]
                t = month_times(y, m)
                if t.size == c.nt:
                    yield c._replace(time=t)
                else:  # leap February: repeat the last day
                    extra = t.size - c.nt
                    yield ForcingChunk(t, *(np.concatenate([getattr(c, v), getattr(c, v)[-extra:]])
                                            for v in ForcingChunk._fields[1:]))
