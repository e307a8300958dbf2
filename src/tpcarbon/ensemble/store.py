"""One Zarr store of a whole ensemble: every annual variable with a ``member`` dimension.

Layout (Zarr format 2; open with ``xarray.open_zarr(path, group=...)`` or
``xarray.open_datatree(path, engine="zarr")``)::

    ensemble.zarr/
      /            member (coordinate), member_name, u_<input> (design values), p_<parameter> (sampled
                   factor / value / quantile), s_<input> (sampled scenario input), cmip6_model,
                   dominant_driver (member, lat, lon), NEP_mean_S1 (member, lat, lon), area, landmask
      /S1 /S2 ...  every annual variable of runs/<experiment>/annual.nc as (member, time, lat, lon),
                   float32, with the files' ``year`` coordinate (older files: (member, year, lat, lon))

The member order is the design order (reference member 0 first). Written to a temporary store and
renamed, so a reader never sees half an ensemble.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from tpcarbon.experiments.study import StudyConfig

ZARR_FORMAT = 2


def write_store(
    path: Path,
    done: Sequence[tuple],
    unit: pd.DataFrame,
    vals: pd.DataFrame,
    log: Callable[[str], None] = print,
) -> Path:
    """Gather the finished members' ``annual.nc`` files and design into ``path`` (see the module docstring).

    Parameters
    ----------
    path : Path
        The store to (re)write.
    done : sequence of (Member, StudyConfig)
        The finished members.
    unit, vals : DataFrame
        Design values and sampled quantities by member (:func:`tpcarbon.ensemble.members.design_tables`).
    """
    import warnings

    import xarray as xr

    members = [m.index for m, _ in done]
    folders = {m.index: Path(cfg.output.folder) for m, cfg in done}
    root = xr.Dataset(coords={"member": ("member", np.asarray(members, dtype=np.int32))})
    root["member_name"] = ("member", np.array([m.name for m, _ in done], dtype=object).astype(str))
    for col in unit.columns:
        root[f"u_{col}"] = ("member", unit.reindex(members)[col].to_numpy(dtype=np.float64))
    scen_names = {k for m, _ in done for k in m.scenario}
    for col in vals.columns:
        if col == "cmip6_model":
            root["cmip6_model"] = (
                "member",
                vals.reindex(members)[col].astype("string").fillna("").to_numpy(),
            )
            continue
        prefix = "s_" if col in scen_names else "p_"
        root[f"{prefix}{col}"] = ("member", vals.reindex(members)[col].to_numpy(dtype=np.float64))
    maps = [_member_maps(folders[i]) for i in members]
    if all(m is not None for m in maps):
        lat, lon = maps[0]["lat"], maps[0]["lon"]
        root = root.assign_coords(lat=("lat", lat), lon=("lon", lon))
        root["dominant_driver"] = (("member", "lat", "lon"), np.stack([m["dominant_driver"] for m in maps]))
        root["NEP_mean_S1"] = (
            ("member", "lat", "lon"),
            np.stack([m["NEP_mean_S1"] for m in maps]).astype(np.float32),
        )
        root["dominant_driver"].attrs.update(
            flag_values=[0, 1, 2],
            flag_meanings=str(maps[0]["drivers"]),
            long_name="driver with the largest |partial r| with NEP (-1: none)",
        )
    root.attrs.update(
        title="tpcarbon ensemble",
        members=len(members),
        experiments=" ".join(_experiments(folders[members[0]])),
    )
    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        root.to_zarr(tmp, mode="w", zarr_format=ZARR_FORMAT, consolidated=False)
        for exp in _experiments(folders[members[0]]):
            ds = _stack_experiment(exp, [folders[i] for i in members], members)
            if ds is not None:
                ds.to_zarr(tmp, group=exp, mode="w", zarr_format=ZARR_FORMAT, consolidated=False)
    shutil.rmtree(path, ignore_errors=True)
    tmp.replace(path)
    log(f"ensemble: wrote {path} ({len(members)} members)")
    return path


def _experiments(folder: Path) -> list[str]:
    return sorted(p.parent.name for p in (folder / "runs").glob("*/annual.nc"))


def _member_maps(folder: Path) -> dict | None:
    f = folder / "summary" / "maps.npz"
    if not f.exists():
        return None
    with np.load(f, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def _stack_experiment(exp: str, folders: list[Path], members: list[int]):
    """One experiment's annual files stacked along ``member`` (years: the union; NaN where one is missing)."""
    import xarray as xr

    dss = []
    for f in folders:
        p = f / "runs" / exp / "annual.nc"
        if not p.exists():
            return None
        with xr.open_dataset(p) as ds:
            dss.append(ds.load())
    rec = "time" if "time" in dss[0].dims else "year"      # CF annual files: time (with a year coordinate)
    keep = [v for v in dss[0].data_vars if dss[0][v].dims[:1] == (rec,) and "nv" not in dss[0][v].dims]
    static = [v for v in dss[0].data_vars if v not in keep]
    out = xr.concat(
        [d[keep] for d in dss],
        dim=xr.DataArray(np.asarray(members, dtype=np.int32), dims="member", name="member"),
        join="outer",
    )
    for v in keep:
        if out[v].dtype.kind == "f":
            out[v] = out[v].astype(np.float32)
        out[v].encoding = {}
    for v in static:
        out[v] = dss[0][v]
        out[v].encoding = {}
    for c in out.coords:
        out[c].encoding = {}
    out.attrs = {k: v for k, v in dss[0].attrs.items() if isinstance(v, (str, int, float))}
    out.attrs["experiment"] = exp
    return out


def open_store(path: str | Path, experiment: str | None = None):
    """The root (``experiment=None``) or one experiment's group of an ensemble store, as an xarray Dataset."""
    import xarray as xr

    return xr.open_zarr(path, group=experiment, consolidated=False)


__all__ = ["open_store", "write_store", "StudyConfig"]
