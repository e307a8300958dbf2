"""Writers: model output on the 2-D grid with CF attributes, atomically.

Every variable's attributes come from ``io/variables.toml`` (the one home); every
file is written to a temporary name in the same folder and renamed into place, so a
killed run never leaves a file that looks complete.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import tomllib
from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import xarray as xr

from tpcarbon.errors import InputError
from tpcarbon.surface.domain import Domain


@lru_cache(maxsize=1)
def variable_attrs() -> dict[str, dict]:
    """The parsed ``variables.toml``: {name: {long_name, units..., kind}}."""
    text = resources.files("tpcarbon.io").joinpath("variables.toml").read_text()
    return tomllib.loads(text)


def cf_attrs(name: str, frequency: str = "annual") -> dict[str, str]:
    """CF attributes of output variable ``name`` for an ``annual`` or ``monthly`` file.

    Examples
    --------
    >>> cf_attrs("NEP")["units"]
    'g m-2 yr-1'
    >>> cf_attrs("TBOT", "monthly")["cell_methods"]
    'time: mean'
    """
    spec = variable_attrs()[name]
    kind = spec["kind"]
    attrs = {k: v for k, v in spec.items() if k in ("long_name", "standard_name", "comment")}
    attrs["units"] = spec.get(f"units_{frequency}", spec.get("units", "1"))
    attrs["cell_methods"] = {"flux": "time: sum", "state": "time: mean", "max": "time: maximum"}[kind]
    return attrs


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` only on success.

    Raises
    ------
    InputError
        If the destination folder cannot be created or written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise InputError(path.parent, f"cannot write output here ({exc.strerror})",
                         "choose a writable output folder with --out") from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_netcdf(ds: xr.Dataset, path: str | os.PathLike, compress: bool = True) -> Path:
    """Write ``ds`` to NetCDF-4 atomically (zlib level 4 for float variables)."""
    encoding = {}
    if compress:
        for name, var in ds.data_vars.items():
            if np.issubdtype(var.dtype, np.floating):
                encoding[name] = {"zlib": True, "complevel": 4}
    with atomic_path(path) as tmp:
        ds.to_netcdf(tmp, encoding=encoding, engine="netcdf4")
    return Path(path)


def gridded_dataset(domain: Domain, frequency: str, coord_name: str, coord_values: np.ndarray,
                    data: Mapping[str, np.ndarray], attrs: Mapping[str, str] | None = None,
                    extra_coords: Mapping[str, xr.DataArray] | None = None) -> xr.Dataset:
    """Build a CF dataset of ``(coord, lat, lon)`` variables from ``(ncoord, ncell)`` arrays.

    Parameters
    ----------
    domain : Domain
        Cells and grid.
    frequency : {"annual", "monthly"}
        Selects the units of flux variables.
    coord_name : str
        Leading dimension name (``year`` or ``time``).
    coord_values : ndarray
        Its values.
    data : mapping of str to ndarray, shape (ncoord, ncell) or (ncoord,)
        Output variables by CLM history name (keys must be in ``variables.toml``).
    attrs : mapping, optional
        Global attributes (provenance).
    """
    base = domain.to_dataset()
    out = xr.Dataset(coords={coord_name: coord_values, "lat": base.lat, "lon": base.lon})
    if coord_name == "year":
        out[coord_name].attrs.update({"long_name": "calendar year", "units": "1"})
    for name, values in data.items():
        values = np.asarray(values, dtype=np.float64)
        if values.ndim == 1:
            out[name] = ((coord_name,), values, cf_attrs(name, frequency))
        else:
            out[name] = ((coord_name, "lat", "lon"), domain.to_grid(values).astype(np.float32),
                         cf_attrs(name, frequency))
    for name in ("area", "landmask", "landfrac", "elevation"):
        out[name] = base[name]
    if extra_coords:
        out = out.assign_coords(extra_coords)
    out.attrs.update({"Conventions": "CF-1.8"})
    if attrs:
        out.attrs.update({k: str(v) for k, v in attrs.items()})
    return out
