"""CMFD files: write the default forcing in CMFD's layout, read and check CMFD folders.

Layout (``data_formats.md`` §1.2): one NetCDF file per variable and month,
``<Dir>/<var>_CMFD_V0106_B-01_03hr_010deg_YYYYMM.nc`` (``010deg`` = 0.1°; the embedded default,
written on the run grid, says its own spacing, e.g. ``100deg`` at 1°) with ``Dir`` in
``Temp SHum Pres Wind SRad LRad Prec``; v2.0 (``V0200``) and the older
``ITPCAS-CMFD`` spelling, gzip-free, with or without sub-folders, are read too. Dims
``(time, lat, lon)``, 8 steps a day from 00 UTC, both axes ascending (descending
latitude is flipped).

Conventions the reader applies (§1.1, §1.4): ``prec`` in mm hr-1 (v1.06) or kg m-2 s-1
(v2.0, read from the ``units`` attribute) is the mean over the 3 h *ending* at the stamp,
re-centred to the model's interval centres by ``(p(t) + p(t + 3 h)) / 2`` (total
conserved; the month's last value uses the next month's first record when that file
exists); ``srad``/``lrad`` are stamp-centred means and the state variables instantaneous,
taken as they are. ``shum`` is capped at saturation (as CoLM does). A finer file grid
(0.1° data, coarser run) is averaged area-conservatively onto the run grid.

Bad input stops with one line naming the file and the fix: a missing month or variable,
unknown units, values outside physical ranges, missing data at a simulated cell.
Isolated missing records (at most 2 consecutive) are filled by linear interpolation in
time and counted in the source's ``description``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from tpcarbon.errors import InputError
from tpcarbon.forcing.stream import FORCING_UNITS, FORCING_VARS, ForcingChunk, month_times
from tpcarbon.io import units as units_layer
from tpcarbon.io.writers import atomic_path
from tpcarbon.surface.domain import Domain
from tpcarbon.surface.grid import Grid

#: Sub-folder of each variable in the CMFD distribution.
CMFD_DIRS = {"temp": "Temp", "shum": "SHum", "pres": "Pres", "wind": "Wind", "srad": "SRad", "lrad": "LRad",
             "prec": "Prec"}
#: File-name pattern the reader accepts (data_formats.md §1.2).
CMFD_PATTERN = re.compile(r"^(?P<var>temp|shum|pres|wind|srad|lrad|prec)_(ITPCAS-)?CMFD_V0(?P<ver>106|200)_B-01_03hr_"
                          r"(?P<res>\d{3})deg_(?P<ym>\d{6})\.nc$")
#: Physical ranges (canonical units) outside of which a value is an error, not weather.
VALID_RANGE = {"temp": (180.0, 340.0), "shum": (0.0, 0.06), "pres": (3.0e4, 1.1e5), "wind": (0.0, 75.0),
               "srad": (0.0, 1500.0), "lrad": (40.0, 650.0), "prec": (0.0, 0.1)}
_TIME_UNITS = "hours since 1900-01-01 00:00:00"


def resolution_tag(res: float) -> str:
    """The grid-spacing part of a CMFD name: hundredths of a degree, 3 digits (0.1 -> ``010``, 1 -> ``100``).

    Examples
    --------
    >>> [resolution_tag(r) for r in (0.1, 0.25, 0.5, 1.0)]
    ['010', '025', '050', '100']
    """
    return f"{round(res * 100):03d}"


def cmfd_filename(var: str, year: int, month: int, res: float | str = 0.1) -> str:
    """CMFD v1.06 file name, e.g. ``temp_CMFD_V0106_B-01_03hr_010deg_197901.nc``.

    ``res`` is the grid spacing [degrees] (or its 3-digit tag): CMFD itself is 0.1°; the embedded
    default forcing is written on the run grid and named after its spacing (``100deg`` at 1°).
    """
    tag = res if isinstance(res, str) else resolution_tag(res)
    return f"{var}_CMFD_V0106_B-01_03hr_{tag}deg_{year:04d}{month:02d}.nc"


def _tag_of(index: dict) -> str:
    """The resolution tag of a folder's files (for the names of missing ones)."""
    for p in index.values():
        mt = CMFD_PATTERN.match(p.name)
        if mt:
            return mt["res"]
    return "010"


