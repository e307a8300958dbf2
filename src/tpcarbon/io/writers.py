"""Writers: model output on the 2-D grid as CF-1.10 datasets, written atomically and readable by the group.

Every variable's attributes come from ``io/variables.toml`` (the one home): a variable with no
entry there is refused with :class:`VariableTableError`, so a new model output needs only a
table entry. Each file gets

* a ``time`` axis (``days since 1850-01-01``, ``standard`` calendar) at the middle of each
  interval, with ``time_bnds`` and an integer ``year(time)`` coordinate;
* a scalar string coordinate ``experiment`` (``xarray.open_mfdataset(..., combine="nested",
  concat_dim="experiment")`` stacks the runs of a study);
* ``lat``/``lon`` with ``lat_bnds``/``lon_bnds``; ``landmask`` with ``flag_values``/``flag_meanings``;
* the global attributes ``Conventions``, ``title``, ``institution``, ``source``, ``history``,
  ``references`` and the provenance of the run.

Every file is written to a temporary name in the same folder and renamed into place, so a
killed run never leaves a file that looks complete; its permissions follow the user's umask
(as a plain ``open`` would), not ``mkstemp``'s 0600.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import shutil
import tempfile
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import xarray as xr

from tpcarbon.errors import InputError
from tpcarbon.surface.domain import Domain

#: Units and calendar of every time axis tpcarbon writes.
TIME_UNITS = "days since 1850-01-01 00:00:00"
CALENDAR = "standard"
#: The CF version the files follow (checked in CI with cfchecker's newest rules, CF-1.8).
CONVENTIONS = "CF-1.10"
#: What aggregation each ``kind`` of variables.toml means, per file frequency.
_CELL_METHODS = {("flux", "annual"): "time: mean", ("flux", "monthly"): "time: sum",
                 ("state", "annual"): "time: mean", ("state", "monthly"): "time: mean",
                 ("max", "annual"): "time: maximum", ("max", "monthly"): "time: maximum"}
_REQUIRED = ("long_name", "units", "kind")
REFERENCES = ("Li et al. (2026), Terrestrial Net Ecosystem Productivity on the Tibetan Plateau, Land (MDPI) "
              "(the study design); Lawrence et al. (2019), The Community Land Model version 5, JAMES, "
              "doi:10.1029/2018MS001583 (the model physics); He et al. (2020), CMFD, Sci. Data, "
              "doi:10.1038/s41597-020-0369-y (the forcing layout)")


class VariableTableError(LookupError):
    """A variable without a (complete) entry in ``io/variables.toml``: a programming error, not a user's."""


@lru_cache(maxsize=1)
def variable_attrs() -> dict[str, dict]:
    """The parsed ``variables.toml``: ``{name: {long_name, units, kind, ...}}``, every entry checked."""
    text = resources.files("tpcarbon.io").joinpath("variables.toml").read_text()
    table = tomllib.loads(text)
    for name, spec in table.items():
        # entries in the earlier spelling (units_annual; monthly fluxes "per month") mean the same thing
        if "units" not in spec and "units_annual" in spec:
            spec["units"] = spec.pop("units_annual")
        um = spec.get("units_monthly", "")
        if spec.get("kind") == "flux" and um.endswith(" month-1"):
            spec["units_monthly"] = um[: -len(" month-1")]
        missing = [k for k in _REQUIRED if k not in spec]
        if missing:
            raise VariableTableError(f"tpcarbon/io/variables.toml: [{name}] lacks {', '.join(missing)}")
        if spec["kind"] not in ("flux", "state", "max"):
            raise VariableTableError(f"tpcarbon/io/variables.toml: [{name}] kind = {spec['kind']!r}; "
                                     "use flux, state or max")
    return table


