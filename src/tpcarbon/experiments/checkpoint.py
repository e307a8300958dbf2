"""Checkpoints of a running experiment: state + the annual output so far, in one atomically written file.

A run killed at any moment (even SIGKILL) resumes from its last checkpoint and finishes
with outputs identical to an uninterrupted run: the state holds every accumulator, the
forcing is deterministic, and the file is written to a temporary name and renamed.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import xarray as xr

from tpcarbon.io.writers import write_netcdf
from tpcarbon.model.restart import _DIMS
from tpcarbon.model.state import State
from tpcarbon.surface.domain import Domain


def save_checkpoint(path: str | os.PathLike, state: State, domain: Domain, next_year: int,
                    annual: dict[str, list[np.ndarray]], years: list[int], config_hash: str) -> Path:
    """Write state and the annual outputs of ``years`` (lists of (ncell,) arrays per variable)."""
    data = {name: (_DIMS[name], np.asarray(arr)) for name, arr in zip(State._fields, state, strict=True)}
    for var, values in annual.items():
        data[f"annual_{var}"] = (("done_year", "cell"), np.asarray(values, dtype=np.float64).reshape(len(years), -1))
    ds = xr.Dataset(data, coords={"done_year": np.asarray(years, dtype=np.int64),
                                  "cell_lat": ("cell", domain.lat), "cell_lon": ("cell", domain.lon)},
                    attrs={"title": "tpcarbon checkpoint", "next_year": int(next_year), "config_hash": config_hash})
    return write_netcdf(ds, path, compress=False)


def load_checkpoint(path: str | os.PathLike, domain: Domain, config_hash: str
                    ) -> tuple[State, int, dict[str, list[np.ndarray]], list[int]] | None:
    """Read a checkpoint written for this domain and configuration; None if absent or not matching."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        with xr.open_dataset(path, engine="netcdf4") as ds:
            ds.load()
    except Exception:  # noqa: BLE001 - an unreadable checkpoint is discarded, the run restarts the experiment
        return None
    if ds.attrs.get("config_hash") != config_hash or ds.sizes.get("cell") != domain.ncell:
        return None
    if not np.allclose(ds["cell_lat"].values, domain.lat) or not np.allclose(ds["cell_lon"].values, domain.lon):
        return None
    state = State(*(np.ascontiguousarray(ds[name].values.astype(np.float64)) for name in State._fields))
    years = [int(y) for y in ds["done_year"].values] if "done_year" in ds.coords else []
    annual = {k[len("annual_"):]: [row for row in ds[k].values] for k in ds.data_vars if k.startswith("annual_")}
    return state, int(ds.attrs["next_year"]), annual, years