# ------------------------------------------------------------------------------------------ writing
def write_cmfd_month(folder: str | Path, var: str, year: int, month: int, lat: NDArray, lon: NDArray,
                     data: NDArray, units: str, description: str = "", res: float | None = None) -> Path:
    """Write one CMFD-layout file (``data`` shape (nt, nlat, nlon), float32) atomically.

    Its name carries the grid spacing ``res`` [degrees] (default: the spacing of ``lat``).
    """
    import netCDF4

    folder = Path(folder) / CMFD_DIRS[var]
    folder.mkdir(parents=True, exist_ok=True)
    if res is None:
        res = float(np.median(np.abs(np.diff(lat)))) if np.size(lat) > 1 else 0.1
    path = folder / cmfd_filename(var, year, month, res)
    t = month_times(year, month)
    hours = (t - np.datetime64("1900-01-01T00:00:00", "s")).astype(np.int64) / 3600.0
    with atomic_path(path) as tmp:
        with netCDF4.Dataset(tmp, "w", format="NETCDF4") as nc:
            nc.createDimension("time", None)
            nc.createDimension("lat", lat.size)
            nc.createDimension("lon", lon.size)
            v = nc.createVariable("time", "f8", ("time",))
            v.units, v.calendar, v.standard_name = _TIME_UNITS, "standard", "time"
            v[:] = hours
            v = nc.createVariable("lat", "f4", ("lat",))
            v.units, v.standard_name = "degrees_north", "latitude"
            v[:] = lat
            v = nc.createVariable("lon", "f4", ("lon",))
            v.units, v.standard_name = "degrees_east", "longitude"
            v[:] = lon
            v = nc.createVariable(var, "f4", ("time", "lat", "lon"), zlib=True, complevel=1,
                                  chunksizes=(min(8, t.size), lat.size, lon.size), fill_value=np.float32(1e20))
            v.units = units
            v.missing_value = np.float32(1e20)
            v[:] = data
            nc.title = f"{var} in CMFD layout"
            if description:
                nc.source = description
                nc.comment = "SYNTHETIC: generated weather, not observations"
    return path


def write_default_forcing(folder: str | Path, grid: Grid, years: tuple[int, int], generator,
                          progress: bool = True) -> list[Path]:
    """Write the embedded default weather for the whole ``grid`` in CMFD layout.

    Skips the work when ``folder/generated.json`` records the same generator, grid and
    years (idempotent; resumable month by month otherwise).
    """
    from tqdm.auto import tqdm

    from tpcarbon.forcing.generator import CMFD_UNITS
    from tpcarbon.surface.default import aggregate_to_grid

    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(folder, f"cannot create the forcing folder ({exc.strerror})",
                         "choose a writable output folder (--out)") from None
    stamp = {"generator": generator.description, "seed": generator.seed, "t0": generator.t0, "p0": generator.p0,
             "bbox": grid.bbox, "res": grid.res, "years": list(years)}
    marker = folder / "generated.json"
    files = [folder / CMFD_DIRS[v] / cmfd_filename(v, y, m, grid.res) for y in range(years[0], years[1] + 1)
             for m in range(1, 13) for v in FORCING_VARS]
    if marker.exists() and json.loads(marker.read_text()) == json.loads(json.dumps(stamp)):
        return files
    elev, _ = aggregate_to_grid(grid)
    lat2, lon2 = np.meshgrid(grid.lat, grid.lon, indexing="ij")
    months = [(y, m) for y in range(years[0], years[1] + 1) for m in range(1, 13)]
    for y, m in tqdm(months, desc="default forcing", unit="month", disable=not progress, leave=False):
        if all((folder / CMFD_DIRS[v] / cmfd_filename(v, y, m, grid.res)).exists() for v in FORCING_VARS) \
                and marker.exists():
            continue
        out = generator.generate_month(y, m, lat2.ravel(), lon2.ravel(), np.nan_to_num(elev.ravel(), nan=4000.0))
        for v in FORCING_VARS:
            write_cmfd_month(folder, v, y, m, grid.lat, grid.lon, out[v].reshape((-1,) + grid.shape),
                             CMFD_UNITS[v], generator.description, res=grid.res)
    with atomic_path(marker) as tmp:
        tmp.write_text(json.dumps(stamp))
    return files


