"""User-supplied surface files: a mask (NetCDF or polygon), PFT fractions (CLM surfdata or NetCDF), soil texture.

Every reader returns arrays on the run grid and fails with one line naming the file,
the variable and the fix.

* mask: NetCDF with ``mask`` / ``landmask`` / ``TP`` on (lat, lon) (any regular grid; a
  run cell is in when ≥ 50 % of its area is), or a polygon: GeoJSON (Polygon /
  MultiPolygon, first feature or all) or CSV with ``lon,lat`` rows (cell centres inside);
* PFT: a CLM ``surfdata_*.nc`` (``PCT_NAT_PFT(natpft, lsmlat, lsmlon)`` with ``LATIXY``,
  ``LONGXY``) or a NetCDF ``pft_frac(pft, lat, lon)`` in [0, 1] or percent; the four
  largest PFTs of each run cell are kept and renormalised (stated departure: CLM keeps
  all 15 natural PFTs);
* soil: NetCDF with ``PCT_SAND`` and ``PCT_CLAY`` (2-D, or with a leading level
  dimension: the mean over the levels is used).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from tpcarbon.errors import InputError
from tpcarbon.surface.grid import Grid
from tpcarbon.surface.regrid import Regridder

MAX_PATCHES = 4


def _open(path: str | Path):
    import xarray as xr

    p = Path(path)
    if not p.exists():
        raise InputError(p, "file not found", "check the path in [region]")
    try:
        return xr.open_dataset(p)
    except (OSError, ValueError) as exc:
        raise InputError(p, f"cannot be opened as NetCDF ({exc})", "give a valid NetCDF file") from None


def _latlon(ds, path) -> tuple[NDArray, NDArray]:
    for la, lo in (("lat", "lon"), ("latitude", "longitude"), ("LATIXY", "LONGXY"), ("lsmlat", "lsmlon")):
        if la in ds.variables and lo in ds.variables:
            lat, lon = np.asarray(ds[la].values, float), np.asarray(ds[lo].values, float)
            if lat.ndim == 2:
                lat, lon = lat[:, 0], lon[0, :]
            lon = np.where(lon > 180, lon - 360, lon)
            return lat, lon
    raise InputError(path, "no lat/lon coordinates", "add 1-D lat and lon (degrees) or LATIXY/LONGXY")


def _to_grid(field: NDArray, lat: NDArray, lon: NDArray, grid: Grid) -> NDArray:
    if lat[0] > lat[-1]:
        lat, field = lat[::-1], field[..., ::-1, :]
    rg = Regridder(lat, lon, grid.lat, grid.lon)
    if field.ndim == 2:
        return rg(field)
    return np.stack([rg(f) for f in field])


def read_mask(path: str | Path, grid: Grid) -> NDArray[np.bool_]:
    """A user mask on ``grid`` (see the module docstring)."""
    p = Path(path)
    if p.suffix.lower() in (".geojson", ".json"):
        return _polygon_mask(_geojson_rings(p), grid)
    if p.suffix.lower() in (".csv", ".txt"):
        try:
            xy = np.loadtxt(p, delimiter=",", skiprows=1, ndmin=2)
        except (OSError, ValueError) as exc:
            raise InputError(p, f"not a lon,lat CSV ({exc})", "write a header line then lon,lat rows") from None
        if xy.shape[1] < 2 or xy.shape[0] < 3:
            raise InputError(p, "a polygon needs at least 3 lon,lat rows", "write a header line then lon,lat rows")
        return _polygon_mask([xy[:, :2]], grid)
    ds = _open(p)
    name = next((n for n in ("mask", "landmask", "TP", "tp_mask") if n in ds.data_vars), None)
    if name is None:
        raise InputError(p, f"no mask variable (has {', '.join(ds.data_vars)})", "name it 'mask' (1 = in, 0 = out)")
    lat, lon = _latlon(ds, p)
    m = np.asarray(ds[name].values, float)
    frac = _to_grid(np.where(np.isfinite(m), (m > 0).astype(float), 0.0), lat, lon, grid)
    out = np.nan_to_num(frac) >= 0.5
    if not out.any():
        raise InputError(p, "the mask selects no cell of the region", "check that the mask overlaps [region] bbox",
                         variable=name)
    return out


def _geojson_rings(p: Path) -> list[NDArray]:
    try:
        d = json.loads(p.read_text())
    except (OSError, ValueError) as exc:
        raise InputError(p, f"not valid GeoJSON ({exc})", "give a GeoJSON Polygon or MultiPolygon") from None
    feats = d.get("features", [d])
    rings = []
    for f in feats:
        g = f.get("geometry", f)
        if g.get("type") == "Polygon":
            rings.append(np.asarray(g["coordinates"][0], float))
        elif g.get("type") == "MultiPolygon":
            rings.extend(np.asarray(poly[0], float) for poly in g["coordinates"])
    if not rings:
        raise InputError(p, "no Polygon or MultiPolygon geometry", "give a GeoJSON Polygon or MultiPolygon")
    return rings


def _polygon_mask(rings: list[NDArray], grid: Grid) -> NDArray[np.bool_]:
    from matplotlib.path import Path as MplPath

    lon2, lat2 = np.meshgrid(grid.lon, grid.lat)
    pts = np.column_stack([lon2.ravel(), lat2.ravel()])
    inside = np.zeros(pts.shape[0], dtype=bool)
    for r in rings:
        inside |= MplPath(r[:, :2]).contains_points(pts)
    return inside.reshape(grid.shape)


def read_pft(path: str | Path, grid: Grid, rows: NDArray, cols: NDArray) -> tuple[NDArray, NDArray]:
    """PFT patches ``(pft_index, pft_frac)`` of shape (ncell, 4) at the run cells."""
    p = Path(path)
    ds = _open(p)
    if "PCT_NAT_PFT" in ds:
        pct = np.asarray(ds["PCT_NAT_PFT"].values, float) / 100.0
        var = "PCT_NAT_PFT"
    elif "pft_frac" in ds:
        pct = np.asarray(ds["pft_frac"].values, float)
        var = "pft_frac"
        if np.nanmax(pct) > 1.0 + 1e-6:
            pct = pct / 100.0
    else:
        raise InputError(p, "neither PCT_NAT_PFT nor pft_frac found", "give a CLM surfdata file or a pft_frac map")
    if pct.ndim != 3 or pct.shape[0] != 15:
        raise InputError(p, f"expected 15 natural PFTs on (pft, lat, lon), got shape {pct.shape}",
                         "give CLM's 15 natural PFTs (0 bare ... 14 C4 grass)", variable=var)
    lat, lon = _latlon(ds, p)
    g = _to_grid(pct, lat, lon, grid)[:, rows, cols].T  # (ncell, 15)
    if not np.isfinite(g).all():
        raise InputError(p, "no PFT data at some run cells", "cover the whole region or mask those cells",
                         variable=var)
    order = np.argsort(-g, axis=1)[:, :MAX_PATCHES]
    frac = np.take_along_axis(g, order, axis=1)
    tot = frac.sum(axis=1, keepdims=True)
    if np.any(tot <= 0):
        raise InputError(p, "cells with no vegetation or bare fraction", "check the PFT fractions", variable=var)
    return order.astype(np.int64), frac / tot


def read_soil(path: str | Path, grid: Grid, rows: NDArray, cols: NDArray) -> tuple[NDArray, NDArray]:
    """Sand and clay [%] at the run cells."""
    p = Path(path)
    ds = _open(p)
    out = []
    for var in ("PCT_SAND", "PCT_CLAY"):
        if var not in ds:
            raise InputError(p, f"variable {var} not found", "give PCT_SAND and PCT_CLAY in % by mass", variable=var)
        a = np.asarray(ds[var].values, float)
        if a.ndim == 3:
            a = np.nanmean(a, axis=0)
        lat, lon = _latlon(ds, p)
        v = _to_grid(a, lat, lon, grid)[rows, cols]
        if not np.isfinite(v).all() or v.min() < 0 or v.max() > 100:
            raise InputError(p, "missing or out-of-range (0-100 %) values at run cells",
                             "check the units (% by mass) and coverage", variable=var)
        out.append(v)
    return out[0], out[1]
