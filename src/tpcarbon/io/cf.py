"""Reader of 3-hourly (or hourly) CF-NetCDF / Zarr forcing: any data set with CMOR/CF names and units.

``open_cf_forcing`` turns a glob of NetCDF files (opened lazily with ``xarray.open_mfdataset``) or a Zarr
store into a :class:`~tpcarbon.forcing.stream.ForcingSource` in canonical units
(``tpcarbon.forcing.stream``). Variables are found by name (a user mapping, then the CMOR name, then the
canonical name) and then by CF ``standard_name``:

=====  ===========  ==========================================  ===========================================
name   CMOR         standard_name                               accepted units (converted to canonical)
=====  ===========  ==========================================  ===========================================
temp   tas          air_temperature                             K, degC
shum   huss         specific_humidity                           kg kg-1 (``1``)
pres   ps           surface_air_pressure                        Pa, hPa, kPa
wind   sfcWind      wind_speed                                  m s-1
srad   rsds         surface_downwelling_shortwave_flux_in_air   W m-2
lrad   rlds         surface_downwelling_longwave_flux_in_air    W m-2
prec   pr           precipitation_flux                          kg m-2 s-1, mm s-1, mm h-1
=====  ===========  ==========================================  ===========================================

Time convention: each record stands for the interval **centred** on its stamp (CF: time at the midpoint of
``time_bnds``), as the canonical forcing. Files whose ``time_bnds`` say otherwise (e.g. CMFD's end-stamped
``prec``; use ``tpcarbon.io.cmfd`` for CMFD) are refused. Three-hourly stamps must fall on 00, 03, ... 21 UTC;
hourly stamps (00, 01, ... 23 UTC) are averaged to 3-hourly: the record at ``T`` is the mean of the hourly
records at ``T - 1 h``, ``T``, ``T + 1 h`` (the interval ``[T - 1.5 h, T + 1.5 h)``; at the very first record
of the data set only ``T`` and ``T + 1 h`` exist). The calendar must be the real one (``standard``,
``gregorian``, ``proleptic_gregorian``).

Space: each domain cell takes the nearest grid point of the file's regular 1-D lat/lon grid (0..360 or
-180..180 longitudes, either latitude order); only the bounding box of the domain's cells is read.
"""

from __future__ import annotations

import glob as _glob
import os
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from tpcarbon.errors import InputError
from tpcarbon.forcing.stream import DT_FORCING, FORCING_UNITS, FORCING_VARS, ForcingChunk, month_times
from tpcarbon.io import units as units_layer
from tpcarbon.surface.domain import Domain

#: Canonical name -> (CMOR name, CF standard_name) searched when no mapping is given.
CF_NAMES: dict[str, tuple[str, str]] = {
    "temp": ("tas", "air_temperature"),
    "shum": ("huss", "specific_humidity"),
    "pres": ("ps", "surface_air_pressure"),
    "wind": ("sfcWind", "wind_speed"),
    "srad": ("rsds", "surface_downwelling_shortwave_flux_in_air"),
    "lrad": ("rlds", "surface_downwelling_longwave_flux_in_air"),
    "prec": ("pr", "precipitation_flux"),
}

_REAL_CALENDARS = {"standard", "gregorian", "proleptic_gregorian"}
_HOUR = np.timedelta64(3600, "s")


def _is_zarr(path: str) -> bool:
    p = Path(path)
    return path.rstrip("/").endswith(".zarr") or (
        p.is_dir() and ((p / ".zmetadata").exists() or (p / "zarr.json").exists() or (p / ".zgroup").exists()))


def find_coord(ds: xr.Dataset, names: tuple[str, ...], standard_name: str) -> str | None:
    """Name of the coordinate among ``names``, else of the variable with that CF ``standard_name``, else None."""
    for n in names:
        if n in ds.variables:
            return n
    for n, v in ds.variables.items():
        if v.attrs.get("standard_name") == standard_name:
            return str(n)
    return None