# ------------------------------------------------------------------------------------------ reading
def _candidate_files(folder: Path) -> list[Path]:
    """The files of ``folder`` itself and of its CMFD variable sub-folders (``Temp/``, ``Prec/`` ...; any case).

    Other sub-folders (an old download, a backup copy, the Zarr cache) are not searched.
    """
    wanted = {d.lower() for d in CMFD_DIRS.values()}
    places = [folder] + [d for d in sorted(folder.iterdir()) if d.is_dir() and d.name.lower() in wanted]
    return [p for place in places for p in sorted(place.glob("*.nc*")) if p.is_file()]


def index_folder(folder: str | Path) -> dict[tuple[str, int, int], Path]:
    """Map ``(var, year, month)`` to the CMFD file in ``folder`` or its variable sub-folders (``Temp/`` ...)."""
    folder = Path(folder)
    if not folder.exists():
        raise InputError(folder, "forcing folder not found", "give the folder holding the CMFD files ([forcing] path)")
    if not folder.is_dir():
        raise InputError(folder, "is a file, not a folder of CMFD files",
                         "give the folder holding the CMFD files ([forcing] path)")
    index: dict[tuple[str, int, int], Path] = {}
    for p in _candidate_files(folder):
        if p.name.endswith(".gz"):
            raise InputError(p, "gzipped CMFD file", "gunzip the files first (gunzip -r FOLDER)")
        mt = CMFD_PATTERN.match(p.name)
        if mt:
            ym = mt["ym"]
            key = (mt["var"], int(ym[:4]), int(ym[4:]))
            if key in index:
                raise InputError(p, f"a second file for {key[0]} {key[1]}-{key[2]:02d} (also {index[key]})",
                                 "keep one file per variable and month", variable=key[0])
            index[key] = p
    if not index:
        deeper = next((p.parent for p in folder.rglob("*.nc") if CMFD_PATTERN.match(p.name)), None)
        hint = f"; there are some in {deeper}: point [forcing] path there" if deeper is not None else ""
        raise InputError(folder, "no CMFD files found (names like temp_CMFD_V0106_B-01_03hr_010deg_197901.nc, "
                         f"in the folder or its Temp/ SHum/ Pres/ Wind/ SRad/ LRad/ Prec/ sub-folders){hint}",
                         "point [forcing] path at the CMFD folder, or use source = \"cf\" for other NetCDF")
    return index


def _units_factor(path: Path, var: str, units: str | None) -> tuple[float, float]:
    """(scale, offset) converting a CMFD variable to canonical units (``io.units``); InputError when unknown."""
    return units_layer.conversion(units, FORCING_UNITS[var], path, var)


def _file_times(nc, path: Path) -> NDArray[np.datetime64]:
    """The decoded ``time`` of an open CMFD file (datetime64[s]); InputError when it cannot be decoded."""
    import netCDF4

    tv = nc.variables["time"]
    try:
        dates = netCDF4.num2date(tv[:], tv.units, getattr(tv, "calendar", "standard"),
                                 only_use_cftime_datetimes=False, only_use_python_datetimes=True)
        return np.array([np.datetime64(d.replace(microsecond=0), "s") for d in dates])
    except (AttributeError, ValueError, TypeError) as exc:
        raise InputError(path, f"time axis cannot be decoded ({exc})",
                         "give CF time units such as 'hours since 1900-01-01'", variable="time") from None


