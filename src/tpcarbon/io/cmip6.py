"""CMIP6 monthly anomalies (delta change) for SSP runs, built the way CTSM builds its anomaly forcing.

The method reproduces NCAR's ``tools/unsupported/ssp_anomaly_forcing_smooth`` (``clm5_spec.md`` §7.2,
``data_formats.md`` §2.3) on any set of CMOR-conforming CMIP6 ``Amon`` files instead of CESM2 history files:

1. read ``tas huss ps sfcWind pr rsds rlds`` (CMOR names and units, ``data_formats.md`` §3.1) of every model,
   checking the global attribute ``experiment_id`` of every file (CTSM#2301 silently ran the wrong scenario);
2. monthly means per ``(year, month)`` in the file's own calendar (``noleap``, ``360_day``, ``standard``,
   ``proleptic_gregorian`` ... decoded with cftime), mean over ensemble members, historical files prepended;
3. bilinear interpolation of the model grid to the run's cell centres (:func:`regrid_bilinear`);
4. a ``window``-year running mean of each calendar month, centred; **at the ends the window is truncated** to the
   years that exist (as CTSM: "at the ends it uses only the years that exist"), so the last ``window // 2``
   years lag a trend by up to half a window;
5. climatology = mean of the smoothed series over ``reference_period`` (CTSM: 2005-2025, 21 years centred on 2015);
6. anomaly = smoothed - climatology for ``temp shum pres wind`` (additive, states) and factor =
   smoothed / climatology for ``prec srad lrad`` (multiplicative, fluxes), capped (CTSM: 5, rsds 2), 0/0 -> 1;
7. several models: the anomalies and factors are computed per model (``source_id``) and then averaged.

The result, :class:`MonthlyAnomalies`, gives for each year and calendar month one additive anomaly or one
factor per cell; ``tpcarbon.experiments.scenarios`` applies it to the cycled historical forcing with CDEPS'
"nearest monthly record" rule. CTSM writes the wind anomaly as ``uas = vas = dWIND/sqrt(2)``; our forcing has a
wind speed, so the anomaly is added to the speed directly (the consumer keeps the result non-negative).
"""

from __future__ import annotations

import glob as _glob
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from tpcarbon.errors import ConfigError, InputError
from tpcarbon.io import units as units_layer
from tpcarbon.io.cf import find_coord
from tpcarbon.surface.domain import Domain

#: Canonical name -> (CMOR variable, CMOR units, long name), from ``PCMDI/cmip6-cmor-tables`` ``CMIP6_Amon.json``.
CMOR_VARIABLES: dict[str, tuple[str, str, str]] = {
    "temp": ("tas", "K", "near-surface air temperature"),
    "shum": ("huss", "1", "near-surface specific humidity"),
    "pres": ("ps", "Pa", "surface air pressure"),
    "wind": ("sfcWind", "m s-1", "near-surface wind speed"),
    "prec": ("pr", "kg m-2 s-1", "precipitation"),
    "srad": ("rsds", "W m-2", "surface downwelling shortwave radiation"),
    "lrad": ("rlds", "W m-2", "surface downwelling longwave radiation"),
}

#: Variables whose anomaly is added (states) and their units in :class:`MonthlyAnomalies`.
ADDITIVE_VARS: dict[str, str] = {"temp": "K", "shum": "kg kg-1", "pres": "Pa", "wind": "m s-1"}

#: Variables whose anomaly is a dimensionless factor (fluxes).
SCALE_VARS: tuple[str, ...] = ("prec", "srad", "lrad")

#: CTSM's caps of the scale factors (``ssp_anomaly_forcing_smooth``: 5, FSDS 2).
DEFAULT_CAPS: dict[str, float] = {"prec": 5.0, "srad": 2.0, "lrad": 5.0}

_CMOR_TO_CANON = {v[0]: k for k, v in CMOR_VARIABLES.items()}


