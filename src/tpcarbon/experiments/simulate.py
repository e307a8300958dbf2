"""Drive the model through years of streamed forcing and aggregate its output to years.

``simulate_years`` is the one loop every experiment and the spin-up use: it pulls monthly
chunks from a ``ForcingSource``, supplies CO2 for each step, advances the state in place,
and hands back one ``AnnualOutput`` per year (per-cell totals, means and maxima).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

import numpy as np
from tqdm.auto import tqdm

from tpcarbon.forcing.stream import ForcingSource
from tpcarbon.model.driver import ChunkOutput, Model
from tpcarbon.model.state import OUT_FLUX, OUT_MAX, OUT_NAMES, State


class AnnualOutput(NamedTuple):
    """One year of per-cell output: ``values[name]`` has shape (ncell,)."""

    year: int
    values: dict[str, np.ndarray]


def decimal_year(times: np.ndarray) -> np.ndarray:
    """Decimal year of datetime64 instants (real calendar).

    Examples
    --------
    >>> float(decimal_year(np.array(["2001-07-02T12:00"], dtype="datetime64[s]"))[0]).__round__(3)
    2001.5
    """
    t = times.astype("datetime64[s]")
    y0 = t.astype("datetime64[Y]")
    start = y0.astype("datetime64[s]")
    end = (y0 + np.timedelta64(1, "Y")).astype("datetime64[s]")
    return y0.astype(int) + 1970 + (t - start).astype(np.float64) / (end - start).astype(np.float64)


def aggregate_year(year: int, months: list[ChunkOutput]) -> AnnualOutput:
    """Combine the chunk outputs of one year: sums for fluxes, step-weighted means for states, maxima."""
    steps = np.array([m.nsteps for m in months], dtype=np.float64)
    vals = np.stack([m.values for m in months])          # (nmonth, ncell, NOUT)
    out: dict[str, np.ndarray] = {}
    for k, name in enumerate(OUT_NAMES):
        v = vals[:, :, k]
        if name in OUT_FLUX:
            out[name] = v.sum(axis=0)
        elif name in OUT_MAX:
            out[name] = v.max(axis=0)
        else:
            out[name] = (v * steps[:, None]).sum(axis=0) / steps.sum()
    out["TLAI_MAX"] = vals[:, :, OUT_NAMES.index("TLAI")].max(axis=0)
    out["NEE"] = -out["NEP"]
    return AnnualOutput(year=year, values=out)


def simulate_years(model: Model, state: State, source: ForcingSource, first_year: int, last_year: int,
                   co2: Callable[[np.ndarray], np.ndarray], desc: str = "", progress: bool = True,
                   ndep: float | Callable[[int], float] | None = None) -> Iterator[AnnualOutput]:
    """Advance ``state`` in place from ``first_year`` through ``last_year``, yielding each finished year.

    Parameters
    ----------
    model : Model
        The model (options decide AD mode and spin-up accumulation).
    state : State
        Updated in place.
    source : ForcingSource
        Forcing for the model's domain.
    first_year, last_year : int
        Inclusive range.
    co2 : callable
        ``co2(decimal_years) -> ppm`` for an array of step times.
    desc : str
        Progress-bar label.
    progress : bool
        Show a progress bar (months).
    ndep : float or callable, optional
        Atmospheric N deposition [g N m-2 yr-1]: a constant, ``ndep(year)``, or None for the model's default.
    """
    nmonths = 12 * (last_year - first_year + 1)
    bar = tqdm(total=nmonths, desc=desc or "simulate", unit="month", disable=not progress, leave=False)
    months: list[ChunkOutput] = []
    year = first_year
    try:
        for chunk in source.iter_chunks(first_year, last_year):
            if chunk.year != year:
                yield aggregate_year(year, months)
                months = []
                year = chunk.year
            nd = ndep(chunk.year) if callable(ndep) else ndep
            months.append(model.run_chunk(state, chunk, co2(decimal_year(chunk.time)), nd))
            bar.update(1)
        if months:
            yield aggregate_year(year, months)
    finally:
        bar.close()