class CmfdSource:
    """A ``ForcingSource`` reading a CMFD folder month by month for a domain (see the module docstring)."""

    def __init__(self, folder: str | Path, domain: Domain, years: tuple[int, int] | None = None):
        self.folder = Path(folder)
        self.domain = domain
        self._index = index_folder(self.folder)
        found = sorted({(y, m) for (_, y, m) in self._index})
        if years is None:
            years = (found[0][0], found[-1][0])
        self._years = (int(years[0]), int(years[1]))
        self._check_complete()
        self._mapping: tuple | None = None
        self.filled_records = 0
        first = self._index[("temp", self._years[0], 1)]
        synthetic = self._is_synthetic(first)
        self.description = (f"{'SYNTHETIC default weather in ' if synthetic else ''}CMFD files in {self.folder}"
                            + (f" ({synthetic})" if synthetic else ""))

    @staticmethod
    def _is_synthetic(path: Path) -> str:
        import netCDF4

        try:
            with netCDF4.Dataset(path) as nc:
                return str(getattr(nc, "source", "")) if "SYNTHETIC" in str(getattr(nc, "comment", "")) else ""
        except OSError:  # reported with the file and the fix when the month is read
            return ""

    @property
    def years(self) -> tuple[int, int]:
        """First and last year available."""
        return self._years

    def _check_complete(self) -> None:
        for y in range(self._years[0], self._years[1] + 1):
            for m in range(1, 13):
                for v in FORCING_VARS:
                    if (v, y, m) not in self._index:
                        raise InputError(self.folder / CMFD_DIRS[v] / cmfd_filename(v, y, m, _tag_of(self._index)),
                                         f"missing CMFD file for {v} {y}-{m:02d}",
                                         "download the missing month or shorten [years] / --years", variable=v)

    def _cell_mapping(self, path: Path, lat: NDArray, lon: NDArray):
        """How to take the domain's cells from a file grid: nearest cell, or area average of a finer grid."""
        d = self.domain
        res_file = float(np.median(np.abs(np.diff(lat)))) if lat.size > 1 else d.grid.res
        s, n, w, e = d.grid.bbox
        if (lat.min() - res_file / 2 > d.lat.min() + 1e-6 or lat.max() + res_file / 2 < d.lat.max() - 1e-6
                or lon.min() - res_file / 2 > d.lon.min() + 1e-6 or lon.max() + res_file / 2 < d.lon.max() - 1e-6):
            raise InputError(path, f"file grid {lat.min():.2f}-{lat.max():.2f}N {lon.min():.2f}-{lon.max():.2f}E "
                             f"does not cover the region {s}-{n}N {w}-{e}E",
                             "use forcing that covers the region, or shrink [region] bbox")
        if res_file < d.grid.res * 0.75:
            from tpcarbon.surface.regrid import Regridder

            rows = np.nonzero((lat >= s - res_file) & (lat <= n + res_file))[0]
            cols = np.nonzero((lon >= w - res_file) & (lon <= e + res_file))[0]
            rg = Regridder(lat[rows], lon[cols], d.grid.lat, d.grid.lon)
            return ("regrid", rows, cols, rg)
        ri = np.abs(lat[:, None] - d.lat[None, :]).argmin(axis=0)
        ci = np.abs(lon[:, None] - d.lon[None, :]).argmin(axis=0)
        return ("nearest", ri, ci, None)

    def _read(self, var: str, year: int, month: int, only_first: bool = False) -> NDArray:
        """One variable-month at the domain cells in canonical units (nt, ncell), float64, NaN for missing."""
        import netCDF4

        path = self._index[(var, year, month)]
        try:
            nc = netCDF4.Dataset(path)
        except OSError as exc:
            raise InputError(path, f"cannot be opened as NetCDF ({exc.strerror or exc})",
                             "re-download the file (it is corrupt or truncated)", variable=var) from None
        with nc:
            if var not in nc.variables:
                raise InputError(path, f"variable '{var}' not in the file (has {', '.join(nc.variables)})",
                                 "give the CMFD file of this variable", variable=var)
            v = nc.variables[var]
            v.set_auto_maskandscale(True)
            lat = np.asarray(nc.variables["lat"][:], dtype=np.float64)
            lon = np.asarray(nc.variables["lon"][:], dtype=np.float64)
            flip = lat.size > 1 and lat[0] > lat[-1]
            if flip:
                lat = lat[::-1]
            key = (lat.tobytes(), lon.tobytes())
            if self._mapping is None or self._mapping[0] != key:
                self._mapping = (key, self._cell_mapping(path, lat, lon))
            kind, a, b, rg = self._mapping[1]
            nt = v.shape[0]
            expected = month_times(year, month).size
            if nt != expected:
                raise InputError(path, f"{nt} time steps, expected {expected} (3-hourly for {year}-{month:02d})",
                                 "re-download the file; CMFD months hold 8 steps a day", variable=var)
            if "time" in nc.variables:
                got = _file_times(nc, path)
                want = month_times(year, month)
                if got.shape != want.shape or np.any(np.abs(got - want) > np.timedelta64(60, "s")):
                    bad = int(np.argmax(np.abs(got - want) > np.timedelta64(60, "s")))
                    raise InputError(path, f"time step {bad} is {got[bad]}, expected {want[bad]} (3-hourly from "
                                     "00 UTC, no duplicates)", "re-download or repair the file", variable="time")
            tsel = slice(0, 1) if only_first else slice(None)
            scale, offset = _units_factor(path, var, getattr(v, "units", None))
            try:
                if kind == "nearest":
                    raw = np.ma.filled(v[tsel].astype(np.float64), np.nan)
                    if flip:
                        raw = raw[:, ::-1]
                    data = raw[:, a, b]
                else:
                    raw = np.ma.filled(v[tsel].astype(np.float64), np.nan)
                    if flip:
                        raw = raw[:, ::-1]
                    sub = raw[:, a][:, :, b]
                    data = np.stack([rg(s) for s in sub])[:, self.domain.rows, self.domain.cols]
            except (OSError, RuntimeError, IndexError) as exc:
                raise InputError(path, f"cannot be read ({exc})", "re-download the file (it is corrupt or truncated)",
                                 variable=var) from None
        data = data * scale + offset
        data[np.abs(data) > 1e15] = np.nan
        return data

    def _fill_and_check(self, var: str, year: int, month: int, data: NDArray) -> NDArray:
        path = self._index[(var, year, month)]
        bad = ~np.isfinite(data)
        if bad.any():
            allbad = bad.all(axis=0)
            if allbad.any():
                i = int(np.nonzero(allbad)[0][0])
                raise InputError(path, f"no data at the simulated cell {self.domain.lat[i]:.2f}N "
                                 f"{self.domain.lon[i]:.2f}E ({int(allbad.sum())} cells)",
                                 "remove those cells with [region] mask, or use forcing that covers them", variable=var)
            run = bad.copy()
            longest = np.zeros(bad.shape[1], dtype=np.int64)
            cur = np.zeros(bad.shape[1], dtype=np.int64)
            for k in range(bad.shape[0]):
                cur = np.where(run[k], cur + 1, 0)
                longest = np.maximum(longest, cur)
            if longest.max() > 2:
                i = int(np.argmax(longest))
                raise InputError(path, f"{int(longest.max())} consecutive missing records at "
                                 f"{self.domain.lat[i]:.2f}N {self.domain.lon[i]:.2f}E",
                                 "fill the gap in the file or mask the cell out", variable=var)
            t = np.arange(data.shape[0], dtype=np.float64)
            for c in np.nonzero(bad.any(axis=0))[0]:
                ok = ~bad[:, c]
                data[~ok, c] = np.interp(t[~ok], t[ok], data[ok, c])
            self.filled_records += int(bad.sum())
        lo, hi = VALID_RANGE[var]
        if var == "shum":
            data = np.maximum(data, 0.0)
        if data.min() < lo or data.max() > hi:
            val = data.min() if data.min() < lo else data.max()
            raise InputError(path, f"value {val:.4g} outside the physical range {lo}-{hi} (canonical units)",
                             "check the file's units attribute and values", variable=var)
        return data

    def iter_chunks(self, first_year: int, last_year: int) -> Iterator[ForcingChunk]:
        """Yield one canonical chunk per month (see ``tpcarbon.forcing.stream``)."""
        from tpcarbon.forcing.generator import qsat

        if first_year < self._years[0] or last_year > self._years[1]:
            raise InputError(self.folder, f"years {first_year}-{last_year} requested, the folder has "
                             f"{self._years[0]}-{self._years[1]}", "shorten the years or add the missing files")
        for y in range(first_year, last_year + 1):
            for m in range(1, 13):
                f = {v: self._fill_and_check(v, y, m, self._read(v, y, m)) for v in FORCING_VARS}
                ny, nm = (y + (m == 12), m % 12 + 1)
                if ("prec", ny, nm) in self._index:
                    nxt = self._fill_and_check("prec", ny, nm, self._read("prec", ny, nm, only_first=True))[0]
                else:
                    nxt = f["prec"][-1]
                p = f["prec"]
                f["prec"] = 0.5 * (p + np.concatenate([p[1:], nxt[None, :]]))
                f["shum"] = np.minimum(f["shum"], qsat(f["temp"], f["pres"]))
                c = lambda a: np.ascontiguousarray(a, dtype=np.float32)  # noqa: E731
                yield ForcingChunk(month_times(y, m), *(c(f[v]) for v in FORCING_VARS))