def _nearest(src: np.ndarray, dst: np.ndarray, half: float, periodic: bool) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest ``src`` point to each ``dst`` and whether it lies within ``half`` degrees."""
    values, inverse = np.unique(dst, return_inverse=True)  # a grid has few distinct latitudes/longitudes
    d = src[None, :] - values[:, None]
    if periodic:
        d = np.mod(d + 180.0, 360.0) - 180.0
    d = np.abs(d)
    idx = np.argmin(d, axis=1)
    ok = d[np.arange(values.size), idx] <= half + 1e-6
    return idx[inverse], ok[inverse]


class CFForcingSource:
    """A :class:`~tpcarbon.forcing.stream.ForcingSource` over CF-NetCDF files or a Zarr store.

    Made by :func:`open_cf_forcing`; attributes ``domain`` and ``description``, property ``years`` and
    :meth:`iter_chunks` as the protocol.
    """

    def __init__(self, ds: xr.Dataset, path: str, files: list[Path], domain: Domain,
                 variables: dict[str, tuple[str, float, float, str]], times: NDArray[np.datetime64], step: int,
                 years: tuple[int, int], dims: tuple[str, str, str], box: tuple[slice, slice],
                 cell_rc: tuple[np.ndarray, np.ndarray]):
        self.domain = domain
        self._ds = ds
        self._path = path
        self._files = files
        self._vars = variables
        self._times = times
        self._step = step
        self._years = years
        self._dims = dims
        self._box = box
        self._cell_rc = cell_rc
        kind = "Zarr store" if not files else f"{len(files)} NetCDF file(s)"
        conv = ", ".join(f"{k}<-{v[0]} [{v[3]}]" for k, v in variables.items())
        steps = "hourly averaged to 3-hourly" if step == 3600 else "3-hourly"
        self.description = f"CF forcing {path} ({kind}, {steps}, nearest grid point): {conv}"

    @property
    def years(self) -> tuple[int, int]:
        """First and last complete calendar year (inclusive) available."""
        return self._years

    def close(self) -> None:
        """Close the underlying files."""
        self._ds.close()

    # --------------------------------------------------------------------------------- reading
    def _where(self, var: str, when: np.datetime64) -> str:
        """Return the file holding ``var`` at ``when`` (for messages), or the store path."""
        if not self._files:
            return self._path
        for f in self._files:
            try:
                with xr.open_dataset(f) as one:
                    tname = self._dims[0]
                    if var in one and tname in one.coords:
                        t = one[tname].values.astype("datetime64[s]")
                        if np.any(t == when):
                            return str(f)
            except Exception:  # noqa: BLE001, S112 - best effort for the message only
                continue
        return f"{self._path} (no file holds {var} at {when})"

    def _read(self, canon: str, i0: int, i1: int) -> np.ndarray:
        """Read records ``i0:i1`` of a variable at the domain cells, canonical units, float64 (n, ncell)."""
        name, factor, offset, _ = self._vars[canon]
        tdim, latd, lond = self._dims
        da = self._ds[name].isel({tdim: slice(i0, i1), latd: self._box[0], lond: self._box[1]})
        extra = [d for d in da.dims if d not in self._dims]
        if extra:
            da = da.isel({d: 0 for d in extra})
        box = np.asarray(da.transpose(tdim, latd, lond).values, dtype=np.float64)
        vals = box[:, self._cell_rc[0], self._cell_rc[1]]
        good = np.isfinite(vals).all(axis=1)
        if not good.all():
            k = int(np.argmin(good))
            when = self._times[i0 + k]
            raise InputError(self._where(name, when), f"missing or NaN values at domain cells, first at {when} UTC",
                             "fill the gaps (or exclude these years) before running", variable=name)
        return vals * factor + offset

    def _month(self, year: int, month: int) -> ForcingChunk:
        t = month_times(year, month)
        start = t[0]
        i_start = int(np.searchsorted(self._times, start))
        fields = {}
        if self._step == int(DT_FORCING):
            for k in FORCING_VARS:
                fields[k] = self._read(k, i_start, i_start + t.size)
        else:  # hourly -> mean of T-1h, T, T+1h
            lo = max(i_start - 1, 0)
            hi = i_start + 3 * t.size - 1
            for k in FORCING_VARS:
                h = self._read(k, lo, hi)
                if lo == i_start:  # first record of the data set: T-1h does not exist
                    h = np.concatenate([np.full((1, h.shape[1]), np.nan), h], axis=0)
                h = h.reshape(t.size, 3, -1)
                fields[k] = np.nanmean(h, axis=1) if lo == i_start else h.mean(axis=1)
        f = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in fields.items()}
        return ForcingChunk(time=t, **f)

    def iter_chunks(self, first_year: int, last_year: int) -> Iterator[ForcingChunk]:
        """Yield one chunk per calendar month of ``first_year..last_year``.

        Parameters
        ----------
        first_year, last_year : int
            Inclusive range [calendar year], inside :attr:`years`.

        Yields
        ------
        ForcingChunk
            ``time`` = interval centres 00, 03, ... 21 UTC; fields float32 C-contiguous ``(nt, ncell)`` in
            canonical units (K, kg kg-1, Pa, m s-1, W m-2, W m-2, kg m-2 s-1).

        Raises
        ------
        InputError
            If the years are not available, or a value at a domain cell is missing or NaN (naming the file,
            variable and first bad time).
        """
        y0, y1 = self._years
        if first_year < y0 or last_year > y1 or last_year < first_year:
            raise InputError(self._path, f"years {first_year}-{last_year} requested, the forcing covers {y0}-{y1}",
                             "choose years inside the forcing period or add files", variable="time")
        for year in range(int(first_year), int(last_year) + 1):
            for month in range(1, 13):
                yield self._month(year, month)


# ------------------------------------------------------------------------------------------------ opening
def _open_dataset(path: str) -> tuple[xr.Dataset, list[Path]]:
    coder = xr.coders.CFDatetimeCoder(use_cftime=None, time_unit="s")
    if _is_zarr(path):
        if not Path(path).exists():
            raise InputError(path, "Zarr store not found", "check [forcing] path")
        try:
            with warnings.catch_warnings():  # stores without consolidated metadata are fine (only slower)
                warnings.filterwarnings("ignore", message=".*consolidated metadata.*")
                return xr.open_zarr(path, decode_times=coder), []
        except Exception as exc:  # noqa: BLE001
            raise InputError(path, f"cannot open as Zarr ({type(exc).__name__}: {exc})",
                             "check that the store is complete") from None
    p = Path(path)
    if p.is_dir():
        files = sorted(list(p.glob("*.nc")) + list(p.glob("*.nc4")))
    else:
        files = [Path(f) for f in sorted(_glob.glob(path))]
    if not files:
        raise InputError(path, "no NetCDF files match", "give a glob such as 'forcing/*.nc' or a .zarr store")
    try:
        ds = xr.open_mfdataset(files, combine="by_coords", decode_times=coder, data_vars="minimal",
                               coords="minimal", compat="override", join="outer", chunks={})
    except Exception as exc:  # noqa: BLE001
        raise InputError(path, f"cannot combine the files ({type(exc).__name__}: {exc})",
                         "give files on one grid that tile the time axis") from None
    return ds, files


def _find_variables(ds: xr.Dataset, path: str, mapping: Mapping[str, str] | None
                    ) -> dict[str, tuple[str, float, float, str]]:
    mapping = dict(mapping or {})
    unknown = sorted(set(mapping) - set(FORCING_VARS))
    if unknown:
        raise InputError(path, f"unknown forcing name(s) {unknown} in the mapping",
                         f"map the canonical names {list(FORCING_VARS)} to file variables", variable="mapping")
    out = {}
    for canon in FORCING_VARS:
        cmor, std = CF_NAMES[canon]
        if canon in mapping:
            name = mapping[canon]
            if name not in ds.data_vars:
                raise InputError(path, f"the mapping names {name!r}, which is not in the files",
                                 f"check [forcing] mapping ({canon} = one of {sorted(map(str, ds.data_vars))})",
                                 variable=name)
        elif cmor in ds.data_vars:
            name = cmor
        elif canon in ds.data_vars:
            name = canon
        else:
            hits = [str(n) for n, v in ds.data_vars.items() if v.attrs.get("standard_name") == std]
            if not hits:
                raise InputError(path, f"no variable for {canon} (looked for {cmor!r}, {canon!r} and "
                                 f"standard_name {std!r})", f"add it, or map it: [forcing] mapping {canon} = "
                                 "'<file variable>'", variable=canon)
            name = hits[0]
        raw = ds[name].attrs.get("units")
        units = " ".join(str(raw).split()) if raw is not None else None
        try:
            conv = units_layer.conversion(units, FORCING_UNITS[canon], path, name)
        except InputError:
            raise InputError(path, f"units {units!r} cannot be read as {canon} (canonical {FORCING_UNITS[canon]})",
                             f"give units convertible to {FORCING_UNITS[canon]!r} (udunits spelling) in the units "
                             "attribute", variable=name) from None
        out[canon] = (name, conv[0], conv[1], units)
    return out


def _time_axis(ds: xr.Dataset, path: str) -> tuple[str, NDArray[np.datetime64], int]:
    tname = find_coord(ds, ("time",), "time")
    if tname is None:
        raise InputError(path, "no time coordinate", "give CF files with a decodable time axis", variable="time")
    tv = ds[tname].values
    if not np.issubdtype(tv.dtype, np.datetime64):
        cal = getattr(tv.flat[0], "calendar", "unknown") if tv.size else "unknown"
        raise InputError(path, f"calendar {cal!r} is not the real calendar", "convert the time axis to the "
                         "standard calendar (xarray Dataset.convert_calendar('standard', align_on='date'))",
                         variable=tname)
    times = tv.astype("datetime64[s]")
    if times.size < 2:
        raise InputError(path, "fewer than two time steps", "give at least one month of data", variable=tname)
    dts = np.diff(times).astype(np.int64)
    if np.any(dts <= 0):
        k = int(np.argmax(dts <= 0))
        raise InputError(path, f"time is not strictly increasing at {times[k + 1]} (duplicated or unsorted files)",
                         "remove overlapping files", variable=tname)
    step = int(dts.min())
    if step not in (3600, int(DT_FORCING)):
        raise InputError(path, f"time step is {step} s", "give hourly or 3-hourly data", variable=tname)
    offset = times.astype(np.int64) % step
    if np.any(offset):
        raise InputError(path, f"time stamps such as {times[int(np.argmax(offset != 0))]} are not on the "
                         f"{step // 3600}-hourly grid from 00 UTC", "re-stamp time to the interval centres "
                         "(00, 03, ... 21 UTC for 3-hourly data)", variable=tname)
    bname = ds[tname].attrs.get("bounds") or ds[tname].encoding.get("bounds")
    if bname and bname in ds.variables:
        b = np.asarray(ds[bname].isel({tname: 0}).values).astype("datetime64[s]")
        mid = b[0] + (b[1] - b[0]) / 2
        if mid != times[0]:
            raise InputError(path, f"time stamps are not interval centres ({times[0]} for bounds {b[0]}..{b[1]})",
                             "re-stamp time to the midpoint of its bounds (CF)", variable=tname)
    return tname, times, step


def _complete_years(times: NDArray[np.datetime64], step: int, path: str, tname: str,
                    years: tuple[int, int] | None) -> tuple[int, int]:
    first = int(times[0].astype("datetime64[Y]").astype(int) + 1970)
    last = int(times[-1].astype("datetime64[Y]").astype(int) + 1970)
    dt = np.timedelta64(step, "s")

    def year_range(y0: int, y1: int) -> NDArray[np.datetime64]:
        return np.arange(np.datetime64(f"{y0:04d}-01-01T00:00:00", "s"),
                         np.datetime64(f"{y1 + 1:04d}-01-01T00:00:00", "s"), dt)

    if years is None:
        y0 = first if times[0] == year_range(first, first)[0] else first + 1
        y1 = last if times[-1] == year_range(last, last)[-1] else last - 1
        if y1 < y0:
            raise InputError(path, f"no complete calendar year in {times[0]}..{times[-1]}",
                             "give whole years of data (1 January 00 UTC to 31 December)", variable=tname)
    else:
        y0, y1 = int(years[0]), int(years[1])
    expected = year_range(y0, y1)
    present = np.isin(expected, times)
    if not present.all():
        miss = expected[int(np.argmin(present))]
        month = str(miss.astype("datetime64[M]"))
        raise InputError(path, f"no data for {month} (first missing record {miss} UTC) within {y0}-{y1}",
                         "add the missing files or choose other years", variable=tname)
    return y0, y1


def open_cf_forcing(path: str | os.PathLike, domain: Domain, mapping: Mapping[str, str] | None = None,
                    years: tuple[int, int] | None = None) -> CFForcingSource:
    """Open CF-NetCDF files or a Zarr store of hourly or 3-hourly forcing as a forcing source.

    Parameters
    ----------
    path : str or PathLike
        A glob of NetCDF files (``"forcing/*.nc"``), a single file, a folder of ``*.nc`` files, or a Zarr
        store (``*.zarr`` or a folder holding ``.zmetadata``/``zarr.json``).
    domain : Domain
        Run cells; each takes the nearest grid point of the data (1-D ``lat``/``lon``).
    mapping : mapping of str to str, optional
        Canonical name (``temp shum pres wind srad lrad prec``) -> file variable, for names the defaults
        (CMOR name, canonical name, CF standard_name) do not find.
    years : (int, int), optional
        First and last calendar year to use; every record of these years must be present. Default: all
        complete years of the data (which must have no gap).

    Returns
    -------
    CFForcingSource
        Streams canonical units: temp [K], shum [kg kg-1], pres [Pa], wind [m s-1], srad and lrad [W m-2],
        prec [kg m-2 s-1] (from K/degC, Pa/hPa/kPa, kg m-2 s-1 / mm s-1 / mm h-1).

    Raises
    ------
    InputError
        No files, a variable not found, units that cannot be converted, a non-real calendar, stamps that are
        not interval centres, missing months, or a grid that does not cover the domain (naming the file).
    """
    path = str(path)
    ds, files = _open_dataset(path)
    try:
        variables = _find_variables(ds, path, mapping)
        tname, times, step = _time_axis(ds, path)
        y0, y1 = _complete_years(times, step, path, tname, years)
        latn = find_coord(ds, ("lat", "latitude", "nav_lat"), "latitude")
        lonn = find_coord(ds, ("lon", "longitude", "nav_lon"), "longitude")
        if latn is None or lonn is None or ds[latn].ndim != 1 or ds[lonn].ndim != 1:
            raise InputError(path, "no 1-D lat/lon coordinates", "regrid the forcing to a regular lat/lon grid",
                             variable="lat")
        for canon, (name, *_rest) in variables.items():
            dims = set(ds[name].dims)
            if not {tname, latn, lonn} <= dims or any(ds[name].sizes[d] != 1 for d in dims - {tname, latn, lonn}):
                raise InputError(path, f"{canon} has dims {ds[name].dims}, expected ({tname}, {latn}, {lonn})",
                                 "give (time, lat, lon) fields", variable=name)
        lat = np.asarray(ds[latn].values, dtype=np.float64)
        lon = np.asarray(ds[lonn].values, dtype=np.float64)
        half_lat = 0.5 * float(np.median(np.abs(np.diff(lat)))) if lat.size > 1 else 0.5 * domain.grid.res
        lon_sorted = np.sort(np.mod(lon, 360.0))
        half_lon = 0.5 * float(np.median(np.diff(lon_sorted))) if lon.size > 1 else 0.5 * domain.grid.res
        ri, rok = _nearest(lat, domain.lat, half_lat, periodic=False)
        ci, cok = _nearest(lon, domain.lon, half_lon, periodic=True)
        if not (rok.all() and cok.all()):
            k = int(np.argmin(rok & cok))
            where = files[0] if files else path
            raise InputError(where, f"the grid ({lat.min():.2f}..{lat.max():.2f}N, {lon.min():.2f}..{lon.max():.2f}E) "
                             f"does not cover the domain cell at {domain.lat[k]:.3f}N {domain.lon[k]:.3f}E",
                             "give forcing covering the whole region (or shrink [region])", variable=latn)
        box = (slice(int(ri.min()), int(ri.max()) + 1), slice(int(ci.min()), int(ci.max()) + 1))
        cell_rc = (ri - int(ri.min()), ci - int(ci.min()))
    except BaseException:
        ds.close()
        raise
    return CFForcingSource(ds, path, files, domain, variables, times, step, (y0, y1), (tname, latn, lonn), box,
                           cell_rc)
