r"""Reader of CLM5 history files (and CMIP-named land output): annual carbon budgets on a (lat, lon) grid.

What it reads
-------------
* CLM5 / CTSM history files, monthly ``h0`` (``<case>.clm2.h0.YYYY-MM.nc`` or ``h0a``) or any
  other tape (``h1``...) whose records average over whole intervals, with grid-cell output
  either on a regular grid, dims ``(time, lat, lon)``, or vectorised: ``lndgrid`` with 1-D
  ``lat``/``lon``, ``gridcell`` with ``grid1d_lat``/``grid1d_lon``, or the sub-grid levels
  ``pft``/``column``/``landunit`` (``hist_dov2xy = .false.``), which are aggregated to grid
  cells as CLM's ``p2g``/``c2g`` do: the ``*1d_wtgcell``-weighted mean over the entries with
  a valid value.
* CMIP-named land output (``gpp``, ``npp``, ``ra``, ``rh``, ``nep`` in kg m-2 s-1; ``cSoil``,
  ``lai``, ``tas``, ``pr``, ``rsds``; ``areacella`` [m2] and ``sftlf`` [%]), one variable per
  file as in the CMIP6 DRS.

Time axis
---------
CLM stamps an averaged record at the **end** of its averaging interval (up to ctsm5.3.017): the
January mean carries ``time`` = 1 February 00:00. From ctsm5.3.018 ``time`` is the middle of
``time_bounds``. Either way ``time_bounds`` (CMIP: ``time_bnds``, or whatever ``time:bounds``
names) gives the interval, and it is used whenever present. Without bounds, records stamped on
the first of a month at 00:00 are taken as end-stamped monthly means, i.e. each record averages
the **previous** month; records at a regular sub-monthly step ``dt`` are taken to average
``[time - dt, time)``. The calendar is the file's (CLM runs use ``noleap``).

Each record is assigned to the calendar year of its interval midpoint. Fluxes are integrated
as :math:`\sum_i F_i \, \Delta t_i` with :math:`\Delta t_i` the length of the interval in
seconds in the file's calendar (a noleap January is 31 × 86400 s, February 28 × 86400 s), so
CLM's gC m-2 s-1 become g C m-2 yr-1. States (``TOTSOMC``, ``TOTECOSYSC``, ``TLAI``, ``TSA``,
``FSDS``) are time-weighted annual means. A year is kept only if every output variable covers
it completely; incomplete years are dropped with a warning.

Signs (data_formats.md §4.2): CLM ``NEP`` = GPP − ER = NPP − HR, positive for a sink; CLM
``NEE`` (positive for a source) also contains fire and harvest losses, so it is **not** used:
if a file has no ``NEP``, ``NEP`` is computed as ``NPP − HR`` (and ``NPP`` as ``GPP − AR`` if
``NPP`` is missing). CMIP ``nep`` is positive downward (sink), as CLM's.

Sources: CTSM ``histFileMod.F90`` (time stamps, 1-D layouts, ``spval = 1e36``),
``CNVegCarbonFluxType.F90`` and ``SoilBiogeochemCarbonFluxType.F90`` (flux definitions and
units), CMIP6 ``Lmon``/``Emon`` tables (CMIP names and units); see
``docs/reference/data_formats.md`` §3-4.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import cftime
import numpy as np
import xarray as xr
from numpy.typing import NDArray

from tpcarbon.constants import CONST
from tpcarbon.errors import InputError
from tpcarbon.io import units as units_layer
from tpcarbon.io.writers import cf_attrs

__all__ = ["read_clm_history"]

# --------------------------------------------------------------------------------------------
# Names and units
# --------------------------------------------------------------------------------------------

#: Input name -> (internal name, quantity). CLM history names first, then CMIP names.
_CLM_VARS: dict[str, tuple[str, str]] = {
    "GPP": ("GPP", "carbon_flux"),
    "NPP": ("NPP", "carbon_flux"),
    "AR": ("AR", "carbon_flux"),
    "HR": ("HR", "carbon_flux"),
    "NEP": ("NEP", "carbon_flux"),
    "TOTSOMC": ("TOTSOMC", "carbon_stock"),
    "TOTECOSYSC": ("TOTECOSYSC", "carbon_stock"),
    "TLAI": ("TLAI", "lai"),
    "TSA": ("TSA", "temperature"),
    "RAIN": ("RAIN", "water_flux"),
    "SNOW": ("SNOW", "water_flux"),
    "FSDS": ("FSDS", "radiation"),
}
_CMIP_VARS: dict[str, tuple[str, str]] = {
    "gpp": ("GPP", "carbon_flux"),
    "npp": ("NPP", "carbon_flux"),
    "ra": ("AR", "carbon_flux"),
    "rh": ("HR", "carbon_flux"),
    "nep": ("NEP", "carbon_flux"),
    "cSoil": ("TOTSOMC", "carbon_stock"),
    "lai": ("TLAI", "lai"),
    "tas": ("TSA", "temperature"),
    "pr": ("PRECIP", "water_flux"),
    "rsds": ("FSDS", "radiation"),
}
_CARBON = ("GPP", "NPP", "AR", "HR", "NEP")
#: Annual sums (the rest are time-weighted means).
_FLUXES = frozenset(("GPP", "NPP", "AR", "HR", "NEP", "RAIN", "SNOW", "PRECIP"))
#: Output order.
_OUTPUT_ORDER = ("GPP", "NPP", "AR", "HR", "NEP", "TOTSOMC", "TOTECOSYSC", "TLAI", "TSA", "PRECIP", "FSDS")

#: Canonical unit of each quantity (conversions by ``io.units``).
_CANONICAL = {"carbon_flux": "g m-2 s-1", "carbon_stock": "g m-2", "lai": "1", "temperature": "K",
              "water_flux": "kg m-2 s-1", "radiation": "W m-2"}
_UNIT_HINT = {
    "carbon_flux": "gC/m^2/s (CLM) or kg m-2 s-1 (CMIP)",
    "carbon_stock": "gC/m^2 (CLM) or kg m-2 (CMIP)",
    "lai": "m^2/m^2",
    "temperature": "K",
    "water_flux": "mm/s or kg m-2 s-1",
    "radiation": "W/m^2",
}

#: 1-D output level -> (lat variable, lon variable, weight variable or None). CTSM histFileMod.F90.
_LEVELS: dict[str, tuple[str, str, str | None]] = {
    "lndgrid": ("lat", "lon", None),
    "gridcell": ("grid1d_lat", "grid1d_lon", None),
    "landunit": ("land1d_lat", "land1d_lon", "land1d_wtgcell"),
    "column": ("cols1d_lat", "cols1d_lon", "cols1d_wtgcell"),
    "pft": ("pfts1d_lat", "pfts1d_lon", "pfts1d_wtgcell"),
}

#: Values at or above this magnitude are fill values (CLM spval = 1e36, CMIP 1e20).
_FILL_GUARD = 1.0e19
#: Two grid coordinates closer than this [degrees] are the same.
_COORD_TOL = 1.0e-4
#: Coverage of a year may fall short of its length by this much [s] and still count as complete.
_COVER_TOL_S = 1.0


# --------------------------------------------------------------------------------------------
# Per-file reading
# --------------------------------------------------------------------------------------------


@dataclass
class _FileData:
    path: str
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    calendar: str
    start: list  # cftime datetimes, one per record
    end: list
    fields: dict[str, NDArray[np.float64]] = field(default_factory=dict)  # name -> (nt, nlat, nlon)
    sources: dict[str, str] = field(default_factory=dict)  # name -> "VAR [units]"
    area: NDArray[np.float64] | None = None  # (nlat, nlon) m2 of the cell (not yet x landfrac)
    landfrac: NDArray[np.float64] | None = None  # (nlat, nlon), fraction


def _open(path: str) -> xr.Dataset:
    if not Path(path).is_file():
        raise InputError(path, "file not found", "check the path of the history file")
    try:
        return xr.open_dataset(path, decode_times=False, decode_timedelta=False)
    except (OSError, ValueError, RuntimeError) as exc:
        raise InputError(
            path,
            f"cannot be opened as NetCDF ({type(exc).__name__}: {exc})",
            "re-copy or regenerate the file (it is corrupt or not NetCDF)",
        ) from None


def _values(da: xr.DataArray) -> NDArray[np.float64]:
    v = np.asarray(da.values, dtype=np.float64)
    return np.where(np.abs(v) >= _FILL_GUARD, np.nan, v)


def _grid(ds: xr.Dataset, path: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the target grid of a file: its (lat, lon) axes, or the axes spanned by its 1-D cells."""
    if "lat" in ds.dims and "lon" in ds.dims and ds["lat"].dims == ("lat",) and ds["lon"].dims == ("lon",):
        return _values(ds["lat"]), _values(ds["lon"])
    for dim, (vlat, vlon, _) in _LEVELS.items():
        if dim in ds.dims and vlat in ds.variables and vlon in ds.variables:
            lat = np.round(_values(ds[vlat]), 5)
            lon = np.round(_values(ds[vlon]), 5)
            ok = np.isfinite(lat) & np.isfinite(lon)
            return np.unique(lat[ok]), np.unique(lon[ok])
    raise InputError(
        path,
        "no recognisable grid (neither lat/lon axes nor lndgrid/gridcell/pft coordinates)",
        "give CLM history or CMIP files with their coordinate variables",
    )