def open_cmfd(folder: str | Path, domain: Domain, years: tuple[int, int] | None = None) -> CmfdSource:
    """Open a CMFD folder as a ``ForcingSource`` for ``domain`` (checks completeness up front)."""
    return CmfdSource(folder, domain, years)


def _file_grid(nc) -> tuple[NDArray, NDArray]:
    lat = np.asarray(nc.variables["lat"][:], dtype=np.float64)
    lon = np.asarray(nc.variables["lon"][:], dtype=np.float64)
    return lat, lon


def _grid_line(path: Path, lat: NDArray, lon: NDArray,
               region: tuple[tuple[float, float, float, float], float] | None) -> str:
    """One line on the file grid against ``[region]`` (bbox, resolution); InputError when it does not cover it."""
    fres = float(np.median(np.abs(np.diff(lat)))) if lat.size > 1 else float("nan")
    lo_lat, hi_lat = lat.min() - fres / 2, lat.max() + fres / 2
    lo_lon, hi_lon = lon.min() - fres / 2, lon.max() + fres / 2
    if region is None:
        return (f"  grid: {fres:g}° ({lat.size} x {lon.size}), {lo_lat:.2f}-{hi_lat:.2f}N {lo_lon:.2f}-{hi_lon:.2f}E "
                "(not compared with a [region]: give --study STUDY.toml)")
    (s, n, w, e), res = region
    if lo_lat > s + 1e-6 or hi_lat < n - 1e-6 or lo_lon > w + 1e-6 or hi_lon < e - 1e-6:
        raise InputError(path, f"file grid {lo_lat:.2f}-{hi_lat:.2f}N {lo_lon:.2f}-{hi_lon:.2f}E does not cover "
                         f"[region] bbox {s}-{n}N {w}-{e}E", "use forcing that covers the region, or shrink "
                         "[region] bbox", variable="lat/lon")
    how = ("area-averaged onto" if fres < 0.75 * res else "nearest file cell for each" if fres <= 1.25 * res
           else "COARSER than")
    return (f"  grid: {fres:g}° ({lat.size} x {lon.size}), {lo_lat:.2f}-{hi_lat:.2f}N {lo_lon:.2f}-{hi_lon:.2f}E; "
            f"covers [region] {s}-{n}N {w}-{e}E; {how} the {res:g}° run grid")


