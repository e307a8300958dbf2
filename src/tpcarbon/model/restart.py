"""Restart files: the full model state as CF-NetCDF, written atomically.

A restart holds every array of :class:`~tpcarbon.model.state.State` (cell-compressed, with
``lat``/``lon`` of each cell so it can be matched to a domain), the model time it belongs
to, whether it is in accelerated-decomposition space, and free-form attributes
(config hash, spin-up diagnostic). Any run can start from a restart.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import xarray as xr

from tpcarbon.errors import InputError
from tpcarbon.io.writers import write_netcdf
from tpcarbon.model.state import COL_NAMES, NACC, NSOILN, PHENO_NAMES, VEGC_NAMES, VEGN_NAMES, State
from tpcarbon.physics.soil_bgc import NDECOMP
from tpcarbon.surface.domain import Domain

_DIMS = {
    "vegc": ("cell", "patch", "vegc_pool"),
    "pheno": ("cell", "patch", "pheno_var"),
    "col": ("cell", "col_var"),
    "tsoi": ("cell", "levgrnd"),
    "h2oliq": ("cell", "levsoi"),
    "h2oice": ("cell", "levsoi"),
    "soilc": ("cell", "decomp_pool", "levsoi"),
    "bgc_acc": ("cell", "acc_row", "levsoi"),
    "veg_spin": ("cell", "patch", "deadwood_pool"),
    "vegn": ("cell", "patch", "vegn_pool"),
    "soiln": ("cell", "soiln_pool", "levsoi"),
}
_UNITS = {"vegc": "g m-2", "pheno": "mixed", "col": "mixed", "tsoi": "K", "h2oliq": "kg m-2", "h2oice": "kg m-2",
          "soilc": "g m-3", "bgc_acc": "mixed",
          "veg_spin": "g m-2", "vegn": "g m-2", "soiln": "g m-3"}


def state_layout() -> str:
    """A fingerprint of the state's slot names and sizes: a restart from another layout is refused."""
    parts = [",".join(VEGC_NAMES), ",".join(PHENO_NAMES), ",".join(COL_NAMES), ",".join(VEGN_NAMES),
             str(NACC), str(NSOILN)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def write_restart(path: str | os.PathLike, state: State, domain: Domain, time: str, ad_mode: bool,
                  attrs: dict | None = None) -> Path:
    """Write ``state`` to ``path`` (NetCDF-4, atomic).

    Parameters
    ----------
    path : path-like
        Destination file.
    state : State
        Model state.
    domain : Domain
        The cells the state belongs to.
    time : str
        ISO date the state is valid at (start of the next step), e.g. ``"1979-01-01"``.
    ad_mode : bool
        True if pools are in accelerated-decomposition space.
    attrs : dict, optional
        Extra global attributes.
    """
    ds = xr.Dataset(
        {name: (_DIMS[name], np.asarray(arr), {"units": _UNITS[name]}) for name, arr in zip(State._fields, state,
                                                                                              strict=True)},
        coords={
            "cell_lat": ("cell", domain.lat, {"units": "degrees_north"}),
            "cell_lon": ("cell", domain.lon, {"units": "degrees_east"}),
            "vegc_pool": ("vegc_pool", list(VEGC_NAMES)),
            "pheno_var": ("pheno_var", list(PHENO_NAMES)),
            "col_var": ("col_var", list(COL_NAMES)),
            "decomp_pool": ("decomp_pool", ["CWD", "L1", "L2", "L3", "S1", "S2", "S3"][:NDECOMP]),
            "vegn_pool": ("vegn_pool", list(VEGN_NAMES)),
            "soiln_pool": ("soiln_pool", ["CWD", "L1", "L2", "L3", "S1", "S2", "S3", "NH4", "NO3"][:NSOILN]),
        },
        attrs={"title": "tpcarbon restart", "valid_time": time, "ad_mode": int(ad_mode),
               "state_layout": state_layout(),
               "Conventions": "CF-1.8", **{k: str(v) for k, v in (attrs or {}).items()}},
    )
    return write_netcdf(ds, path, compress=True)


def read_restart(path: str | os.PathLike, domain: Domain) -> tuple[State, dict]:
    """Read a restart written by :func:`write_restart` for ``domain``.

    Returns
    -------
    (State, dict)
        The state and the file's global attributes.

    Raises
    ------
    InputError
        Missing or unreadable file, or cells that do not match the domain.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "restart file not found", "run the spin-up first (tpcarbon spinup STUDY.toml)")
    try:
        with xr.open_dataset(path, engine="netcdf4") as ds:
            ds.load()
    except Exception as exc:  # noqa: BLE001
        raise InputError(path, f"cannot read restart ({type(exc).__name__})",
                         "delete it and rerun the spin-up") from None
    if ds.attrs.get("state_layout") != state_layout():
        raise InputError(path, "restart written by a tpcarbon with a different model state (older version)",
                         "delete it and rerun the spin-up (tpcarbon spinup STUDY.toml)", variable="state_layout")
    if ds.sizes.get("cell") != domain.ncell or not (
            np.allclose(ds["cell_lat"].values, domain.lat) and np.allclose(ds["cell_lon"].values, domain.lon)):
        raise InputError(path, "restart cells do not match the run's domain",
                         "use a restart made for the same region, resolution and mask", variable="cell")
    state = State(*(np.ascontiguousarray(ds[name].values.astype(np.float64)) for name in State._fields))
    return state, dict(ds.attrs)