def _index(
    axis: NDArray[np.float64], x: NDArray[np.float64], lon: bool, path: str, what: str
) -> NDArray[np.intp]:
    """Return the index on ``axis`` of each coordinate ``x`` (longitudes compared modulo 360)."""
    a = np.mod(axis, 360.0) if lon else axis
    xx = np.mod(x, 360.0) if lon else x
    order = np.argsort(a)
    sa = a[order]
    j = np.searchsorted(sa, xx)
    # candidates: the neighbours on each side, and (longitude) the two ends for the wrap-around
    cand = np.stack(
        [
            np.clip(j - 1, 0, sa.size - 1),
            np.clip(j, 0, sa.size - 1),
            np.zeros_like(j),
            np.full_like(j, sa.size - 1),
        ],
        axis=1,
    )
    d = np.abs(xx[:, None] - sa[cand])
    if lon:
        d = np.minimum(d, 360.0 - d)
    best = np.argmin(d, axis=1)
    i = order[cand[np.arange(x.size), best]]
    bad = ~(d[np.arange(x.size), best] < _COORD_TOL)
    if bad.any():
        raise InputError(
            path,
            f"1-D cell coordinate {x[bad][0]:g} is not on the file's {what} axis",
            "give a file whose 1-D cells lie on its lat/lon grid",
            variable=what,
        )
    return i


