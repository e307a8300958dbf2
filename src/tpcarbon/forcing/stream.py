"""Forcing as a stream of time chunks: the contract between readers, transforms and the model.

Canonical forcing (what every reader yields and the model consumes)
------------------------------------------------------------------
A :class:`ForcingChunk` holds ``nt`` consecutive 3-hourly records for the ``ncell``
land cells of a :class:`~tpcarbon.surface.Domain`. Record ``i`` stands for the
interval ``[time[i] - dt/2, time[i] + dt/2)`` (``dt = 10800 s``), i.e. ``time`` is the
interval **centre**, in UTC:

========  ==============  ==========================================================
field     units           meaning
========  ==============  ==========================================================
temp      K               2 m air temperature at the centre (CMFD ``temp``, instantaneous)
shum      kg kg-1         2 m specific humidity at the centre (<= saturation)
pres      Pa              surface pressure at the centre
wind      m s-1           near-surface wind speed at the centre
srad      W m-2           downward shortwave, mean over the interval (CMFD ``srad``)
lrad      W m-2           downward longwave, mean over the interval (CMFD ``lrad``)
prec      kg m-2 s-1      precipitation (rain + snow), mean over the interval
========  ==============  ==========================================================

CMFD stamps ``prec`` at the end of the 3 h it averages; readers re-centre it
(``prec_c(t) = (prec(t) + prec(t + 3 h)) / 2``, total conserved) and convert mm h-1
to kg m-2 s-1. Arrays are C-contiguous ``(nt, ncell)``, float32 or float64.

A chunk never spans two calendar months, so monthly outputs, anomaly factors and
file boundaries all line up. Sources yield chunks for a range of years.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from tpcarbon.surface.domain import Domain

#: Forcing time step [s] (CMFD is 3-hourly).
DT_FORCING = 10800.0

#: The seven CMFD variables, in canonical order.
FORCING_VARS: tuple[str, ...] = ("temp", "shum", "pres", "wind", "srad", "lrad", "prec")

#: Canonical units of each forcing variable (inside the model).
FORCING_UNITS: dict[str, str] = {
    "temp": "K",
    "shum": "kg kg-1",
    "pres": "Pa",
    "wind": "m s-1",
    "srad": "W m-2",
    "lrad": "W m-2",
    "prec": "kg m-2 s-1",
}


class ForcingChunk(NamedTuple):
    """Consecutive forcing records of one calendar month (or part of one).

    Attributes
    ----------
    time : ndarray of datetime64[s], shape (nt,)
        Interval centres (UTC), regular with step ``DT_FORCING``.
    temp, shum, pres, wind, srad, lrad, prec : ndarray, shape (nt, ncell)
        Canonical fields, see the module docstring.
    """

    time: NDArray[np.datetime64]
    temp: NDArray[np.floating]
    shum: NDArray[np.floating]
    pres: NDArray[np.floating]
    wind: NDArray[np.floating]
    srad: NDArray[np.floating]
    lrad: NDArray[np.floating]
    prec: NDArray[np.floating]

    @property
    def nt(self) -> int:
        """Number of records."""
        return int(self.time.size)

    @property
    def year(self) -> int:
        """Calendar year of the chunk."""
        return int(self.time[0].astype("datetime64[Y]").astype(int) + 1970)

    @property
    def month(self) -> int:
        """Calendar month (1-12) of the chunk."""
        return int(self.time[0].astype("datetime64[M]").astype(int) % 12 + 1)

    def replace_fields(self, **fields: np.ndarray) -> ForcingChunk:
        """A copy with some fields replaced (transforms use this; inputs are never mutated)."""
        return self._replace(**fields)


@runtime_checkable
class ForcingSource(Protocol):
    """Anything that streams canonical forcing for a domain.

    Implementations: the CMFD and CF/Zarr readers (``tpcarbon.io``), and the
    transforms of ``tpcarbon.experiments`` (hold, cycle, anomaly) which wrap another
    source.
    """

    domain: Domain
    description: str

    @property
    def years(self) -> tuple[int, int]:
        """First and last year (inclusive) the source can deliver."""
        ...

    def iter_chunks(self, first_year: int, last_year: int) -> Iterator[ForcingChunk]:
        """Yield one chunk per calendar month, in time order, for ``first_year..last_year``."""
        ...


def month_times(year: int, month: int) -> NDArray[np.datetime64]:
    """Interval centres of the 3-hourly records of a month: 00:00, 03:00, ... 21:00 UTC each day.

    Examples
    --------
    >>> t = month_times(2000, 2)
    >>> t.size, str(t[0]), str(t[-1])
    (232, '2000-02-01T00:00:00', '2000-02-29T21:00:00')
    """
    start = np.datetime64(f"{year:04d}-{month:02d}-01T00:00:00", "s")
    nxt = np.datetime64(f"{year + (month == 12):04d}-{month % 12 + 1:02d}-01T00:00:00", "s")
    return np.arange(start, nxt, np.timedelta64(int(DT_FORCING), "s"))