def check_forcing_folder(folder: str | Path, years: tuple[int, int] | None = None, strict: bool = True,
                         region: tuple[tuple[float, float, float, float], float] | None = None,
                         progress: bool = False, block: int = 64) -> str:
    """A report on every file of a CMFD folder: variables, months, time axes, units, ranges, gaps, grid.

    Every file is read (in blocks of ``block`` records, so memory stays small): its time axis must be
    the month's 3-hourly stamps; its values, converted to canonical units, must lie in the physical
    ranges; a grid point with data may miss at most 2 consecutive records (what the reader fills);
    its grid must equal the first file's and cover ``region`` (bbox, resolution), when one is given.
    Values are reported in canonical units with the file's units stated.

    Raises
    ------
    InputError
        On the first problem found (``strict``); otherwise problems are listed in the report.
    """
    import netCDF4
    from tqdm.auto import tqdm

    index = index_folder(folder)
    months = sorted({(y, m) for (_, y, m) in index})
    y0, y1 = (months[0][0], months[-1][0]) if years is None else years
    lines = [f"{folder}: {len(index)} CMFD files, {months[0][0]}-{months[0][1]:02d} to "
             f"{months[-1][0]}-{months[-1][1]:02d}"]
    problems: list[str] = []

    def problem(exc: InputError) -> None:
        if strict:
            raise exc
        problems.append(f"  PROBLEM: {exc}")

    missing = [(v, y, m) for y in range(y0, y1 + 1) for m in range(1, 13) for v in FORCING_VARS
               if (v, y, m) not in index]
    if missing:
        v, y, m = missing[0]
        problem(InputError(Path(folder) / CMFD_DIRS[v] / cmfd_filename(v, y, m, _tag_of(index)),
                           f"{len(missing)} variable-months missing, first {v} {y}-{m:02d}",
                           "download the missing files or narrow --years", variable=v))
    keys = sorted((k for k in index if y0 <= k[1] <= y1), key=lambda k: (k[1], k[2], FORCING_VARS.index(k[0])))
    ref_grid: tuple[NDArray, NDArray, Path] | None = None
    stats = {v: {"files": 0, "lo": np.inf, "hi": -np.inf, "missing": 0, "longest": 0, "units": set()}
             for v in FORCING_VARS}
    for key in tqdm(keys, desc="forcing check", unit="file", disable=not progress, leave=False):
        v, y, m = key
        path = index[key]
        st = stats[v]
        try:
            nc = netCDF4.Dataset(path)
        except OSError as exc:
            raise InputError(path, f"cannot be opened as NetCDF ({exc.strerror or exc})",
                             "re-download the file (it is corrupt or truncated)", variable=v) from None
        with nc:
            if v not in nc.variables:
                problem(InputError(path, f"variable '{v}' not in the file (has {', '.join(nc.variables)})",
                                   "give the CMFD file of this variable", variable=v))
                continue
            var = nc.variables[v]
            var.set_auto_maskandscale(True)
            units = getattr(var, "units", None)
            scale, offset = _units_factor(path, v, units)
            st["units"].add(str(units))
            lat, lon = _file_grid(nc)
            if ref_grid is None:
                ref_grid = (lat, lon, path)
                lines.append(_grid_line(path, lat, lon, region))
            elif lat.shape != ref_grid[0].shape or lon.shape != ref_grid[1].shape or not (
                    np.allclose(lat, ref_grid[0]) and np.allclose(lon, ref_grid[1])):
                problem(InputError(path, f"grid ({lat.size} x {lon.size}) differs from that of {ref_grid[2].name}",
                                   "give files of one grid (regrid the odd ones)", variable=v))
            want = month_times(y, m)
            nt = var.shape[0]
            if nt != want.size:
                problem(InputError(path, f"{nt} time steps, expected {want.size} (3-hourly for {y}-{m:02d})",
                                   "re-download the file; CMFD months hold 8 steps a day", variable=v))
                continue
            if "time" in nc.variables:
                got = _file_times(nc, path)
                off = np.abs(got - want) > np.timedelta64(60, "s")
                if off.any():
                    k = int(np.argmax(off))
                    problem(InputError(path, f"time step {k} is {got[k]}, expected {want[k]} (3-hourly from 00 UTC, "
                                       "no duplicates)", "re-download or repair the file", variable="time"))
            run = np.zeros(var.shape[1:], dtype=np.int64)
            longest = np.zeros(var.shape[1:], dtype=np.int64)
            has_data = np.zeros(var.shape[1:], dtype=bool)
            nbad = 0
            lo, hi = np.inf, -np.inf
            try:
                for t0 in range(0, nt, block):
                    raw = np.ma.filled(var[t0:t0 + block].astype(np.float64), np.nan)
                    vals = raw * scale + offset
                    vals[np.abs(vals) > 1e15] = np.nan
                    bad = ~np.isfinite(vals)
                    for k in range(bad.shape[0]):
                        run = np.where(bad[k], run + 1, 0)
                        longest = np.maximum(longest, run)
                    has_data |= ~bad.all(axis=0)
                    nbad += int(bad.sum())
                    if (~bad).any():
                        lo, hi = min(lo, float(np.nanmin(vals))), max(hi, float(np.nanmax(vals)))
            except (OSError, RuntimeError, IndexError) as exc:
                raise InputError(path, f"cannot be read ({exc})", "re-download the file (it is corrupt or truncated)",
                                 variable=v) from None
        if not has_data.any():
            problem(InputError(path, "no valid values (all missing)", "re-download the file", variable=v))
            continue
        lo_ok, hi_ok = VALID_RANGE[v]
        if v == "shum":
            lo = max(lo, 0.0)
        if lo < lo_ok or hi > hi_ok:
            bad_val = lo if lo < lo_ok else hi
            problem(InputError(path, f"value {bad_val:.4g} {FORCING_UNITS[v]} (file units '{units}') outside the "
                               f"physical range {lo_ok:g}-{hi_ok:g} {FORCING_UNITS[v]}",
                               "check the file's units attribute and values", variable=v))
        gap = int(longest[has_data].max()) if has_data.any() else 0
        if gap > 2:
            problem(InputError(path, f"{gap} consecutive missing records at a grid point with data",
                               "fill the gap in the file (the reader fills at most 2)", variable=v))
        st["files"] += 1
        st["lo"], st["hi"] = min(st["lo"], lo), max(st["hi"], hi)
        st["missing"] += nbad - int((~has_data).sum()) * nt
        st["longest"] = max(st["longest"], gap)
    for v in FORCING_VARS:
        st = stats[v]
        if not st["files"]:
            continue
        lines.append(f"  {v:5s} file units {', '.join(repr(u) for u in sorted(st['units']))}; "
                     f"canonical {FORCING_UNITS[v]}: {st['lo']:.4g} .. {st['hi']:.4g} over {st['files']} files; "
                     f"{st['missing']} missing values at grid points with data (longest gap {st['longest']} "
                     "records)")
    lines.extend(problems)
    lines.append("ok" if not problems else f"{len(problems)} problem(s)")
    return "\n".join(lines)