def _to_grid(
    da: xr.DataArray, ds: xr.Dataset, lat: NDArray[np.float64], lon: NDArray[np.float64], path: str, name: str
) -> NDArray[np.float64]:
    """Map a variable to (nt, nlat, nlon); a variable without a time dim gets nt = 1."""
    if "time" not in da.dims:
        da = da.expand_dims("time")
    other = [d for d in da.dims if d != "time"]
    if sorted(other) == ["lat", "lon"]:
        return _values(da.transpose("time", "lat", "lon"))
    if len(other) == 1 and other[0] in _LEVELS:
        dim = other[0]
        vlat, vlon, vw = _LEVELS[dim]
        if vlat not in ds.variables or vlon not in ds.variables:
            raise InputError(
                path,
                f"1-D variable on '{dim}' without {vlat}/{vlon}",
                "write the history file with its 1-D coordinate variables",
                variable=name,
            )
        v = _values(da.transpose("time", dim))
        clat, clon = _values(ds[vlat]), _values(ds[vlon])
        placed = np.isfinite(clat) & np.isfinite(clon)  # entries without coordinates are skipped
        k = np.zeros(clat.size, dtype=np.intp)
        k[placed] = _index(lat, clat[placed], False, path, "lat") * lon.size + _index(
            lon, clon[placed], True, path, "lon"
        )
        if vw is not None and vw in ds.variables:
            wda = ds[vw]
            w = _values(wda.transpose("time", dim)) if "time" in wda.dims else _values(wda)[None, :]
            w = np.broadcast_to(w, v.shape)
        else:
            w = np.ones_like(v)
        ok = np.isfinite(v) & np.isfinite(w) & (w > 0.0) & placed[None, :]
        num = np.zeros((v.shape[0], lat.size * lon.size))
        den = np.zeros_like(num)
        np.add.at(num, (slice(None), k), np.where(ok, v * w, 0.0))
        np.add.at(den, (slice(None), k), np.where(ok, w, 0.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(den > 0.0, num / np.where(den > 0.0, den, 1.0), np.nan)
        return out.reshape(v.shape[0], lat.size, lon.size)
    raise InputError(
        path,
        f"unexpected dimensions {tuple(da.dims)}",
        "give grid-cell (or pft/column) output with dims (time, lat, lon) or (time, lndgrid)",
        variable=name,
    )


def _intervals(ds: xr.Dataset, path: str) -> tuple[str, list, list]:
    """Return the calendar and the interval start and end (cftime) of each record (module docstring)."""
    if "time" not in ds.variables or "units" not in ds["time"].attrs:
        raise InputError(
            path,
            "no time variable with units",
            "give CLM history or CMIP files with a CF time axis",
            variable="time",
        )
    t = ds["time"]
    units = t.attrs["units"]
    cal = str(t.attrs.get("calendar", "standard")).lower()
    cal = "standard" if cal == "gregorian" else cal
    tv = np.atleast_1d(np.asarray(t.values, dtype=np.float64))
    try:
        times = list(np.atleast_1d(cftime.num2date(tv, units, cal)))
    except (ValueError, TypeError) as exc:
        raise InputError(
            path, f"cannot decode time ({exc})", "fix the units/calendar attributes of time", variable="time"
        ) from None
    bname = t.attrs.get("bounds")
    if bname not in ds.variables:
        bname = next((b for b in ("time_bounds", "time_bnds") if b in ds.variables), None)
    if bname is not None:
        b = np.asarray(ds[bname].values, dtype=np.float64).reshape(-1, 2)
        bunits = ds[bname].attrs.get("units", units)
        start = list(np.atleast_1d(cftime.num2date(b[:, 0], bunits, cal)))
        end = list(np.atleast_1d(cftime.num2date(b[:, 1], bunits, cal)))
        return cal, start, end
    # No bounds. Regular sub-monthly step: records average [t - dt, t).
    if len(times) >= 2:
        steps = {(b - a).total_seconds() for a, b in zip(times[:-1], times[1:], strict=True)}
        if len(steps) == 1 and 0.0 < steps.pop() < 27 * CONST.secspday:
            step = times[1] - times[0]
            return cal, [x - step for x in times], list(times)
    # CLM monthly h0 quirk: stamped at 00:00 on the 1st of the month after the one averaged.
    if all(x.day == 1 and x.hour == 0 and x.minute == 0 and x.second == 0 for x in times):
        start = [
            cftime.datetime(x.year - (x.month == 1), (x.month - 2) % 12 + 1, 1, calendar=cal) for x in times
        ]
        return cal, start, list(times)
    raise InputError(
        path,
        "cannot tell the averaging interval of each record (no time_bounds, irregular stamps)",
        "keep time_bounds in the history files",
        variable="time",
    )


def _read_file(path: str) -> _FileData:
    ds = _open(path)
    with ds:
        lat, lon = _grid(ds, path)
        found: dict[str, tuple[str, str]] = {}
        for table in (_CLM_VARS, _CMIP_VARS):
            for var, (name, qty) in table.items():
                if var in ds.data_vars and name not in found:
                    found[name] = (var, qty)
        has_aux = any(v in ds.variables for v in ("areacella", "sftlf"))
        if not found and not has_aux:
            raise InputError(
                path,
                "no recognisable carbon variable (GPP, NPP, HR, NEP or CMIP gpp, npp, rh, nep)",
                "give CLM5 history (h0/h1) or CMIP land output files",
            )
        data = _FileData(path=path, lat=lat, lon=lon, calendar="", start=[], end=[])
        if found:
            data.calendar, data.start, data.end = _intervals(ds, path)
        for name, (var, qty) in found.items():
            da = ds[var]
            units = str(da.attrs.get("units", ""))
            try:
                conv = units_layer.conversion(units, _CANONICAL[qty], path, var)
            except InputError:
                raise InputError(
                    path, f"unknown units '{units}'", f"expected {_UNIT_HINT[qty]}", variable=var
                ) from None
            v = _to_grid(da, ds, lat, lon, path, var)
            if v.shape[0] != len(data.start):
                raise InputError(
                    path, "variable has no time dimension", "give time-varying history output", variable=var
                )
            data.fields[name] = v * conv[0] + conv[1]
            data.sources[name] = f"{var} [{units}]"
        data.area, data.landfrac = _area(ds, lat, lon, path)
    return data


def _area(
    ds: xr.Dataset, lat: NDArray[np.float64], lon: NDArray[np.float64], path: str
) -> tuple[NDArray[np.float64] | None, NDArray[np.float64] | None]:
    area = frac = None
    for var, default in (("area", "km2"), ("areacella", "m2")):
        if var in ds.variables:
            units = str(ds[var].attrs.get("units", default))
            try:
                scale, _ = units_layer.conversion(units, "m2", path, var)
            except InputError:
                raise InputError(
                    path,
                    f"unknown units '{units}'",
                    "expected km^2 (CLM area) or m2 (areacella)",
                    variable=var,
                ) from None
            area = _to_grid(ds[var], ds, lat, lon, path, var)[0] * scale
            break
    if "landfrac" in ds.variables:
        frac = _to_grid(ds["landfrac"], ds, lat, lon, path, "landfrac")[0]
    elif "sftlf" in ds.variables:
        scale, _ = units_layer.conversion(str(ds["sftlf"].attrs.get("units", "%")), "1", path, "sftlf")
        frac = _to_grid(ds["sftlf"], ds, lat, lon, path, "sftlf")[0] * scale
    return area, frac


def _grid_area(lat: NDArray[np.float64], lon: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """Return spherical cell areas [m2] of a regular grid (edges half-way between centres), or None."""
    if lat.size < 2 or lon.size < 2:
        return None
    dlat, dlon = np.diff(lat), np.diff(lon)
    if not (np.allclose(dlat, dlat[0]) and np.allclose(dlon, dlon[0])):
        return None
    edges = np.deg2rad(np.clip(np.concatenate(([lat[0] - dlat[0] / 2], lat + dlat[0] / 2)), -90.0, 90.0))
    band = np.abs(np.diff(np.sin(edges)))
    return CONST.earth_radius**2 * np.deg2rad(abs(dlon[0])) * band[:, None] * np.ones(lon.size)[None, :]


# --------------------------------------------------------------------------------------------
# Public reader
# --------------------------------------------------------------------------------------------


def read_clm_history(paths: list[str] | list[PathLike] | str | PathLike) -> xr.Dataset:
    """Read CLM5 history (or CMIP land) files into annual carbon budgets on a regular grid.

    Parameters
    ----------
    paths : list of str or PathLike
        History files (``*.clm2.h0.YYYY-MM.nc``, ``h0a``, ``h1`` ...; or CMIP ``gpp_Lmon_*.nc`` etc.,
        optionally with their ``areacella``/``sftlf`` files), in any order. All must be on one grid
        and one calendar.

    Returns
    -------
    xarray.Dataset
        Dims ``(year, lat, lon)``, only complete years, with (each if available):

        - ``GPP``, ``NPP``, ``AR``, ``HR``, ``NEP`` : annual sums [g C m-2 yr-1]; ``NEP`` is positive for a
          sink, read from the files or computed as ``NPP - HR``;
        - ``TOTSOMC``, ``TOTECOSYSC`` : annual mean stocks [g C m-2];
        - ``TLAI`` : annual mean leaf area index [m2 m-2];
        - ``TSA`` : annual mean 2 m air temperature [K];
        - ``PRECIP`` : annual precipitation, CLM ``RAIN + SNOW`` or CMIP ``pr`` [kg m-2 yr-1];
        - ``FSDS`` : annual mean downward shortwave radiation [W m-2];
        - ``area`` : land area of each cell, ``area`` [km2] × 1e6 × ``landfrac`` [m2] (or ``areacella``
          × ``sftlf``/100; computed from the grid when the files carry no area).

    Raises
    ------
    InputError
        Naming the file: file missing or corrupt, no recognisable carbon variable, unknown units,
        grids or calendars differing between files, or no complete year.

    Warns
    -----
    UserWarning
        For each dropped incomplete year (e.g. a missing month).

    Notes
    -----
    CLM monthly ``h0`` files are stamped at the end of the month they average; ``time_bounds`` is
    used when present, otherwise each record is shifted back one month (see the module docstring).
    Fluxes are integrated with the length of each record's interval in the file's calendar.

    Examples
    --------
    >>> ds = read_clm_history(sorted(glob.glob("run/*.clm2.h0.*.nc")))  # doctest: +SKIP
    >>> ds["NEP"].sel(year=2010)  # doctest: +SKIP
    """
    if isinstance(paths, str | PathLike):
        paths = [paths]
    paths = [str(p) for p in paths]
    if not paths:
        raise InputError(None, "no history files given", "pass at least one CLM history file")
    files = [_read_file(p) for p in paths]

    # one grid, one calendar
    ref = files[0]
    for f in files[1:]:
        if (
            f.lat.shape != ref.lat.shape
            or f.lon.shape != ref.lon.shape
            or not (
                np.allclose(f.lat, ref.lat, atol=_COORD_TOL) and np.allclose(f.lon, ref.lon, atol=_COORD_TOL)
            )
        ):
            raise InputError(
                f.path,
                f"grid ({f.lat.size} lat x {f.lon.size} lon) differs from that of {ref.path} "
                f"({ref.lat.size} x {ref.lon.size})",
                "give files of one case on one grid (regrid them first)",
            )
    timed = [f for f in files if f.fields]
    if not timed:
        raise InputError(
            paths[0], "no recognisable carbon variable", "give CLM5 history or CMIP land output files"
        )
    calendar = timed[0].calendar
    for f in timed[1:]:
        if f.calendar != calendar:
            raise InputError(
                f.path,
                f"calendar '{f.calendar}' differs from '{calendar}' of {timed[0].path}",
                "give files from one run",
                variable="time",
            )
    if not any(n in f.fields for f in timed for n in _CARBON):
        raise InputError(
            paths[0],
            "no recognisable carbon variable (GPP, NPP, HR, NEP or gpp, npp, rh, nep)",
            "give CLM5 history (h0/h1) or CMIP land output files",
        )

    annual, years, sources = _annual(timed, calendar, paths)

    # derived variables
    comments: dict[str, str] = {}
    if "PRECIP" not in annual and "RAIN" in annual and "SNOW" in annual:
        annual["PRECIP"] = annual["RAIN"] + annual["SNOW"]
        sources["PRECIP"] = f"{sources['RAIN']} + {sources['SNOW']}"
    if "NPP" not in annual and "GPP" in annual and "AR" in annual:
        annual["NPP"] = annual["GPP"] - annual["AR"]
        comments["NPP"] = "computed as GPP - AR (no NPP in the files)"
    if "NEP" not in annual and "NPP" in annual and "HR" in annual:
        annual["NEP"] = annual["NPP"] - annual["HR"]
        comments["NEP"] = "computed as NPP - HR (no NEP in the files); positive = sink"

    lat, lon = ref.lat, ref.lon
    out = xr.Dataset(
        coords={
            "year": ("year", np.asarray(years, dtype=np.int64), {"long_name": "calendar year", "units": "1"}),
            "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude"}),
            "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude"}),
        }
    )
    for name in _OUTPUT_ORDER:
        if name not in annual:
            continue
        attrs = _attrs(name)
        if name in sources:
            attrs["source_variable"] = sources[name]
        if name in comments:
            attrs["comment"] = comments[name]
        out[name] = (("year", "lat", "lon"), annual[name], attrs)
    out["area"] = (
        ("lat", "lon"),
        _land_area(files, lat, lon),
        {
            "long_name": "land area of the grid cell (area x landfrac)",
            "units": "m2",
            "standard_name": "cell_area",
        },
    )
    out.attrs.update(
        {
            "source": "CMIP land output"
            if all(_is_cmip(s) for s in sources.values())
            else "CLM history files",
            "calendar": calendar,
            "input_files": len(paths),
            "time_convention": (
                "records assigned to years by their time_bounds (CLM h0 end stamps shifted back "
                "one month when bounds are missing); fluxes summed as flux x interval length in seconds"
            ),
        }
    )
    return out