def cf_attrs(name: str, frequency: str = "annual") -> dict[str, str]:
    """CF attributes of output variable ``name`` for an ``annual`` or ``monthly`` file.

    Raises
    ------
    VariableTableError
        If ``name`` has no entry in ``io/variables.toml``.

    Examples
    --------
    >>> cf_attrs("NEP")["units"], cf_attrs("NEP")["cell_methods"]
    ('g m-2 yr-1', 'time: mean')
    >>> cf_attrs("NEP", "monthly")["units"], cf_attrs("NEP", "monthly")["cell_methods"]
    ('g m-2', 'time: sum')
    >>> cf_attrs("TBOT", "monthly")["cell_methods"]
    'time: mean'
    """
    table = variable_attrs()
    if name not in table:
        raise VariableTableError(f"output variable {name!r} has no entry in tpcarbon/io/variables.toml; "
                                 f"add [{name}] with long_name, units and kind (flux, state or max)")
    spec = table[name]
    kind = spec["kind"]
    attrs = {"long_name": spec["long_name"]}
    monthly_flux = kind == "flux" and frequency == "monthly"
    if monthly_flux:
        attrs["units"] = spec.get("units_monthly", spec["units"])
        if "standard_name_monthly" in spec:
            attrs["standard_name"] = spec["standard_name_monthly"]
    else:
        attrs["units"] = spec["units"]
        if "standard_name" in spec:
            attrs["standard_name"] = spec["standard_name"]
    if "cmip6" in spec:
        attrs["cmip6_name"] = spec["cmip6"]
    attrs["cell_methods"] = _CELL_METHODS[(kind, frequency)]
    comment = spec.get("comment", "")
    if kind == "flux":
        what = ("the total over the calendar year of time_bnds, i.e. the mean rate over that year per year"
                if frequency == "annual" else "the total over the month of time_bnds")
        comment = f"{comment}; {what}" if comment else what
    if comment:
        attrs["comment"] = comment
    return attrs


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _chmod_like_open(path: Path, directory: bool = False) -> None:
    """Give ``path`` the permissions a plain ``open`` (or ``mkdir``) would: 0666 (0777) less the umask."""
    mode = (0o777 if directory else 0o666) & ~_umask()
    os.chmod(path, mode)
    if directory:
        for root, dirs, files in os.walk(path):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o777 & ~_umask())
            for f in files:
                os.chmod(os.path.join(root, f), mode & 0o666)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` only on success.

    The finished file has the permissions of a plain ``open`` under the user's umask.

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
        if tmp_path.is_dir():
            _chmod_like_open(tmp_path, directory=True)
            if path.is_dir():
                shutil.rmtree(path)
        else:
            _chmod_like_open(tmp_path)
        os.replace(tmp_path, path)
    finally:
        if tmp_path.is_dir():
            shutil.rmtree(tmp_path, ignore_errors=True)
        elif tmp_path.exists():
            tmp_path.unlink()


#: Variables that CF wants without a fill value (coordinates, bounds).
_NO_FILL = ("time", "time_bnds", "lat", "lat_bnds", "lon", "lon_bnds", "year", "month")


def write_netcdf(ds: xr.Dataset, path: str | os.PathLike, compress: bool = True) -> Path:
    """Write ``ds`` to NetCDF-4 atomically (zlib level 4 for float variables).

    String variables (the ``experiment`` coordinate) are written as CF character arrays; coordinates
    and bounds get no ``_FillValue``.
    """
    encoding: dict[str, dict] = {}
    if compress:
        for name, var in ds.data_vars.items():
            if np.issubdtype(var.dtype, np.floating):
                encoding[name] = {"zlib": True, "complevel": 4}
    for name in _NO_FILL:
        if name in ds.variables:
            encoding.setdefault(name, {})["_FillValue"] = None
    for name, var in ds.variables.items():
        if var.dtype.kind in ("U", "O"):
            encoding.setdefault(str(name), {})["dtype"] = "S1"
    with atomic_path(path) as tmp:
        ds.to_netcdf(tmp, encoding=encoding, engine="netcdf4")
    return Path(path)


def write_zarr(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write ``ds`` to a Zarr store atomically (written beside, then renamed into place)."""
    with atomic_path(path) as tmp:
        tmp.unlink()
        ds.to_zarr(tmp, mode="w", consolidated=False)
    return Path(path)


# ---------------------------------------------------------------------------------------------- CF axes
def _days(year: int, month: int = 1) -> float:
    return float((np.datetime64(f"{year:04d}-{month:02d}-01") - np.datetime64("1850-01-01")).astype(np.int64))


def time_axis(years: Sequence[int], months: Sequence[int] | None = None) -> xr.Dataset:
    """The CF time axis of annual (``months=None``) or monthly records.

    Returns a dataset with ``time`` (middle of each interval, days since 1850-01-01, standard
    calendar), ``time_bnds (time, nv)`` and ``year(time)`` (and ``month(time)`` for monthly records).

    Examples
    --------
    >>> ax = time_axis([1979, 1980])
    >>> ax["time_bnds"].values.tolist()
    [[47116.0, 47481.0], [47481.0, 47847.0]]
    >>> ax["time"].values.tolist()
    [47298.5, 47664.0]
    """
    years = [int(y) for y in years]
    if months is None:
        start = np.array([_days(y) for y in years])
        end = np.array([_days(y + 1) for y in years])
    else:
        months = [int(m) for m in months]
        start = np.array([_days(y, m) for y, m in zip(years, months, strict=True)])
        end = np.array([_days(y + (m == 12), m % 12 + 1) for y, m in zip(years, months, strict=True)])
    ds = xr.Dataset(coords={"time": ("time", 0.5 * (start + end), {
        "standard_name": "time", "long_name": "time (middle of the averaging interval)", "units": TIME_UNITS,
        "calendar": CALENDAR, "axis": "T", "bounds": "time_bnds"})})
    ds["time_bnds"] = (("time", "nv"), np.stack([start, end], axis=1))
    ds = ds.assign_coords(year=("time", np.asarray(years, dtype=np.int32),
                                {"long_name": "calendar year of the record", "units": "1"}))
    if months is not None:
        ds = ds.assign_coords(month=("time", np.asarray(months, dtype=np.int32),
                                     {"long_name": "calendar month of the record", "units": "1"}))
    return ds


def grid_coords(domain: Domain) -> xr.Dataset:
    """``lat``/``lon`` with their ``lat_bnds``/``lon_bnds`` (cell edges) and the surface fields of ``domain``."""
    base = domain.to_dataset()
    h = domain.grid.res / 2.0
    lat, lon = base["lat"].values, base["lon"].values
    ds = xr.Dataset(coords={
        "lat": ("lat", lat, {"standard_name": "latitude", "long_name": "latitude of the cell centre",
                             "units": "degrees_north", "axis": "Y", "bounds": "lat_bnds"}),
        "lon": ("lon", lon, {"standard_name": "longitude", "long_name": "longitude of the cell centre",
                             "units": "degrees_east", "axis": "X", "bounds": "lon_bnds"})})
    ds["lat_bnds"] = (("lat", "nv"), np.stack([lat - h, lat + h], axis=1))
    ds["lon_bnds"] = (("lon", "nv"), np.stack([lon - h, lon + h], axis=1))
    ds["area"] = (("lat", "lon"), base["area"].values,
                  {"standard_name": "cell_area", "long_name": "area of the grid cell", "units": "m2"})
    ds["landmask"] = (("lat", "lon"), base["landmask"].values.astype(np.int8),
                      {"long_name": "cells simulated by tpcarbon", "flag_values": np.array([0, 1], dtype=np.int8),
                       "flag_meanings": "not_simulated simulated"})
    ds["landfrac"] = (("lat", "lon"), base["landfrac"].values,
                      {"standard_name": "land_area_fraction", "long_name": "land fraction of the cell",
                       "units": "1"})
    ds["elevation"] = (("lat", "lon"), base["elevation"].values,
                       {"standard_name": "surface_altitude", "long_name": "surface elevation", "units": "m"})
    return ds


def global_attrs(title: str, experiment: str, provenance: Mapping[str, object] | None = None) -> dict[str, str]:
    """The CF global attributes of a tpcarbon file (plus the run's provenance, as strings)."""
    import tpcarbon

    now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    attrs = {
        "Conventions": CONVENTIONS,
        "title": title,
        "institution": "tpcarbon user (see provenance.json beside the file)",
        "source": f"tpcarbon {tpcarbon.__version__}: CLM5-BGC-faithful column model (Lawrence et al. 2019)",
        "history": f"{now}: written by tpcarbon {tpcarbon.__version__}",
        "references": REFERENCES,
        "experiment": experiment,
    }
    if provenance:
        attrs.update({k: str(v) for k, v in provenance.items() if k not in ("Conventions", "history", "title")})
        if "history" in provenance:
            attrs["history"] = f"{provenance['history']}\n{attrs['history']}"
    return attrs


def gridded_dataset(domain: Domain, frequency: str, years: Sequence[int], data: Mapping[str, np.ndarray],
                    experiment: str, attrs: Mapping[str, object] | None = None,
                    months: Sequence[int] | None = None, title: str = "tpcarbon output") -> xr.Dataset:
    """Build a CF dataset of ``(time, lat, lon)`` variables from ``(ntime, ncell)`` arrays.

    Parameters
    ----------
    domain : Domain
        Cells and grid.
    frequency : {"annual", "monthly"}
        Selects units and cell methods of flux variables.
    years : sequence of int
        Calendar year of each record.
    data : mapping of str to ndarray, shape (ntime, ncell) or (ntime,)
        Output variables by CLM history name; each must have an entry in ``variables.toml``.
    experiment : str
        Experiment identifier (``S1`` ... ``ssp585``), written as a scalar coordinate.
    attrs : mapping, optional
        Global attributes (provenance).
    months : sequence of int, optional
        Calendar month of each record (monthly files).

    Raises
    ------
    VariableTableError
        If a variable of ``data`` has no entry in ``variables.toml``.
    """
    out = xr.merge([time_axis(years, months), grid_coords(domain)], compat="no_conflicts", join="outer",
                   combine_attrs="override")
    out.attrs = {}
    for name, values in data.items():
        spec = cf_attrs(name, frequency)
        values = np.asarray(values, dtype=np.float64)
        if values.ndim == 1:
            out[name] = (("time",), values, spec)
        else:
            out[name] = (("time", "lat", "lon"), domain.to_grid(values).astype(np.float32), spec)
    out = out.assign_coords(experiment=((), experiment, {"long_name": "experiment identifier"}))
    out.attrs.update(global_attrs(title, experiment, attrs))
    return out


def write_annual(path: str | os.PathLike, domain: Domain, years: Sequence[int],
                 annual: Mapping[str, Sequence[np.ndarray] | np.ndarray], co2: Sequence[float], experiment: str,
                 attrs: Mapping[str, object], zarr: bool = False) -> Path:
    """Write ``runs/<exp>/annual.nc`` (and ``annual.zarr`` beside it when ``zarr``) of one experiment.

    ``annual[name]`` holds one ``(ncell,)`` array per year (or a ``(nyear, ncell)`` array).
    """
    data = {k: np.stack(v) if not isinstance(v, np.ndarray) else v for k, v in annual.items()}
    data["CO2"] = np.asarray(co2, dtype=np.float64)
    title = str(attrs.get("title", "tpcarbon")) + f": annual output of experiment {experiment}"
    ds = gridded_dataset(domain, "annual", years, data, experiment, attrs=attrs, title=title)
    path = Path(path)
    write_netcdf(ds, path)
    if zarr:
        write_zarr(ds, path.with_suffix(".zarr"))
    return path
