"""Hold-at-climatology sensitivity runs (S2-S4): forcing transforms applied on the fly.

The study holds air temperature (S2), precipitation (S3) or shortwave radiation (S4)
"constant at the 1979-2018 long-term mean". Three readings are offered
(``[experiments] hold_mode``):

``climatology`` (default)
    the 1979-2018 mean for each calendar day and time of day: seasonal and diurnal cycles
    stay, interannual variability and trend go. This is the physically meaningful reading
    (a literal constant would freeze the plateau in permanent spring and remove the
    growing season), and how CLM studies usually build such runs.
``constant``
    the literal single long-term mean of each cell, every time step.
``detrend``
    the variable's own linear trend over the period is removed (additive for temperature,
    pressure, humidity and wind, multiplicative for precipitation and radiation); the
    interannual variability is kept.

Consistency rules: holding temperature rescales specific humidity so that relative
humidity is unchanged (``q' = q q_sat(T') / q_sat(T)``, capped at saturation), so no
supersaturated air appears; precipitation climatologies keep the long-term total (a mean
of rates); holding shortwave holds ``srad`` (and ``lrad`` with ``hold_lrad``).
Leap days use the mean of the period's 29 Februaries.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from tpcarbon.errors import InputError
from tpcarbon.forcing.stream import FORCING_VARS, ForcingChunk, ForcingSource

#: Transform type per variable for the detrend mode.
MULTIPLICATIVE = ("prec", "srad", "lrad")
_CUM = np.cumsum([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30])  # day offset of each month in a leap year


def day_index_366(time: NDArray[np.datetime64]) -> NDArray[np.int64]:
    """Day of a 366-day calendar (0..365; 29 Feb = 59 in every year, 1 Mar = 60 always).

    Examples
    --------
    >>> day_index_366(np.array(["2001-03-01T00", "2000-02-29T12", "2000-12-31T21"], dtype="datetime64[s]")).tolist()
    [60, 59, 365]
    """
    t = np.asarray(time).astype("datetime64[s]")
    month = t.astype("datetime64[M]").astype(np.int64) % 12
    day = (t.astype("datetime64[D]") - t.astype("datetime64[M]")).astype(np.int64)
    return _CUM[month] + day


@dataclass
class ForcingClimatology:
    """Per-cell forcing statistics of a period (canonical units).

    Attributes
    ----------
    period : tuple of int
        First and last year.
    by_day : dict of ndarray (366, 8, ncell) float32
        Mean for each calendar day and 3-h slot.
    mean : dict of ndarray (ncell,)
        Long-term mean.
    annual : dict of ndarray (nyear, ncell)
        Annual means (for trends and the forcing figure).
    """

    period: tuple[int, int]
    by_day: dict[str, NDArray[np.float32]]
    mean: dict[str, NDArray[np.float64]]
    annual: dict[str, NDArray[np.float64]]

    @property
    def ncell(self) -> int:
        """Number of cells."""
        return int(self.mean["temp"].size)

    @property
    def years(self) -> NDArray[np.int64]:
        """The years of ``annual``."""
        return np.arange(self.period[0], self.period[1] + 1)

    def slope(self, var: str) -> NDArray[np.float64]:
        """OLS trend of the annual means [units yr-1], shape (ncell,)."""
        y = self.annual[var]
        t = self.years - self.years.mean()
        return (t[:, None] * (y - y.mean(axis=0))).sum(axis=0) / (t**2).sum()

    def save(self, path: str | Path) -> Path:
        """Write as NetCDF (atomic)."""
        import xarray as xr

        from tpcarbon.io.writers import write_netcdf

        data = {}
        for v in FORCING_VARS:
            data[f"{v}_by_day"] = (("day", "slot", "cell"), self.by_day[v])
            data[f"{v}_mean"] = (("cell",), self.mean[v])
            data[f"{v}_annual"] = (("year", "cell"), self.annual[v])
        ds = xr.Dataset(data, coords={"year": self.years}, attrs={"period": list(self.period),
                                                                   "title": "tpcarbon forcing climatology"})
        return write_netcdf(ds, Path(path))

    @classmethod
    def load(cls, path: str | Path) -> ForcingClimatology:
        """Read a file written by :meth:`save`."""
        import xarray as xr

        with xr.open_dataset(path) as ds:
            ds = ds.load()
        p = tuple(int(x) for x in np.atleast_1d(ds.attrs["period"]))
        return cls(period=p,  # type: ignore[arg-type]
                   by_day={v: ds[f"{v}_by_day"].values.astype(np.float32) for v in FORCING_VARS},
                   mean={v: ds[f"{v}_mean"].values for v in FORCING_VARS},
                   annual={v: ds[f"{v}_annual"].values for v in FORCING_VARS})


def compute_forcing_climatology(source: ForcingSource, period: tuple[int, int], progress: bool = False
                                ) -> ForcingClimatology:
    """One pass over ``source`` for ``period``: day-and-slot means, long-term means, annual means."""
    from tqdm.auto import tqdm

    n = source.domain.ncell
    sums = {v: np.zeros((366, 8, n)) for v in FORCING_VARS}
    counts = np.zeros((366, 8))
    nyear = period[1] - period[0] + 1
    annual = {v: np.zeros((nyear, n)) for v in FORCING_VARS}
    asteps = np.zeros(nyear)
    chunks = tqdm(source.iter_chunks(*period), total=12 * nyear, desc="forcing climatology", unit="month",
                  disable=not progress, leave=False)
    for ch in chunks:
        d = day_index_366(ch.time)
        slot = (ch.time.astype("datetime64[h]").astype(np.int64) % 24) // 3
        k = ch.year - period[0]
        np.add.at(counts, (d, slot), 1.0)
        for v in FORCING_VARS:
            x = getattr(ch, v).astype(np.float64)
            np.add.at(sums[v], (d, slot), x)
            annual[v][k] += x.sum(axis=0)
        asteps[k] += ch.nt
    if counts.min() == 0:
        raise InputError(None, f"the climatology period {period} does not cover every calendar day",
                         "use at least one leap year in [years] historical")
    by_day = {v: (sums[v] / counts[:, :, None]).astype(np.float32) for v in FORCING_VARS}
    ann = {v: annual[v] / asteps[:, None] for v in FORCING_VARS}
    mean = {v: ann[v].mean(axis=0) for v in FORCING_VARS}
    return ForcingClimatology(period=period, by_day=by_day, mean=mean, annual=ann)


class HeldSource:
    """Wraps a source and replaces ``variables`` by their climatology, constant or detrended values.

    Parameters
    ----------
    base : ForcingSource
        The historical forcing.
    variables : tuple of str
        Canonical variables to hold (``temp``, ``prec``, ``srad``, ``lrad``, ...).
    mode : str
        ``climatology``, ``constant`` or ``detrend`` (module docstring).
    climatology : ForcingClimatology
        Statistics of the reference period.
    """

    def __init__(self, base: ForcingSource, variables: tuple[str, ...], mode: str, climatology: ForcingClimatology):
        for v in variables:
            if v not in FORCING_VARS:
                raise InputError(None, f"cannot hold unknown variable '{v}'", f"use one of {FORCING_VARS}")
        if mode not in ("climatology", "constant", "detrend"):
            raise InputError(None, f"unknown hold mode '{mode}'", "use climatology, constant or detrend")
        if climatology.ncell != base.domain.ncell:
            raise InputError(None, "climatology made for another domain", "delete forcing/climatology.nc and rerun")
        self.base = base
        self.domain = base.domain
        self.variables = tuple(variables)
        self.mode = mode
        self.clim = climatology
        p = climatology.period
        self.description = f"{base.description}; {', '.join(variables)} held ({mode} of {p[0]}-{p[1]})"
        self._slope = {v: climatology.slope(v) for v in variables} if mode == "detrend" else {}

    @property
    def years(self) -> tuple[int, int]:
        """Years of the base source."""
        return self.base.years

    def held_values(self, ch: ForcingChunk, var: str) -> NDArray[np.float64]:
        """The held field of ``var`` for the chunk's times, (nt, ncell)."""
        x = getattr(ch, var).astype(np.float64)
        if self.mode == "constant":
            return np.broadcast_to(self.clim.mean[var], x.shape).copy()
        if self.mode == "climatology":
            d = day_index_366(ch.time)
            slot = (ch.time.astype("datetime64[h]").astype(np.int64) % 24) // 3
            return self.clim.by_day[var][d, slot].astype(np.float64)
        tyear = ch.time.astype("datetime64[s]").astype(np.float64) / (365.2425 * 86400.0) + 1970.0
        dt = (tyear - (np.mean(self.clim.period) + 0.5))[:, None]
        s = self._slope[var][None, :]
        if var in MULTIPLICATIVE:
            m = self.clim.mean[var][None, :]
            with np.errstate(divide="ignore", invalid="ignore"):
                f = np.where(m + s * dt > 0, m / (m + s * dt), 1.0)
            return x * f
        return x - s * dt

    def iter_chunks(self, first_year: int, last_year: int) -> Iterator[ForcingChunk]:
        """Yield the base chunks with the held variables replaced."""
        from tpcarbon.forcing.generator import qsat

        for ch in self.base.iter_chunks(first_year, last_year):
            new = {v: self.held_values(ch, v) for v in self.variables}
            if "temp" in new:
                t_old = ch.temp.astype(np.float64)
                pres = (new.get("pres", ch.pres)).astype(np.float64)
                q = ch.shum.astype(np.float64) * qsat(new["temp"], pres) / qsat(t_old, pres)
                new["shum"] = np.minimum(q, qsat(new["temp"], pres))
            if "prec" in new:
                new["prec"] = np.maximum(new["prec"], 0.0)
            yield ch.replace_fields(**{k: np.ascontiguousarray(v, dtype=np.float32) for k, v in new.items()})