def _is_cmip(source: str) -> bool:
    return source.split(" ", 1)[0] in _CMIP_VARS


def _attrs(name: str) -> dict[str, str]:
    if name == "TSA":
        return {
            "long_name": "2 m air temperature",
            "standard_name": "air_temperature",
            "units": "K",
            "cell_methods": "time: mean",
        }
    return cf_attrs(name, "annual")


def _annual(
    files: list[_FileData], calendar: str, paths: list[str]
) -> tuple[dict[str, NDArray[np.float64]], list[int], dict[str, str]]:
    """Sum (fluxes) or average (states) records by calendar year; keep only complete years."""
    nlat, nlon = files[0].lat.size, files[0].lon.size
    # per variable: year -> [sum of v*dt, covered seconds]; records deduplicated by interval start
    acc: dict[str, dict[int, list]] = {}
    seen: dict[str, set] = {}
    sources: dict[str, str] = {}
    for f in files:
        dur = [(e - s).total_seconds() for s, e in zip(f.start, f.end, strict=True)]
        yrs = [(s + (e - s) / 2).year for s, e in zip(f.start, f.end, strict=True)]
        for name, v in f.fields.items():
            sources.setdefault(name, f.sources[name])
            per = acc.setdefault(name, {})
            done = seen.setdefault(name, set())
            for i, (s, d, y) in enumerate(zip(f.start, dur, yrs, strict=True)):
                key = (s.year, s.month, s.day, s.hour, s.minute, s.second)
                if key in done:
                    warnings.warn(
                        f"{f.path}: {name}: record starting {s} given twice; the first one is kept",
                        UserWarning,
                        stacklevel=3,
                    )
                    continue
                done.add(key)
                slot = per.setdefault(y, [np.zeros((nlat, nlon)), 0.0])
                slot[0] = slot[0] + v[i] * d
                slot[1] += d

    def year_seconds(y: int) -> float:
        return (
            cftime.datetime(y + 1, 1, 1, calendar=calendar) - cftime.datetime(y, 1, 1, calendar=calendar)
        ).total_seconds()

    all_years = sorted({y for per in acc.values() for y in per})
    where = paths[0] if len(paths) == 1 else f"{paths[0]} (and {len(paths) - 1} more files)"
    years = []
    for y in all_years:
        need = year_seconds(y)
        short = [
            (n, per.get(y, [None, 0.0])[1])
            for n, per in acc.items()
            if per.get(y, [None, 0.0])[1] < need - _COVER_TOL_S
        ]
        if short:
            name, have = short[0]
            warnings.warn(
                f"{where}: {name}: year {y} covers {have / CONST.secspday:g} of "
                f"{need / CONST.secspday:g} days; year dropped (incomplete)",
                UserWarning,
                stacklevel=3,
            )
        else:
            years.append(y)
    if not years:
        raise InputError(
            where,
            f"no complete year in {all_years[0]}-{all_years[-1]} (missing months)",
            "give the history files of every month of at least one year",
        )
    out = {}
    for name, per in acc.items():
        arr = np.stack([per[y][0] for y in years])
        if name not in _FLUXES:
            arr = arr / np.array([per[y][1] for y in years])[:, None, None]
        out[name] = arr
    return out, years, sources


def _land_area(
    files: list[_FileData], lat: NDArray[np.float64], lon: NDArray[np.float64]
) -> NDArray[np.float64]:
    area = next((f.area for f in files if f.area is not None), None)
    frac = next((f.landfrac for f in files if f.landfrac is not None), None)
    if area is None:
        area = _grid_area(lat, lon)
        if area is None:
            warnings.warn(
                f"{files[0].path}: no area variable and an irregular grid; area set to NaN",
                UserWarning,
                stacklevel=3,
            )
            area = np.full((lat.size, lon.size), np.nan)
    if frac is not None:
        area = area * frac
    return area
