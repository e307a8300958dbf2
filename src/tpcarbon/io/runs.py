"""Read what a tpcarbon run wrote: ``open_run(folder)`` → one xarray Dataset of every experiment.

Each ``runs/<exp>/annual.nc`` is a CF file with a ``time`` axis (``time_bnds``, standard calendar),
an integer ``year(time)`` coordinate and a scalar ``experiment`` coordinate (``io.writers``). The
experiments are stacked along a new ``experiment`` dimension (outer join in time: S1-S4 hold
NaN in the SSP years and the SSPs in the historical years); the static fields (``area``,
``landmask``, ``landfrac``, ``elevation``, bounds) are taken once. The data stay lazy (dask)
until computed. Files written before the CF time axis (dimension ``year``) are read too.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from tpcarbon.errors import InputError

#: The order experiments are stacked in (others follow alphabetically).
EXPERIMENT_ORDER = ("S1", "S2", "S3", "S4", "ssp126", "ssp245", "ssp370", "ssp585")
#: Variables without a time dimension, shared by all experiments of a run.
STATIC = ("area", "landmask", "landfrac", "elevation", "lat_bnds", "lon_bnds")


def run_files(folder: str | os.PathLike) -> dict[str, Path]:
    """``{experiment: runs/<experiment>/annual.nc}`` of a run folder, in :data:`EXPERIMENT_ORDER`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "run folder not found", "give the folder `tpcarbon demo` or `tpcarbon run` wrote")
    files = {p.parent.name: p for p in sorted((folder / "runs").glob("*/annual.nc"))}
    if not files:
        raise InputError(folder, "no runs/<experiment>/annual.nc found",
                         "run `tpcarbon run STUDY.toml` first, or point at a finished run folder")
    rank = {e: i for i, e in enumerate(EXPERIMENT_ORDER)}
    return dict(sorted(files.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))


def open_annual(path: str | os.PathLike, chunks: dict | None = None) -> xr.Dataset:
    """One ``annual.nc`` with a ``time`` dimension (files with the old ``year`` dimension are converted)."""
    try:
        ds = xr.open_dataset(path, chunks=chunks if chunks is not None else {})
    except (OSError, ValueError) as exc:
        raise InputError(path, f"cannot be read ({exc})", "rerun that experiment (delete its folder)") from None
    if "time" not in ds.dims and "year" in ds.dims:     # written before the CF time axis
        years = ds["year"].values.astype(int)
        time = xr.DataArray([np.datetime64(f"{y:04d}-07-02") for y in years], dims="year")
        ds = ds.rename({"year": "time"}).assign_coords(time=("time", time.values), year=("time", years))
    if "experiment" not in ds.coords:
        ds = ds.assign_coords(experiment=ds.attrs.get("experiment", Path(path).parent.name))
    return ds


def open_run(folder: str | os.PathLike, experiments: Sequence[str] | None = None,
             chunks: dict | None = None) -> xr.Dataset:
    """Open every experiment of a run folder as one Dataset with dims ``(experiment, time, lat, lon)``.

    Parameters
    ----------
    folder : path
        A folder written by ``tpcarbon demo`` / ``tpcarbon run`` (``runs/<exp>/annual.nc``).
    experiments : sequence of str, optional
        Only these (default: all found, S1 S2 S3 S4 then the SSPs).
    chunks : dict, optional
        Dask chunks (default: one chunk per file).

    Returns
    -------
    xarray.Dataset
        Lazy; ``time`` is a datetime axis (``ds.resample(time="10YS")`` works), ``year`` its integer
        year, ``experiment`` a coordinate; the static fields ``area``, ``landmask`` ... have no
        ``experiment`` dimension. ``ds.attrs`` are S1's (or the first experiment's).

    Examples
    --------
    >>> ds = open_run("tpcarbon-demo")                                    # doctest: +SKIP
    >>> ds["NEP"].sel(experiment="S1").weighted(ds.area.fillna(0)).mean(("lat", "lon"))  # doctest: +SKIP
    """
    files = run_files(folder)
    if experiments is not None:
        missing = [e for e in experiments if e not in files]
        if missing:
            raise InputError(folder, f"experiment {missing[0]} not in the run (has {', '.join(files)})",
                             "choose among the experiments found")
        files = {e: files[e] for e in experiments}
    parts = [open_annual(p, chunks) for p in files.values()]
    static = [v for v in STATIC if v in parts[0].variables]
    timed = [ds.drop_vars([v for v in static if v in ds.variables]) for ds in parts]
    for ds in timed:
        if "time_bnds" in ds:
            ds["time_bnds"] = ds["time_bnds"].load()
    out = xr.concat(timed, dim="experiment", join="outer", data_vars="all", coords="different",
                    compat="equals", combine_attrs="override")
    if "time_bnds" in out:
        # the bounds of a year are the same in every experiment that has it
        out["time_bnds"] = out["time_bnds"].max("experiment")
    if "year" in out.coords and "experiment" in out["year"].dims:
        out = out.assign_coords(year=out["year"].max("experiment").astype(np.int32))
    for v in static:
        out[v] = parts[0][v]
    out.attrs = dict(parts[0].attrs)
    out.attrs.pop("experiment", None)
    return out


__all__ = ["open_annual", "open_run", "run_files"]