# ------------------------------------------------------------------------------------------- container
@dataclass
class MonthlyAnomalies:
    """Monthly anomaly forcing on the cells of a domain.

    Attributes
    ----------
    years : ndarray of int64, shape (ny,)
        Consecutive calendar years covered.
    add : dict of str to ndarray, shape (ny, 12, ncell)
        Additive anomalies: ``temp`` [K], ``shum`` [kg kg-1], ``pres`` [Pa], ``wind`` [m s-1].
    scale : dict of str to ndarray, shape (ny, 12, ncell)
        Multiplicative factors [1]: ``prec``, ``srad``, ``lrad``.
    scenario : str
        Scenario label, e.g. ``"ssp245"``.
    description : str
        Where the anomalies come from (written to provenance).
    source : Path or None
        The file or folder they were read from (named in error messages); None if built in memory.
    """

    years: NDArray[np.int64]
    add: dict[str, NDArray[np.float64]]
    scale: dict[str, NDArray[np.float64]]
    scenario: str
    description: str = ""
    source: Path | None = None
    _index: dict[int, int] = field(init=False, repr=False)

    def __post_init__(self):
        self.years = np.asarray(self.years, dtype=np.int64)
        ny = self.years.size
        if ny == 0 or np.any(np.diff(self.years) != 1):
            raise ValueError("MonthlyAnomalies.years must be consecutive years")
        shapes = set()
        for group, names in (("add", tuple(ADDITIVE_VARS)), ("scale", SCALE_VARS)):
            given = getattr(self, group)
            missing = set(names) - set(given)
            if missing:
                raise ValueError(f"MonthlyAnomalies.{group} lacks {sorted(missing)}")
            d = {}
            for k in names:
                a = np.array(given[k], dtype=np.float64, order="C")  # own copy, read-only
                if a.ndim != 3 or a.shape[:2] != (ny, 12):
                    raise ValueError(f"MonthlyAnomalies.{group}[{k!r}] must have shape ({ny}, 12, ncell), "
                                     f"got {a.shape}")
                a.flags.writeable = False
                d[k] = a
                shapes.add(a.shape)
            setattr(self, group, d)
        if len(shapes) != 1:
            raise ValueError(f"MonthlyAnomalies arrays differ in shape: {sorted(shapes)}")
        self._index = {int(y): i for i, y in enumerate(self.years)}

    @property
    def ncell(self) -> int:
        """Number of cells."""
        return int(self.add["temp"].shape[2])

    def for_month(self, year: int, month: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Anomalies and factors of one month.

        Parameters
        ----------
        year : int
            Calendar year; must be one of :attr:`years` (no clamping to the nearest year).
        month : int
            Calendar month, 1-12.

        Returns
        -------
        add : dict of str to ndarray, shape (ncell,)
            ``temp`` [K], ``shum`` [kg kg-1], ``pres`` [Pa], ``wind`` [m s-1], to be added (read-only views).
        scale : dict of str to ndarray, shape (ncell,)
            ``prec``, ``srad``, ``lrad`` factors [1], to multiply by (read-only views).

        Raises
        ------
        InputError
            If ``year`` is not covered.
        """
        if not 1 <= int(month) <= 12:
            raise ValueError(f"month must be 1-12, got {month}")
        i = self._index.get(int(year))
        if i is None:
            raise InputError(None, f"the {self.scenario} anomalies have no year {int(year)} (they cover "
                             f"{int(self.years[0])}-{int(self.years[-1])})",
                             "give CMIP6 files covering that year or shorten [years] future", variable="year")
        m = int(month) - 1
        return ({k: v[i, m] for k, v in self.add.items()}, {k: v[i, m] for k, v in self.scale.items()})

    # ------------------------------------------------------------------------ I/O
    def to_dataset(self) -> xr.Dataset:
        """Return the anomalies as a CF dataset with dims ``(year, month, cell)``."""
        coords = {
            "year": ("year", self.years, {"long_name": "calendar year", "units": "1"}),
            "month": ("month", np.arange(1, 13, dtype=np.int64), {"long_name": "calendar month", "units": "1"}),
            "cell": ("cell", np.arange(self.ncell, dtype=np.int64), {"long_name": "index of the domain cell"}),
        }
        data = {}
        for k, units in ADDITIVE_VARS.items():
            data[f"{k}_anomaly"] = (("year", "month", "cell"), self.add[k],
                                    {"units": units, "long_name": f"additive anomaly of {CMOR_VARIABLES[k][2]}",
                                     "cell_methods": "time: mean", "cmor_name": CMOR_VARIABLES[k][0]})
        for k in SCALE_VARS:
            data[f"{k}_scale"] = (("year", "month", "cell"), self.scale[k],
                                  {"units": "1", "long_name": f"scale factor of {CMOR_VARIABLES[k][2]}",
                                   "cell_methods": "time: mean", "cmor_name": CMOR_VARIABLES[k][0]})
        return xr.Dataset(data, coords=coords, attrs={"Conventions": "CF-1.8", "scenario": self.scenario,
                                                      "description": self.description})

    def save(self, path: str | os.PathLike) -> Path:
        """Write the anomalies to a CF NetCDF file (atomically).

        Variables ``<name>_anomaly`` (units K, kg kg-1, Pa, m s-1) and ``<name>_scale`` (units 1), dims
        ``(year, month, cell)``; global attributes ``scenario`` and ``description``.
        """
        from tpcarbon.io.writers import write_netcdf

        return write_netcdf(self.to_dataset(), path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> MonthlyAnomalies:
        """Read anomalies written by :meth:`save`.

        Raises
        ------
        InputError
            If the file is missing or lacks a variable or has unexpected units.
        """
        path = Path(path)
        if not path.exists():
            raise InputError(path, "anomaly file not found", "check the path")
        with xr.open_dataset(path) as ds:
            add, scale = {}, {}
            for k, units in ADDITIVE_VARS.items():
                add[k] = _load_var(ds, path, f"{k}_anomaly", units)
            for k in SCALE_VARS:
                scale[k] = _load_var(ds, path, f"{k}_scale", "1")
            if "year" not in ds.coords:
                raise InputError(path, "no year coordinate", "write the file with MonthlyAnomalies.save",
                                 variable="year")
            return cls(years=ds["year"].values.astype(np.int64), add=add, scale=scale,
                       scenario=str(ds.attrs.get("scenario", "")), description=str(ds.attrs.get("description", "")),
                       source=path)


def _load_var(ds: xr.Dataset, path: Path, name: str, units: str) -> np.ndarray:
    if name not in ds:
        raise InputError(path, "variable missing from the anomaly file", "write the file with MonthlyAnomalies.save",
                         variable=name)
    if str(ds[name].attrs.get("units", "")) != units:
        raise InputError(path, f"units are {ds[name].attrs.get('units')!r}, expected {units!r}",
                         "write the file with MonthlyAnomalies.save", variable=name)
    return ds[name].transpose("year", "month", "cell").values.astype(np.float64)


# ------------------------------------------------------------------------------------------- regridding
def _axis_plan(src: np.ndarray, dst: np.ndarray, periodic: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bracketing indices (into ``src``) and the weight of the upper one for each ``dst`` along one axis.

    ``src`` must be strictly increasing. Targets up to half a spacing outside the range are clamped to the
    edge; farther ones raise ``ValueError``. With ``periodic`` the last and first points are neighbours
    (``src[0] + 360`` follows ``src[-1]``).
    """
    n = src.size
    if n == 1:
        return np.zeros(dst.size, np.int64), np.zeros(dst.size, np.int64), np.zeros(dst.size)
    ext = np.append(src, src[0] + 360.0) if periodic else src
    if periodic:
        dst = src[0] + np.mod(dst - src[0], 360.0)
    half_lo, half_hi = 0.5 * (src[1] - src[0]), 0.5 * (src[-1] - src[-2])
    out = (dst < ext[0] - half_lo - 1e-9) | (dst > ext[-1] + half_hi + 1e-9)
    if np.any(out):
        raise ValueError(f"target {float(dst[out][0]):.4f} outside the source axis {src[0]:.4f}..{src[-1]:.4f}")
    x = np.clip(dst, ext[0], ext[-1])
    i1 = np.clip(np.searchsorted(ext, x, side="right"), 1, ext.size - 1)
    i0 = i1 - 1
    w = (x - ext[i0]) / (ext[i1] - ext[i0])
    return i0 % n, i1 % n, w


def _lon_axis(lon: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Make a longitude axis strictly increasing and contiguous: (sorted values, order, is_global)."""
    lon = np.mod(np.asarray(lon, dtype=np.float64), 360.0)
    order = np.argsort(lon, kind="stable")
    s = lon[order]
    if s.size < 2:
        return s, order, False
    gaps = np.append(np.diff(s), s[0] + 360.0 - s[-1])
    k = int(np.argmax(gaps))  # the largest gap goes to the end: the axis is contiguous across it
    order = np.roll(order, -(k + 1))
    s = np.unwrap(lon[order], period=360.0)
    spacing = np.median(np.diff(s))
    is_global = (s[0] + 360.0 - s[-1]) <= 1.5 * spacing
    return s, order, bool(is_global)


@dataclass(frozen=True)
class _BilinearPlan:
    rows: np.ndarray   # source row indices to read (sorted, unique)
    cols: np.ndarray   # source column indices to read (sorted, unique)
    r0: np.ndarray     # positions in rows, shape (npoint,)
    r1: np.ndarray
    wr: np.ndarray     # weight of r1
    c0: np.ndarray     # positions in cols
    c1: np.ndarray
    wc: np.ndarray

    def apply(self, sub: np.ndarray) -> np.ndarray:
        """Interpolate ``(..., len(rows), len(cols))`` values read at ``rows, cols`` to ``(..., npoint)``."""
        wr, wc = self.wr, self.wc
        return ((1.0 - wr) * (1.0 - wc) * sub[..., self.r0, self.c0] + (1.0 - wr) * wc * sub[..., self.r0, self.c1]
                + wr * (1.0 - wc) * sub[..., self.r1, self.c0] + wr * wc * sub[..., self.r1, self.c1])


def _bilinear_plan(src_lat, src_lon, dst_lat, dst_lon) -> _BilinearPlan:
    src_lat = np.asarray(src_lat, dtype=np.float64)
    lat_order = np.argsort(src_lat, kind="stable")
    lat_sorted = src_lat[lat_order]
    if np.any(np.diff(lat_sorted) <= 0):
        raise ValueError("source latitudes are not distinct")
    lon_sorted, lon_order, is_global = _lon_axis(src_lon)
    i0, i1, wr = _axis_plan(lat_sorted, np.asarray(dst_lat, dtype=np.float64), periodic=False)
    dst_lon = np.asarray(dst_lon, dtype=np.float64)
    if not is_global:  # the equivalent longitude nearest the middle of the source axis
        centre = 0.5 * (lon_sorted[0] + lon_sorted[-1])
        dst_lon = centre + np.mod(dst_lon - centre + 180.0, 360.0) - 180.0
    j0, j1, wc = _axis_plan(lon_sorted, dst_lon, periodic=is_global)
    rows_full0, rows_full1 = lat_order[i0], lat_order[i1]
    cols_full0, cols_full1 = lon_order[j0], lon_order[j1]
    rows = np.unique(np.concatenate([rows_full0, rows_full1]))
    cols = np.unique(np.concatenate([cols_full0, cols_full1]))
    return _BilinearPlan(rows=rows, cols=cols, r0=np.searchsorted(rows, rows_full0),
                         r1=np.searchsorted(rows, rows_full1), wr=wr, c0=np.searchsorted(cols, cols_full0),
                         c1=np.searchsorted(cols, cols_full1), wc=wc)


def regrid_bilinear(values: np.ndarray, src_lat: np.ndarray, src_lon: np.ndarray, dst_lat: np.ndarray,
                    dst_lon: np.ndarray) -> NDArray[np.float64]:
    r"""Bilinear interpolation of a regular lat/lon field to points.

    .. math:: f(\varphi, \lambda) = (1-w_\varphi)(1-w_\lambda) f_{00} + (1-w_\varphi) w_\lambda f_{01}
              + w_\varphi (1-w_\lambda) f_{10} + w_\varphi w_\lambda f_{11}

    with :math:`w` the fractional position of the point between its bracketing source centres, in degrees.
    CMIP6 atmosphere grids are 0.7-2.8°, coarser than the run grid (0.1-1°), so interpolating between
    centres (CTSM maps its anomaly stream with ``mapalgo bilinear``) is adequate; a conservative remap would
    only reproduce the coarse cells as blocks. Latitudes may be descending; longitudes may be in 0..360 or
    -180..180, and a global axis wraps around. A linear field in latitude and longitude is reproduced exactly.

    Parameters
    ----------
    values : ndarray, shape (..., nlat, nlon)
        Source field (any units).
    src_lat : ndarray, shape (nlat,)
        Source cell-centre latitudes [degrees_north], ascending or descending.
    src_lon : ndarray, shape (nlon,)
        Source cell-centre longitudes [degrees_east].
    dst_lat, dst_lon : ndarray, shape (npoint,)
        Target points [degrees_north], [degrees_east].

    Returns
    -------
    ndarray, shape (..., npoint)
        Interpolated values (units of ``values``).

    Raises
    ------
    ValueError
        If a target lies more than half a source spacing outside a non-periodic source axis.

    Examples
    --------
    >>> lat, lon = np.array([40.0, 30.0]), np.array([80.0, 90.0])
    >>> f = lat[:, None] + 2 * lon[None, :]
    >>> regrid_bilinear(f, lat, lon, np.array([35.0]), np.array([-275.0])).round(6)
    array([205.])
    """
    plan = _bilinear_plan(src_lat, src_lon, dst_lat, dst_lon)
    values = np.asarray(values, dtype=np.float64)
    sub = values[..., plan.rows, :][..., :, plan.cols]
    return plan.apply(sub)


# ------------------------------------------------------------------------------------------- file reading
def _expand_paths(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    out: list[Path] = []
    for item in items:
        s = str(item)
        p = Path(s)
        if p.is_dir():
            out.extend(sorted(p.rglob("*.nc")))
        elif any(ch in s for ch in "*?["):
            out.extend(Path(f) for f in sorted(_glob.glob(s, recursive=True)))
        elif p.exists():
            out.append(p)
        else:
            raise InputError(p, "CMIP6 file or folder not found", "check [scenarios] anomalies / historical_files")
    return sorted(set(out))


def _units_ok(units: str, cmor: str) -> bool:
    """CMOR fixes the units of each variable: accept spellings of it (``io.units``), refuse conversions."""
    return units_layer.same_units(" ".join(str(units).split()), cmor)


@dataclass
class _FileData:
    path: Path
    model: str
    member: str
    experiment: str
    var: str                    # canonical name
    ym: np.ndarray              # (nmonth, 2) year, month
    values: np.ndarray          # (nmonth, ncell) regridded monthly means


def _drs_field(path: Path, i: int) -> str | None:
    parts = path.stem.split("_")
    return parts[i] if len(parts) >= 7 else None


def _read_file(path: Path, expected_experiment: str, dst_lat: np.ndarray, dst_lon: np.ndarray) -> _FileData | None:
    """Read one CMOR file: checks, region subset, regridding and monthly means. None if not one of ours."""
    try:
        ds = xr.open_dataset(path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))
    except Exception as exc:  # noqa: BLE001 - any backend failure is a bad input file
        raise InputError(path, f"cannot open as NetCDF ({type(exc).__name__}: {exc})",
                         "check that the file is a complete CMIP6 NetCDF file") from None
    with ds:
        var_id = ds.attrs.get("variable_id") or _drs_field(path, 0)
        if var_id is None:
            found = [v for v in ds.data_vars if v in _CMOR_TO_CANON]
            if not found:
                return None
            var_id = found[0]
        var_id = str(var_id)
        if var_id not in _CMOR_TO_CANON:
            return None  # a CMIP6 variable we do not use (uas, gpp, ...)
        canon = _CMOR_TO_CANON[var_id]
        if var_id not in ds.data_vars:
            raise InputError(path, f"the file (variable_id {var_id!r}) has no variable {var_id!r}",
                             "give CMOR-conforming CMIP6 files (one variable per file)", variable=var_id)
        experiment = ds.attrs.get("experiment_id")
        if experiment is None:
            raise InputError(path, "no global attribute experiment_id: the scenario cannot be checked",
                             f"use CMOR-written CMIP6 files (experiment_id = {expected_experiment!r})",
                             variable="experiment_id")
        if str(experiment).strip().lower() != expected_experiment.lower():
            raise InputError(path, f"experiment_id is {experiment!r} but {expected_experiment!r} was requested",
                             f"give only {expected_experiment} files here (CTSM#2301 ran the wrong scenario "
                             "this way)", variable="experiment_id")
        da = ds[var_id]
        cmor_units = CMOR_VARIABLES[canon][1]
        units = da.attrs.get("units")
        if units is None or not _units_ok(units, cmor_units):
            raise InputError(path, f"units are {units!r}, but CMOR {var_id} is in {cmor_units!r}",
                             f"convert the file to {cmor_units!r} and set its units attribute (CMIP6_Amon.json)",
                             variable=var_id)
        tname = find_coord(ds, ("time",), "time")
        latn = find_coord(ds, ("lat", "latitude"), "latitude")
        lonn = find_coord(ds, ("lon", "longitude"), "longitude")
        if tname is None or latn is None or lonn is None:
            raise InputError(path, "no time/lat/lon coordinates", "give CMOR-conforming CMIP6 files", variable=var_id)
        if ds[latn].ndim != 1 or ds[lonn].ndim != 1:
            raise InputError(path, "curvilinear (2-D lat/lon) grid", "regrid to a regular lat/lon grid first "
                             "(e.g. cdo remapbil,r360x180)", variable=var_id)
        try:
            plan = _bilinear_plan(ds[latn].values, ds[lonn].values, dst_lat, dst_lon)
        except ValueError as exc:
            raise InputError(path, f"the model grid does not cover the run domain ({exc})",
                             "give global CMIP6 files or files covering the region", variable=var_id) from None
        time = ds[tname]
        years = time.dt.year.values.astype(np.int64)
        months = time.dt.month.values.astype(np.int64)
        other = [d for d in da.dims if d not in (tname, latn, lonn)]
        if other:
            sizes = {d: da.sizes[d] for d in other}
            if any(s != 1 for s in sizes.values()):
                raise InputError(path, f"unexpected dimensions {sizes}", "give 2-D monthly fields", variable=var_id)
            da = da.isel({d: 0 for d in other})
        sub = da.transpose(tname, latn, lonn).isel({latn: plan.rows, lonn: plan.cols}).values.astype(np.float64)
        if not np.all(np.isfinite(sub)):
            bad = int(np.argmax(~np.all(np.isfinite(sub.reshape(sub.shape[0], -1)), axis=1)))
            raise InputError(path, f"missing values over the region at {years[bad]}-{months[bad]:02d}",
                             "give complete files (CMIP6 fill is 1e20)", variable=var_id)
        vals = plan.apply(sub)
        # monthly means per (year, month): also accepts daily files
        key = years * 12 + (months - 1)
        ukeys, inv = np.unique(key, return_inverse=True)
        sums = np.zeros((ukeys.size, vals.shape[1]))
        np.add.at(sums, inv, vals)
        means = sums / np.bincount(inv)[:, None]
        ym = np.stack([ukeys // 12, ukeys % 12 + 1], axis=1)
        model = str(ds.attrs.get("source_id") or _drs_field(path, 2) or "unknown-model")
        member = str(ds.attrs.get("variant_label") or ds.attrs.get("member_id") or _drs_field(path, 4) or "r1")
        return _FileData(path, model, member, str(experiment), canon, ym, means)


def _series(files: list[_FileData], label: str) -> tuple[np.ndarray, np.ndarray]:
    """Join the files of one (model, variable, experiment) into ``(ny, 12, ncell)`` (member mean)."""
    per_member: dict[str, dict[int, tuple[np.ndarray, Path]]] = defaultdict(dict)
    for f in files:
        months = per_member[f.member]
        for (y, m), v in zip(f.ym, f.values, strict=True):
            k = int(y) * 12 + int(m) - 1
            if k in months:
                raise InputError(f.path, f"{int(y)}-{int(m):02d} is also in {months[k][1].name}",
                                 "remove duplicated files (e.g. two versions of the same data set)",
                                 variable=CMOR_VARIABLES[f.var][0])
            months[k] = (v, f.path)
    arrays, ranges = [], []
    for member, months in sorted(per_member.items()):
        keys = np.array(sorted(months))
        first, last = keys[0] // 12, keys[-1] // 12
        expected = np.arange(first * 12, (last + 1) * 12)
        missing = np.setdiff1d(expected, keys)
        if missing.size:
            k = int(missing[0])
            some = months[int(keys[0])][1]
            raise InputError(some, f"{label} member {member} has no data for {k // 12}-{k % 12 + 1:02d}",
                             "give complete years (January to December) without gaps",
                             variable=CMOR_VARIABLES[files[0].var][0])
        arrays.append(np.stack([months[int(k)][0] for k in expected]).reshape(last - first + 1, 12, -1))
        ranges.append((int(first), int(last)))
    y0, y1 = max(r[0] for r in ranges), min(r[1] for r in ranges)
    if y1 < y0:
        raise InputError(files[0].path, f"{label}: the ensemble members share no year",
                         "give members covering the same years", variable=CMOR_VARIABLES[files[0].var][0])
    stack = [a[y0 - r[0]: y1 - r[0] + 1] for a, r in zip(arrays, ranges, strict=True)]
    return np.arange(y0, y1 + 1, dtype=np.int64), np.mean(stack, axis=0)


def running_mean_by_month(x: np.ndarray, window: int) -> NDArray[np.float64]:
    r"""Centred running mean over years of each calendar month, truncated at the ends.

    .. math:: \bar x_{y,m} = \frac{1}{|W_y|} \sum_{k \in W_y} x_{k,m}, \quad
              W_y = \{k : |k - y| \le \lfloor w/2 \rfloor,\ 0 \le k < n_y\}

    Parameters
    ----------
    x : ndarray, shape (ny, 12, ...)
        Monthly values (any units).
    window : int
        Odd window length [years] (CTSM: 21).

    Returns
    -------
    ndarray, shape (ny, 12, ...)
        Smoothed values (units of ``x``). Near the ends only the years that exist are averaged
        (``ssp_anomaly_forcing_smooth``).

    Examples
    --------
    >>> x = np.arange(5.0)[:, None] * np.ones((1, 12))
    >>> running_mean_by_month(x, 3)[:, 0]
    array([0.5, 1. , 2. , 3. , 3.5])
    """
    x = np.asarray(x, dtype=np.float64)
    ny, half = x.shape[0], window // 2
    cs = np.concatenate([np.zeros((1,) + x.shape[1:]), np.cumsum(x, axis=0)], axis=0)
    i = np.arange(ny)
    lo, hi = np.maximum(i - half, 0), np.minimum(i + half + 1, ny)
    count = (hi - lo).reshape((ny,) + (1,) * (x.ndim - 1))
    return (cs[hi] - cs[lo]) / count


def _model_anomalies(years: np.ndarray, series: dict[str, np.ndarray], reference: tuple[int, int], window: int,
                     caps: Mapping[str, float], model: str, where: Path) -> dict[str, np.ndarray]:
    r0, r1 = reference
    if r0 < years[0] or r1 > years[-1]:
        raise InputError(where, f"model {model} covers {years[0]}-{years[-1]}, not the reference period {r0}-{r1}",
                         "give historical files (scenarios.historical_files) covering the reference years, or "
                         "choose a reference_period inside the data", variable="reference_period")
    ref = slice(r0 - years[0], r1 - years[0] + 1)
    out = {}
    for k, x in series.items():
        smooth = running_mean_by_month(x, window)
        clim = smooth[ref].mean(axis=0)
        if k in ADDITIVE_VARS:
            out[k] = smooth - clim
        else:
            cap = float(caps[k])
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(clim > 0, smooth / np.where(clim > 0, clim, 1.0),
                                 np.where(smooth > 0, cap, 1.0))
            out[k] = np.clip(ratio, 0.0, cap)
    return out


def build_cmip6_anomalies(paths: str | os.PathLike | Sequence[str | os.PathLike], scenario: str, domain: Domain,
                          reference_period: tuple[int, int] = (2005, 2025),
                          historical_paths: str | os.PathLike | Sequence[str | os.PathLike] | None = None,
                          window: int = 21, caps: Mapping[str, float] | None = None) -> MonthlyAnomalies:
    r"""Monthly anomalies and factors of an SSP from CMIP6 ``Amon`` files, regridded to a domain.

    .. math:: \Delta X_{y,m} = \bar X_{y,m} - \langle \bar X_{\cdot,m} \rangle_{ref}, \qquad
              f_{y,m} = \min\left(\bar X_{y,m} / \langle \bar X_{\cdot,m} \rangle_{ref},\ cap\right)

    with :math:`\bar X` the ``window``-year running mean of calendar month :math:`m` (see
    :func:`running_mean_by_month`) and :math:`\langle\cdot\rangle_{ref}` the mean over
    ``reference_period``. Additive for ``temp`` (tas, K), ``shum`` (huss, kg kg-1), ``pres`` (ps, Pa),
    ``wind`` (sfcWind, m s-1); multiplicative for ``prec`` (pr), ``srad`` (rsds), ``lrad`` (rlds), with
    0/0 -> 1. Per model (``source_id``; ensemble members averaged first), then the multi-model mean.

    Parameters
    ----------
    paths : str or PathLike or sequence of them
        Scenario files: a folder (searched recursively for ``*.nc``), a glob, or a list of either. Each
        file must have ``experiment_id == scenario`` and CMOR units (``K``, ``1``, ``Pa``, ``m s-1``,
        ``kg m-2 s-1``, ``W m-2``, ``W m-2``). Other CMIP6 variables in the folder are ignored.
    scenario : str
        Experiment to require, e.g. ``"ssp245"``.
    domain : Domain
        Run cells; the model fields are interpolated bilinearly to ``domain.lat``, ``domain.lon``.
    reference_period : (int, int)
        First and last year [calendar year] of the climatology (CTSM: 2005-2025).
    historical_paths : same as ``paths``, optional
        ``historical`` files prepended to the scenario (needed when the reference period starts before the
        scenario, i.e. before 2015).
    window : int
        Odd running-mean length [years].
    caps : mapping of str to float, optional
        Upper bounds of the ``prec``, ``srad``, ``lrad`` factors [1] (default 5, 2, 5 as CTSM).

    Returns
    -------
    MonthlyAnomalies
        Years from the first scenario year (2015 for CMIP6 SSPs) to the last year common to all models.

    Raises
    ------
    InputError
        Wrong ``experiment_id``, non-CMOR units, missing variable or months, a grid not covering the domain,
        or a reference period outside the data (the message names the file).
    ConfigError
        Bad ``window``, ``caps`` or ``reference_period``.
    """
    if int(window) != window or window < 1 or window % 2 == 0:
        raise ConfigError(None, f"window {window} is not an odd number of years", "use e.g. 21",
                          variable="window")
    r0, r1 = (int(v) for v in reference_period)
    if r1 < r0:
        raise ConfigError(None, f"reference_period {list(reference_period)} ends before it starts",
                          "give [first, last] years, e.g. [2005, 2025]", variable="scenarios.reference_period")
    allcaps = dict(DEFAULT_CAPS)
    allcaps.update(caps or {})
    bad = [k for k, v in allcaps.items() if k not in SCALE_VARS or not float(v) >= 1.0]
    if bad:
        raise ConfigError(None, f"caps {({k: allcaps[k] for k in bad})} are not factors >= 1 of prec/srad/lrad",
                          "use e.g. {'prec': 5, 'srad': 2, 'lrad': 5}", variable="caps")
    where = Path(str(paths if isinstance(paths, str | os.PathLike) else next(iter(paths), ".")))
    scen_files = _expand_paths(paths)
    if not scen_files:
        raise InputError(where, "no NetCDF files found", "give a folder, glob or list of CMIP6 monthly files")
    hist_files = _expand_paths(historical_paths) if historical_paths is not None else []
    if historical_paths is not None and not hist_files:
        raise InputError(Path(str(historical_paths)), "no historical NetCDF files found",
                         "give a folder, glob or list of CMIP6 historical files")

    lat, lon = domain.lat, domain.lon
    groups: dict[tuple[str, str, str], list[_FileData]] = defaultdict(list)
    for files, experiment in ((scen_files, scenario), (hist_files, "historical")):
        for p in files:
            fd = _read_file(p, experiment, lat, lon)
            if fd is not None:
                groups[(fd.model, fd.var, "scen" if experiment == scenario else "hist")].append(fd)
    models = sorted({m for (m, _, kind) in groups if kind == "scen"})
    if not models:
        raise InputError(where, f"no {scenario} file holds one of {[v[0] for v in CMOR_VARIABLES.values()]}",
                         "give CMIP6 Amon files of tas huss ps sfcWind pr rsds rlds")
    for (m, _, kind), fs in groups.items():
        if kind == "hist" and m not in models:
            raise InputError(fs[0].path, f"historical files of model {m} but no {scenario} files",
                             "give matching scenario and historical files", variable="source_id")

    per_model: list[tuple[np.ndarray, dict[str, np.ndarray]]] = []
    members: dict[str, int] = {}
    for model in models:
        first_file = next(f for (m, _, k), fs in groups.items() if m == model and k == "scen" for f in fs).path
        series: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        scen_start = None
        for var, (cmor, _, _) in CMOR_VARIABLES.items():
            sf = groups.get((model, var, "scen"))
            if not sf:
                raise InputError(first_file, f"model {model} has no {scenario} file of {cmor}",
                                 f"add the {cmor}_Amon_{model}_{scenario}_* files", variable=cmor)
            ys, xs = _series(sf, f"{model} {scenario}")
            members[model] = len({f.member for f in sf})
            scen_start = int(ys[0]) if scen_start is None else max(scen_start, int(ys[0]))
            hf = groups.get((model, var, "hist"))
            if hf:
                yh, xh = _series(hf, f"{model} historical")
                keep = yh < ys[0]
                if keep.any() and yh[keep][-1] != ys[0] - 1:
                    raise InputError(hf[0].path, f"historical ends {yh[keep][-1]}, {scenario} starts {ys[0]}",
                                     "give historical files up to the year before the scenario starts",
                                     variable=cmor)
                ys, xs = np.concatenate([yh[keep], ys]), np.concatenate([xh[keep], xs])
            elif hist_files and r0 < ys[0]:
                raise InputError(first_file, f"model {model} has no historical file of {cmor}",
                                 f"add the {cmor}_Amon_{model}_historical_* files", variable=cmor)
            series[var] = (ys, xs)
        y0 = max(int(s[0][0]) for s in series.values())
        y1 = min(int(s[0][-1]) for s in series.values())
        years = np.arange(y0, y1 + 1, dtype=np.int64)
        cut = {k: xs[y0 - ys[0]: y1 - ys[0] + 1] for k, (ys, xs) in series.items()}
        anom = _model_anomalies(years, cut, (r0, r1), int(window), allcaps, model, first_file)
        keep = years >= scen_start
        per_model.append((years[keep], {k: v[keep] for k, v in anom.items()}))

    y0 = max(int(y[0]) for y, _ in per_model)
    y1 = min(int(y[-1]) for y, _ in per_model)
    if y1 < y0:
        raise InputError(where, f"the models {models} share no scenario year", "give models covering the same years")
    years = np.arange(y0, y1 + 1, dtype=np.int64)
    mean = {k: np.mean([a[k][y0 - y[0]: y1 - y[0] + 1] for y, a in per_model], axis=0) for k in CMOR_VARIABLES}
    desc = (f"CMIP6 {scenario} monthly anomalies, mean of {len(models)} model(s) "
            f"({', '.join(f'{m} x{members[m]}' for m in models)}); {window}-yr running mean of each calendar month "
            f"(truncated at the ends) relative to {r0}-{r1}; additive temp/shum/pres/wind, factors prec/srad/lrad "
            f"capped at {allcaps['prec']:g}/{allcaps['srad']:g}/{allcaps['lrad']:g}; bilinear to the run grid")
    return MonthlyAnomalies(years=years, add={k: mean[k] for k in ADDITIVE_VARS},
                            scale={k: mean[k] for k in SCALE_VARS}, scenario=scenario, description=desc,
                            source=Path(where) if where is not None else None)


# ------------------------------------------------------------------------------------------- synthetic files
#: Defaults of :func:`write_synthetic_cmip6`: value in 2015, change per year (file units), seasonal amplitude.
_SYNTH_BASE = {"tas": 270.0, "huss": 3e-3, "ps": 6.0e4, "sfcWind": 3.0, "pr": 2e-5, "rsds": 200.0, "rlds": 250.0}
_SYNTH_TREND = {"tas": 0.04, "huss": 2e-5, "ps": 5.0, "sfcWind": -0.005, "pr": 1e-7, "rsds": -0.2, "rlds": 0.5}
_SYNTH_SEASON = {"tas": 10.0, "huss": 2e-3, "ps": 100.0, "sfcWind": 1.0, "pr": 0.5, "rsds": 0.3, "rlds": 0.2}


def write_synthetic_cmip6(folder: str | os.PathLike, scenario: str, model: str = "TEST-ESM",
                          calendar: str = "noleap", years: tuple[int, int] = (2005, 2100),
                          lat_range: tuple[float, float] = (20.0, 45.0), lon_range: tuple[float, float] = (65.0, 110.0),
                          res: tuple[float, float] = (2.0, 2.5), trend: Mapping[str, float] | None = None,
                          base: Mapping[str, float] | None = None, variables: Sequence[str] | None = None,
                          units: Mapping[str, str] | None = None, member: str = "r1i1p1f1",
                          descending_lat: bool = False, lon360: bool = True) -> list[Path]:
    """Write small CMOR-like CMIP6 ``Amon`` files, one per variable (for tests and examples).

    Each field is
    ``X = (b + t (y - 2015)) * (1 + a cos(2 pi (m - 7) / 12)) + g lat`` for ``pr rsds rlds`` (multiplicative
    season, so the factor relative to 2015 is exactly ``1 + t (y - 2015) / b``) and
    ``X = b + t (y - 2015) + a cos(2 pi (m - 7) / 12) + g lat`` for the others, with ``g`` a small gradient.

    Parameters
    ----------
    folder : str or PathLike
        Output folder (created).
    scenario : str
        ``experiment_id`` written to the files (``"historical"`` for historical files).
    model : str
        ``source_id``.
    calendar : str
        CF calendar of the time axis (``noleap``, ``360_day``, ``standard``, ``proleptic_gregorian`` ...).
    years : (int, int)
        First and last year written.
    lat_range, lon_range : (float, float)
        Extent of cell centres [degrees_north], [degrees_east].
    res : (float, float)
        Latitude and longitude spacing [degrees].
    trend, base : mapping of CMOR name to float, optional
        Change per year and 2015 value in file units, overriding the defaults.
    variables : sequence of str, optional
        CMOR names to write (default all seven).
    units : mapping of CMOR name to str, optional
        Override the ``units`` attribute (to test unit checks; values are not converted).
    member : str
        ``variant_label``.
    descending_lat, lon360 : bool
        Store latitudes north to south; store longitudes in 0..360 (else -180..180).

    Returns
    -------
    list of Path
        Files written, named ``<var>_Amon_<model>_<scenario>_<member>_gn_<YYYYMM>-<YYYYMM>.nc``.
    """
    import cftime

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    b = dict(_SYNTH_BASE, **(base or {}))
    t = dict(_SYNTH_TREND, **(trend or {}))
    lat = np.arange(lat_range[0], lat_range[1] + 1e-9, res[0])
    lon = np.arange(lon_range[0], lon_range[1] + 1e-9, res[1])
    if descending_lat:
        lat = lat[::-1]
    lon_out = np.mod(lon, 360.0) if lon360 else (lon + 180.0) % 360.0 - 180.0
    y = np.repeat(np.arange(years[0], years[1] + 1), 12)
    m = np.tile(np.arange(1, 13), years[1] - years[0] + 1)
    units_time = "days since 1850-01-01 00:00:00"
    starts = [cftime.datetime(int(yy), int(mm), 1, calendar=calendar) for yy, mm in zip(y, m, strict=True)]
    ends = [cftime.datetime(int(yy) + (mm == 12), int(mm) % 12 + 1, 1, calendar=calendar)
            for yy, mm in zip(y, m, strict=True)]
    t0 = np.asarray(cftime.date2num(starts, units_time, calendar=calendar), dtype=np.float64)
    t1 = np.asarray(cftime.date2num(ends, units_time, calendar=calendar), dtype=np.float64)
    season = np.cos(2 * np.pi * (m - 7) / 12.0)[:, None, None]
    dy = (y - 2015.0)[:, None, None]
    latg = lat[None, :, None] * np.ones((1, 1, lon.size))
    written = []
    for var in variables or [v[0] for v in CMOR_VARIABLES.values()]:
        canon = _CMOR_TO_CANON[var]
        if canon in SCALE_VARS:
            data = (b[var] + t[var] * dy) * (1.0 + _SYNTH_SEASON[var] * season) * (1.0 + 0.002 * (latg - 30.0))
        else:
            data = b[var] + t[var] * dy + _SYNTH_SEASON[var] * season + 0.01 * abs(b[var]) * (latg - 30.0) / 30.0
        attrs = {"standard_name": {"tas": "air_temperature", "huss": "specific_humidity", "ps": "surface_air_pressure",
                                   "sfcWind": "wind_speed", "pr": "precipitation_flux",
                                   "rsds": "surface_downwelling_shortwave_flux_in_air",
                                   "rlds": "surface_downwelling_longwave_flux_in_air"}[var],
                 "long_name": CMOR_VARIABLES[canon][2], "units": (units or {}).get(var, CMOR_VARIABLES[canon][1]),
                 "cell_methods": "area: time: mean"}
        ds = xr.Dataset(
            {var: (("time", "lat", "lon"), data.astype(np.float32), attrs),
             "time_bnds": (("time", "bnds"), np.stack([t0, t1], axis=1))},
            coords={"time": ("time", 0.5 * (t0 + t1), {"units": units_time, "calendar": calendar,
                                                      "bounds": "time_bnds", "standard_name": "time"}),
                    "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude"}),
                    "lon": ("lon", lon_out, {"units": "degrees_east", "standard_name": "longitude"})},
            attrs={"Conventions": "CF-1.7 CMIP-6.2", "experiment_id": scenario, "source_id": model,
                   "variable_id": var, "variant_label": member, "table_id": "Amon", "grid_label": "gn",
                   "frequency": "mon", "mip_era": "CMIP6"},
        )
        name = f"{var}_Amon_{model}_{scenario}_{member}_gn_{years[0]:04d}01-{years[1]:04d}12.nc"
        path = folder / name
        ds.to_netcdf(path, encoding={var: {"_FillValue": np.float32(1e20)}, "time": {"_FillValue": None},
                                     "lat": {"_FillValue": None}, "lon": {"_FillValue": None},
                                     "time_bnds": {"_FillValue": None}})
        written.append(path)
    return written
