"""A catalogue of bad inputs: every reader refuses them with one ``InputError`` line naming the file and the fix.

Each bad input is made on the fly in ``tmp_path`` from a *valid* file (the module-scoped CMFD folder written by
``write_default_forcing``, or a small valid NetCDF / CSV / TOML written by a helper below) and then broken in one
way. For each case we check that

(a) the exception is ``tpcarbon.errors.InputError`` (or its subclass ``ConfigError``);
(b) ``str(exc)`` is one line, contains the offending file's name, ``"Fix:"`` and, where relevant, the variable or
    key at fault;
(c) where the code writes outputs, nothing that looks like a complete output is left behind.

The CLI cases (``forcing check``, ``analyze``, ``site``, ``run``) check a non-zero exit code, a single ``error:``
line on stderr and no traceback.

Cases marked ``xfail(strict=True)`` are source bugs found while writing this catalogue (see their reasons).
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from click.testing import CliRunner

from tpcarbon.cli import main
from tpcarbon.errors import ConfigError, InputError
from tpcarbon.forcing.generator import WeatherGenerator
from tpcarbon.io.cmfd import CMFD_DIRS, check_forcing_folder, cmfd_filename, open_cmfd, write_default_forcing
from tpcarbon.surface.default import build_default_domain
from tpcarbon.surface.grid import make_grid

YEAR = 2001
BBOX = (30.0, 32.0, 90.0, 92.0)  # 2 x 2 one-degree cells, all on the plateau


# ================================================================================================== helpers
def check_error(exc: BaseException, *fragments: str, file: str | Path | None = None,
                variable: str | None = None) -> str:
    """Assert the one-line contract of ``InputError`` and return the message."""
    assert isinstance(exc, InputError), f"{type(exc).__name__}: {exc}"
    msg = str(exc)
    assert msg.strip(), "empty message"
    assert "\n" not in msg and "\r" not in msg, msg
    assert "Fix:" in msg, msg
    if file is not None:
        assert Path(file).name in msg, f"{Path(file).name!r} not in {msg!r}"
    if variable is not None:
        assert variable in msg, f"{variable!r} not in {msg!r}"
        assert exc.variable is not None and variable in exc.variable, exc.variable
    for f in fragments:
        assert f in msg, f"{f!r} not in {msg!r}"
    return msg


def cli(args: list[str]):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def check_cli_error(res, *fragments: str) -> str:
    """Non-zero exit, one ``error:`` line on stderr (with ``Fix:``), no traceback anywhere."""
    assert res.exit_code != 0, res.output
    err = res.stderr.strip()
    assert "Traceback" not in res.output and "Traceback" not in res.stderr, res.output
    assert "\n" not in err, err
    assert err.startswith("error: "), err
    assert "Fix:" in err, err
    for f in fragments:
        assert f in err, f"{f!r} not in {err!r}"
    return err


# -------------------------------------------------------------------------------------------------- CMFD
@pytest.fixture(scope="module")
def domain():
    return build_default_domain(res=1.0, bbox=BBOX)


@pytest.fixture(scope="module")
def cmfd_master(tmp_path_factory):
    """A valid one-year CMFD folder (written once per module; never modified)."""
    folder = tmp_path_factory.mktemp("cmfd_master") / "cmfd"
    write_default_forcing(folder, make_grid(1.0, bbox=BBOX), (YEAR, YEAR), WeatherGenerator(seed=1), progress=False)
    return folder


@pytest.fixture
def cmfd(cmfd_master, tmp_path):
    """A private copy of the valid CMFD folder, to be broken by the test."""
    folder = tmp_path / "cmfd"
    shutil.copytree(cmfd_master, folder)
    return folder


def cmfd_file(folder: Path, var: str, month: int = 1) -> Path:
    return folder / CMFD_DIRS[var] / cmfd_filename(var, YEAR, month, 1.0)   # written on the 1° run grid


def read_cmfd(folder: Path, domain) -> list:
    return list(open_cmfd(folder, domain, (YEAR, YEAR)).iter_chunks(YEAR, YEAR))


def run_reader(reader: str, folder: Path, domain):
    if reader == "open_cmfd":
        return read_cmfd(folder, domain)
    return check_forcing_folder(folder, (YEAR, YEAR), strict=True)


def rewrite_records(path: Path, var: str, index: np.ndarray) -> None:
    """Rewrite a CMFD file keeping only the records ``index`` (in that order, repeats allowed)."""
    with netCDF4.Dataset(path) as nc:
        time = np.asarray(nc["time"][:])[index]
        tunits = nc["time"].units
        lat, lon = np.asarray(nc["lat"][:]), np.asarray(nc["lon"][:])
        data = np.asarray(nc[var][:])[index]
        units = nc[var].units
    path.unlink()
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        nc.createDimension("time", None)
        nc.createDimension("lat", lat.size)
        nc.createDimension("lon", lon.size)
        v = nc.createVariable("time", "f8", ("time",))
        v.units, v.calendar = tunits, "standard"
        v[:] = time
        nc.createVariable("lat", "f4", ("lat",))[:] = lat
        nc.createVariable("lon", "f4", ("lon",))[:] = lon
        v = nc.createVariable(var, "f4", ("time", "lat", "lon"), fill_value=np.float32(1e20))
        v.units = units
        v[:] = data


def test_valid_cmfd_folder_reads(cmfd, domain):
    """Control: the folder every CMFD case starts from is valid for both readers."""
    assert len(read_cmfd(cmfd, domain)) == 12
    assert "ok" in check_forcing_folder(cmfd, (YEAR, YEAR), strict=True)


# ================================================================================================ CMFD cases
def test_cmfd_truncated_file(cmfd, domain):
    f = cmfd_file(cmfd, "prec", 1)
    data = f.read_bytes()
    f.write_bytes(data[: len(data) // 2])
    for reader in ("open_cmfd", "check"):
        with pytest.raises(InputError) as ei:
            run_reader(reader, cmfd, domain)
        check_error(ei.value, "cannot be opened as NetCDF", "re-download", file=f, variable="prec")


def test_cmfd_truncated_first_temp_file(cmfd, domain):
    f = cmfd_file(cmfd, "temp", 1)
    data = f.read_bytes()
    f.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as ei:
        read_cmfd(cmfd, domain)
    check_error(ei.value, "cannot be opened as NetCDF", file=f, variable="temp")


@pytest.mark.parametrize("reader", ["open_cmfd", "check"])
def test_cmfd_unknown_units(cmfd, domain, reader):
    f = cmfd_file(cmfd, "temp", 1)
    with netCDF4.Dataset(f, "a") as nc:
        nc["temp"].units = "furlongs"
    with pytest.raises(InputError) as ei:
        run_reader(reader, cmfd, domain)
    check_error(ei.value, "unknown units 'furlongs'", file=f, variable="temp")


@pytest.mark.parametrize("reader", ["open_cmfd", "check"])
def test_cmfd_celsius_values_labelled_kelvin(cmfd, domain, reader):
    """K vs degC mix-up: the values are degC (-30..0) but the units attribute says K."""
    f = cmfd_file(cmfd, "temp", 1)
    with netCDF4.Dataset(f, "a") as nc:
        v = nc["temp"]
        v[:] = v[:] - 273.15
        assert v.units == "K"
    with pytest.raises(InputError) as ei:
        run_reader(reader, cmfd, domain)
    check_error(ei.value, "outside the physical range", file=f, variable="temp")


def test_cmfd_all_nan_variable_open(cmfd, domain):
    f = cmfd_file(cmfd, "shum", 1)
    with netCDF4.Dataset(f, "a") as nc:
        nc["shum"][:] = np.nan
    with pytest.raises(InputError) as ei:
        read_cmfd(cmfd, domain)
    check_error(ei.value, "no data at the simulated cell", "(4 cells)", file=f, variable="shum")


def test_cmfd_all_nan_variable_check(cmfd):
    f = cmfd_file(cmfd, "shum", 1)
    with netCDF4.Dataset(f, "a") as nc:
        nc["shum"][:] = np.nan
    with pytest.raises(InputError) as ei:
        check_forcing_folder(cmfd, (YEAR, YEAR), strict=True)
    check_error(ei.value, file=f, variable="shum")


@pytest.mark.parametrize("reader", ["open_cmfd", "check"])
def test_cmfd_missing_month(cmfd, domain, reader):
    f = cmfd_file(cmfd, "shum", 6)
    f.unlink()
    with pytest.raises(InputError) as ei:
        run_reader(reader, cmfd, domain)
    check_error(ei.value, "missing", "2001-06", file=f, variable="shum")


def test_cmfd_three_consecutive_nan_records(cmfd, domain):
    f = cmfd_file(cmfd, "temp", 3)
    with netCDF4.Dataset(f, "a") as nc:
        nc["temp"][10:13, 0, 0] = np.nan
    with pytest.raises(InputError) as ei:
        read_cmfd(cmfd, domain)
    check_error(ei.value, "3 consecutive missing records", "30.50N 90.50E", file=f, variable="temp")


def test_cmfd_two_nan_records_are_filled_not_refused(cmfd, domain):
    """Control for the case above: a gap of 2 records is interpolated and counted."""
    with netCDF4.Dataset(cmfd_file(cmfd, "temp", 3), "a") as nc:
        nc["temp"][10:12, 0, 0] = np.nan
    src = open_cmfd(cmfd, domain, (YEAR, YEAR))
    chunks = list(src.iter_chunks(YEAR, YEAR))
    assert src.filled_records == 2
    assert all(np.isfinite(c.temp).all() for c in chunks)


@pytest.mark.parametrize("reader", ["open_cmfd", "check"])
def test_cmfd_negative_precipitation(cmfd, domain, reader):
    f = cmfd_file(cmfd, "prec", 1)
    with netCDF4.Dataset(f, "a") as nc:
        nc["prec"][5, :, :] = -1.0
    with pytest.raises(InputError) as ei:
        run_reader(reader, cmfd, domain)
    check_error(ei.value, "outside the physical range", file=f, variable="prec")


@pytest.mark.parametrize("reader", ["open_cmfd", "check"])
def test_cmfd_folder_does_not_exist(tmp_path, domain, reader):
    missing = tmp_path / "no_such_cmfd_folder"
    with pytest.raises(InputError) as ei:
        run_reader(reader, missing, domain)
    check_error(ei.value, "forcing folder not found", file=missing)


@pytest.mark.parametrize("reader", ["open_cmfd", "check"])
def test_cmfd_file_given_instead_of_folder(cmfd, domain, reader):
    f = cmfd_file(cmfd, "temp", 1)
    with pytest.raises(InputError) as ei:
        run_reader(reader, f, domain)
    check_error(ei.value, "is a file, not a folder", file=f)


@pytest.mark.parametrize("reader", ["open_cmfd", "check"])
def test_cmfd_gzipped_file(cmfd, domain, reader):
    f = cmfd_file(cmfd, "prec", 3)
    gz = f.with_name(f.name + ".gz")
    gz.write_bytes(gzip.compress(f.read_bytes()))
    f.unlink()
    with pytest.raises(InputError) as ei:
        run_reader(reader, cmfd, domain)
    check_error(ei.value, "gzipped", "gunzip", file=gz)


def test_cmfd_grid_not_covering_region(cmfd, domain):
    f = cmfd_file(cmfd, "temp", 1)  # the first file read: its grid defines the cell mapping
    with netCDF4.Dataset(f, "a") as nc:
        nc["lon"][:] = nc["lon"][:] + 10.0
    with pytest.raises(InputError) as ei:
        read_cmfd(cmfd, domain)
    check_error(ei.value, "does not cover the region", file=f)


def test_cmfd_grid_shifted_in_a_later_file(cmfd, domain):
    f = cmfd_file(cmfd, "prec", 1)  # read after temp/shum/... of the same month, same shape
    with netCDF4.Dataset(f, "a") as nc:
        nc["lon"][:] = nc["lon"][:] + 10.0
    with pytest.raises(InputError) as ei:
        read_cmfd(cmfd, domain)
    check_error(ei.value, "does not cover the region", file=f)


@pytest.mark.parametrize("kind", ["missing_stamp", "duplicated_stamp"])
def test_cmfd_wrong_number_of_time_steps(cmfd, domain, kind):
    f = cmfd_file(cmfd, "wind", 1)
    n = 31 * 8
    index = np.arange(n - 1) if kind == "missing_stamp" else np.r_[0:11, 10:n]
    rewrite_records(f, "wind", index)
    with pytest.raises(InputError) as ei:
        read_cmfd(cmfd, domain)
    check_error(ei.value, f"{index.size} time steps, expected {n}", file=f, variable="wind")


def test_cmfd_duplicated_stamp_with_right_count(cmfd, domain):
    f = cmfd_file(cmfd, "wind", 1)
    n = 31 * 8
    rewrite_records(f, "wind", np.r_[0:11, 10:n - 1])
    with pytest.raises(InputError) as ei:
        read_cmfd(cmfd, domain)
    check_error(ei.value, file=f, variable="time")


def _rename_wind(cmfd: Path) -> Path:
    f = cmfd_file(cmfd, "wind", 1)
    with netCDF4.Dataset(f, "a") as nc:
        nc.renameVariable("wind", "ws")
    return f


def test_cmfd_variable_missing_from_file_open(cmfd, domain):
    f = _rename_wind(cmfd)
    with pytest.raises(InputError) as ei:
        read_cmfd(cmfd, domain)
    check_error(ei.value, "variable 'wind' not in the file", file=f, variable="wind")


def test_cmfd_variable_missing_from_file_check(cmfd):
    f = _rename_wind(cmfd)
    with pytest.raises(InputError) as ei:
        check_forcing_folder(cmfd, (YEAR, YEAR), strict=True)
    check_error(ei.value, file=f, variable="wind")


def test_generated_forcing_is_named_after_its_grid(cmfd):
    """1° files used to be named ..._010deg_... (CMFD's 0.1°)."""
    names = {p.name for p in (cmfd / "Temp").iterdir()}
    assert f"temp_CMFD_V0106_B-01_03hr_100deg_{YEAR}01.nc" in names
    assert not any("_010deg_" in n for n in names)


def test_write_default_forcing_into_a_file(tmp_path):
    target = tmp_path / "forcing_is_a_file"
    target.write_text("not a folder")
    with pytest.raises(InputError) as ei:
        write_default_forcing(target, make_grid(1.0, bbox=BBOX), (YEAR, YEAR), WeatherGenerator(seed=1),
                              progress=False)
    check_error(ei.value, file=target)
    assert target.read_text() == "not a folder"


# ================================================================================================ CF forcing
CF_VARS = {"tas": (260.0, "K"), "huss": (2e-3, "1"), "ps": (6.0e4, "Pa"), "sfcWind": (3.0, "m s-1"),
           "rsds": (200.0, "W m-2"), "rlds": (250.0, "W m-2"), "pr": (1e-5, "kg m-2 s-1")}


@pytest.fixture
def cf_file(tmp_path):
    """A valid one-year 3-hourly CF file on a 2 x 2 grid whose points are the domain's cells."""
    folder = tmp_path / "cf"
    folder.mkdir()
    t = pd.date_range(f"{YEAR}-01-01", periods=365 * 8, freq="3h")
    wave = 1.0 + 0.05 * np.sin(np.arange(t.size) / 7.0)[:, None, None]
    ds = xr.Dataset({k: (("time", "lat", "lon"), (v * wave * np.ones((1, 2, 2))).astype(np.float32), {"units": u})
                     for k, (v, u) in CF_VARS.items()},
                    coords={"time": t, "lat": ("lat", [30.5, 31.5], {"units": "degrees_north"}),
                            "lon": ("lon", [90.5, 91.5], {"units": "degrees_east"})})
    ds["time"].encoding.update({"units": f"hours since {YEAR}-01-01", "calendar": "standard"})
    path = folder / f"forcing_{YEAR}.nc"
    ds.to_netcdf(path)
    return path


def mutate_cf(path: Path, fn) -> None:
    ds = xr.load_dataset(path)
    ds = fn(ds)
    path.unlink()
    ds.to_netcdf(path)


def open_and_read_cf(path, domain):
    from tpcarbon.io.cf import open_cf_forcing

    src = open_cf_forcing(path, domain)
    try:
        return list(src.iter_chunks(*src.years))
    finally:
        src.close()


def test_valid_cf_file_reads(cf_file, domain):
    assert len(open_and_read_cf(cf_file, domain)) == 12


def test_cf_duplicated_time_stamp(cf_file, domain):
    mutate_cf(cf_file, lambda ds: ds.isel(time=np.r_[0:11, 10:ds.sizes["time"]]))
    with pytest.raises(InputError) as ei:
        open_and_read_cf(cf_file, domain)
    check_error(ei.value, "not strictly increasing", file=cf_file, variable="time")


def test_cf_overlapping_files(cf_file, domain):
    """A second file repeating February: the glob's time axis has duplicated stamps."""
    with xr.open_dataset(cf_file) as ds:
        ds.sel(time=slice(f"{YEAR}-02-01", f"{YEAR}-02-28T21:00")).to_netcdf(cf_file.parent / "forcing_feb_copy.nc")
    pattern = cf_file.parent / "*.nc"
    with pytest.raises(InputError) as ei:
        open_and_read_cf(pattern, domain)
    check_error(ei.value, file=cf_file.parent)


def test_cf_missing_variable(cf_file, domain):
    mutate_cf(cf_file, lambda ds: ds.drop_vars("huss"))
    with pytest.raises(InputError) as ei:
        open_and_read_cf(cf_file, domain)
    check_error(ei.value, "no variable for shum", "huss", file=cf_file, variable="shum")


def test_cf_bad_units(cf_file, domain):
    def bad(ds):
        ds["tas"].attrs["units"] = "furlongs"
        return ds

    mutate_cf(cf_file, bad)
    with pytest.raises(InputError) as ei:
        open_and_read_cf(cf_file, domain)
    check_error(ei.value, "'furlongs' cannot be read as temp", file=cf_file, variable="tas")


def test_cf_nan_at_a_domain_cell(cf_file, domain):
    def nan(ds):
        ds["rsds"][8 * 40: 8 * 40 + 2, 1, 0] = np.nan  # 10 February, cell 31.5N 90.5E
        return ds

    mutate_cf(cf_file, nan)
    with pytest.raises(InputError) as ei:
        open_and_read_cf(cf_file, domain)
    check_error(ei.value, "missing or NaN values", f"{YEAR}-02-10", file=cf_file, variable="rsds")


# ================================================================================================ CMIP6 anomalies
@pytest.fixture
def cmip6_folder(tmp_path):
    """Valid synthetic CMIP6 ssp245 Amon files (all seven variables) around the domain."""
    from tpcarbon.io.cmip6 import write_synthetic_cmip6

    folder = tmp_path / "cmip6"
    write_synthetic_cmip6(folder, "ssp245", years=(2005, 2030), lat_range=(26.0, 36.0), lon_range=(85.0, 97.5))
    return folder


def test_cmip6_wrong_ssp_label(cmip6_folder, domain):
    """Asking for ssp585 with ssp245 files (experiment_id mismatch; CTSM#2301)."""
    from tpcarbon.io.cmip6 import build_cmip6_anomalies

    with pytest.raises(InputError) as ei:
        build_cmip6_anomalies(cmip6_folder, "ssp585", domain)
    msg = check_error(ei.value, "experiment_id is 'ssp245' but 'ssp585' was requested", variable="experiment_id")
    assert any(p.name in msg for p in cmip6_folder.glob("*.nc")), msg


def test_cmip6_missing_variable(cmip6_folder, domain):
    from tpcarbon.io.cmip6 import build_cmip6_anomalies

    for p in cmip6_folder.glob("huss_*.nc"):
        p.unlink()
    with pytest.raises(InputError) as ei:
        build_cmip6_anomalies(cmip6_folder, "ssp245", domain, reference_period=(2005, 2025), window=5)
    msg = check_error(ei.value, "has no ssp245 file of huss", variable="huss")
    assert any(p.name in msg for p in cmip6_folder.glob("*.nc")), msg


# ================================================================================================ SSP source
def _anomalies(scenario: str, ncell: int):
    from tpcarbon.io.cmip6 import ADDITIVE_VARS, SCALE_VARS, MonthlyAnomalies

    years = np.arange(2019, 2031)
    z = np.zeros((years.size, 12, ncell))
    return MonthlyAnomalies(years=years, add={k: z for k in ADDITIVE_VARS}, scale={k: z + 1.0 for k in SCALE_VARS},
                            scenario=scenario, description="test")


def _ssp_mismatch(cmfd, domain, tmp_path):
    from tpcarbon.experiments.scenarios import make_ssp_source
    from tpcarbon.io.cmip6 import MonthlyAnomalies

    path = _anomalies("ssp245", domain.ncell).save(tmp_path / "anomalies_ssp245.nc")
    anomalies = MonthlyAnomalies.load(path)  # a valid anomaly file of another scenario
    source = open_cmfd(cmfd, domain, (YEAR, YEAR))
    with pytest.raises(InputError) as ei:
        make_ssp_source(source, "ssp585", domain, anomalies, base_years=(YEAR, YEAR), years=(2019, 2030))
    return ei.value, path


def test_ssp_source_with_anomalies_of_another_scenario(cmfd, domain, tmp_path):
    exc, _ = _ssp_mismatch(cmfd, domain, tmp_path)
    check_error(exc, "'ssp245'", "'ssp585'")


def test_ssp_source_mismatch_names_the_anomaly_file(cmfd, domain, tmp_path):
    exc, path = _ssp_mismatch(cmfd, domain, tmp_path)
    check_error(exc, file=path)


# ================================================================================================ CLM history
NOLEAP = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=float)


def write_h0_year(folder: Path, year: int = 2000) -> list[Path]:
    """Twelve valid monthly CLM5 h0 files (2 x 2 grid, noleap, time_bounds)."""
    folder.mkdir(parents=True, exist_ok=True)
    start = np.concatenate(([0.0], np.cumsum(NOLEAP)))
    paths = []
    for m in range(12):
        t0, t1 = start[m], start[m + 1]
        grid = np.ones((1, 2, 2))
        ds = xr.Dataset(
            {"GPP": (("time", "lat", "lon"), 1e-5 * grid, {"units": "gC/m^2/s"}),
             "NPP": (("time", "lat", "lon"), 6e-6 * grid, {"units": "gC/m^2/s"}),
             "HR": (("time", "lat", "lon"), 4e-6 * grid, {"units": "gC/m^2/s"}),
             "TSA": (("time", "lat", "lon"), 270.0 * grid, {"units": "K"}),
             "area": (("lat", "lon"), np.full((2, 2), 100.0), {"units": "km^2"}),
             "landfrac": (("lat", "lon"), np.ones((2, 2)), {"units": "unitless"}),
             "time_bounds": (("time", "hist_interval"), [[t0, t1]])},
            coords={"time": ("time", [t1], {"units": f"days since {year}-01-01 00:00:00", "calendar": "noleap",
                                            "bounds": "time_bounds"}),
                    "lat": ("lat", [30.5, 31.5], {"units": "degrees_north"}),
                    "lon": ("lon", [90.5, 91.5], {"units": "degrees_east"})})
        p = folder / f"case.clm2.h0.{year:04d}-{m + 1:02d}.nc"
        ds.to_netcdf(p)
        paths.append(p)
    return paths


@pytest.fixture
def h0_files(tmp_path):
    return write_h0_year(tmp_path / "hist")


def test_valid_clm_history_reads(h0_files):
    from tpcarbon.io.clm_history import read_clm_history

    assert read_clm_history(h0_files)["year"].values.tolist() == [2000]


def test_clm_history_corrupt_file(h0_files):
    from tpcarbon.io.clm_history import read_clm_history

    bad = h0_files[4]
    data = bad.read_bytes()
    bad.write_bytes(data[: len(data) // 3])
    with pytest.raises(InputError) as ei:
        read_clm_history(h0_files)
    check_error(ei.value, "cannot be opened as NetCDF", file=bad)


def test_clm_history_without_carbon_variable(h0_files):
    from tpcarbon.io.clm_history import read_clm_history

    for p in h0_files:
        ds = xr.load_dataset(p, decode_times=False).drop_vars(["GPP", "NPP", "HR"])
        p.unlink()
        ds.to_netcdf(p)
    with pytest.raises(InputError) as ei:
        read_clm_history(h0_files)
    check_error(ei.value, "no recognisable carbon variable", file=h0_files[0])


# ================================================================================================ FLUXNET
def write_fluxnet(path: Path, ndays: int = 2, dt: int = 1800) -> Path:
    """A valid FLUXNET2015 SUBSET half-hourly CSV with constant meteorology."""
    n = ndays * 86400 // dt
    t0 = pd.Timestamp("2015-01-01 00:00") + pd.to_timedelta(np.arange(n) * dt, unit="s")
    t1 = t0 + pd.Timedelta(seconds=dt)
    cols = {"TIMESTAMP_START": t0.strftime("%Y%m%d%H%M"), "TIMESTAMP_END": t1.strftime("%Y%m%d%H%M"),
            "TA_F": 5.0, "VPD_F": 3.0, "PA_F": 60.0, "WS_F": 2.0, "SW_IN_F": 200.0, "LW_IN_F": 250.0, "P_F": 0.1,
            "CO2_F_MDS": 400.0, "NEE_VUT_REF": 1.0, "GPP_NT_VUT_REF": 2.0, "RECO_NT_VUT_REF": 3.0}
    pd.DataFrame({k: np.broadcast_to(v, n) if np.ndim(v) == 0 else v for k, v in cols.items()}).to_csv(
        path, index=False)
    return path


@pytest.fixture
def flx_file(tmp_path):
    return write_fluxnet(tmp_path / "FLX_CN-Dan_FLUXNET2015_SUBSET_HH_2015-2015_1-4.csv")


def drop_columns(path: Path, *columns: str) -> None:
    df = pd.read_csv(path, dtype={"TIMESTAMP_START": str, "TIMESTAMP_END": str})
    df.drop(columns=list(columns)).to_csv(path, index=False)


def test_valid_fluxnet_file_reads(flx_file):
    from tpcarbon.io.fluxnet import read_site_forcing

    assert read_site_forcing(flx_file).nt == 96


@pytest.mark.parametrize("column", ["TA_F", "PA_F", "SW_IN_F"])
def test_fluxnet_missing_required_column(flx_file, column):
    from tpcarbon.io.fluxnet import read_site_forcing

    drop_columns(flx_file, column)
    with pytest.raises(InputError) as ei:
        read_site_forcing(flx_file)
    check_error(ei.value, "required column is missing", file=flx_file, variable=column)


def test_fluxnet_missing_humidity_columns(flx_file):
    from tpcarbon.io.fluxnet import read_site_forcing

    drop_columns(flx_file, "VPD_F")
    with pytest.raises(InputError) as ei:
        read_site_forcing(flx_file)
    check_error(ei.value, "VPD_F or RH", file=flx_file, variable="VPD_F")


# ================================================================================================ surface files
SURF_LAT = np.arange(29.75, 32.3, 0.5)  # 0.5-degree cells covering BBOX with a margin
SURF_LON = np.arange(89.75, 92.3, 0.5)


def _surface_ds(kind: str) -> xr.Dataset:
    shape = (SURF_LAT.size, SURF_LON.size)
    coords = {"lat": ("lat", SURF_LAT, {"units": "degrees_north"}), "lon": ("lon", SURF_LON, {"units": "degrees_east"})}
    if kind == "mask":
        return xr.Dataset({"mask": (("lat", "lon"), np.ones(shape))}, coords=coords)
    if kind == "pft":
        frac = np.zeros((15,) + shape)
        frac[12], frac[11] = 0.8, 0.2
        return xr.Dataset({"pft_frac": (("pft", "lat", "lon"), frac)}, coords=coords)
    return xr.Dataset({"PCT_SAND": (("lat", "lon"), np.full(shape, 40.0), {"units": "%"}),
                       "PCT_CLAY": (("lat", "lon"), np.full(shape, 20.0), {"units": "%"})}, coords=coords)


@pytest.fixture
def surface_files(tmp_path):
    """Valid mask, PFT and soil files for BBOX."""
    out = {}
    for kind in ("mask", "pft", "soil"):
        p = tmp_path / f"user_{kind}.nc"
        _surface_ds(kind).to_netcdf(p)
        out[kind] = p
    return out


def mutate_nc(path: Path, fn) -> None:
    ds = fn(xr.load_dataset(path))
    path.unlink()
    ds.to_netcdf(path)


def test_valid_surface_files_build_a_domain(surface_files):
    d = build_default_domain(res=1.0, bbox=BBOX, mask=str(surface_files["mask"]), pft=str(surface_files["pft"]),
                             soil=str(surface_files["soil"]))
    assert d.ncell == 4


def test_mask_selecting_nothing(surface_files):
    p = surface_files["mask"]
    mutate_nc(p, lambda ds: ds.assign(mask=ds["mask"] * 0.0))
    with pytest.raises(InputError) as ei:
        build_default_domain(res=1.0, bbox=BBOX, mask=str(p))
    check_error(ei.value, "selects no cell", file=p, variable="mask")


def test_mask_polygon_outside_region(tmp_path):
    p = tmp_path / "region.geojson"
    ring = [[10.0, 10.0], [12.0, 10.0], [12.0, 12.0], [10.0, 12.0], [10.0, 10.0]]
    p.write_text(json.dumps({"type": "Polygon", "coordinates": [ring]}))
    with pytest.raises(InputError) as ei:
        build_default_domain(res=1.0, bbox=BBOX, mask=str(p))
    check_error(ei.value, "contains no plateau cells", file=p, variable="mask")


def test_pft_file_with_wrong_shape(surface_files):
    p = surface_files["pft"]
    mutate_nc(p, lambda ds: ds.isel(pft=slice(0, 10)))
    with pytest.raises(InputError) as ei:
        build_default_domain(res=1.0, bbox=BBOX, pft=str(p))
    check_error(ei.value, "expected 15 natural PFTs", "(10, 6, 6)", file=p, variable="pft_frac")


def test_soil_out_of_range(surface_files):
    p = surface_files["soil"]
    mutate_nc(p, lambda ds: ds.assign(PCT_SAND=ds["PCT_SAND"] * 0 + 150.0))
    with pytest.raises(InputError) as ei:
        build_default_domain(res=1.0, bbox=BBOX, soil=str(p))
    check_error(ei.value, "out-of-range (0-100 %)", file=p, variable="PCT_SAND")


def test_default_domain_empty_region():
    """A bbox with no plateau cell: no file is at fault, the message names the box instead."""
    with pytest.raises(InputError) as ei:
        build_default_domain(res=1.0, bbox=(10.0, 12.0, 10.0, 12.0))
    check_error(ei.value, "(10.0, 12.0, 10.0, 12.0)", "contains no plateau cells", variable="mask")


# ================================================================================================ study files
@pytest.fixture
def study_file(tmp_path):
    """The valid commented example study (``tpcarbon init-study``)."""
    from tpcarbon.experiments.study import EXAMPLE_STUDY, load_study

    p = tmp_path / "study.toml"
    p.write_text(EXAMPLE_STUDY)
    load_study(p)  # control: valid as written
    return p


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("old,new,text,variable", [
    ("resolution = 1.0", "resolutoin = 1.0", "did you mean 'resolution'", "region.resolutoin"),   # unknown key
    ("[spinup]", "[spinnup]", "did you mean 'spinup'", "spinnup"),                                # unknown table
    ("max_years = 40", 'max_years = "forty"', "expected an integer", "spinup.max_years"),     # wrong type
])
def test_study_file_mistakes_name_the_key_and_the_fix(study_file, old, new, text, variable):
    from tpcarbon.experiments.study import load_study

    _replace(study_file, old, new)
    with pytest.raises(ConfigError) as ei:
        load_study(study_file)
    check_error(ei.value, text, file=study_file, variable=variable)


def test_study_missing_file(tmp_path):
    from tpcarbon.experiments.study import load_study

    p = tmp_path / "no_such_study.toml"
    with pytest.raises(ConfigError) as ei:
        load_study(p)
    check_error(ei.value, "study file not found", file=p)


def test_study_bad_toml(study_file):
    from tpcarbon.experiments.study import load_study

    _replace(study_file, "[years]", "[years")
    with pytest.raises(ConfigError) as ei:
        load_study(study_file)
    check_error(ei.value, "not valid TOML", file=study_file)


# ================================================================================================ output folder
def test_run_study_output_folder_is_a_file(tmp_path):
    from tpcarbon.experiments.runner import run_study
    from tpcarbon.experiments.study import StudyConfig

    out = tmp_path / "results"
    out.write_text("a file where the output folder should be")
    cfg = StudyConfig().with_changes(output={"folder": str(out)}, region={"bbox": BBOX})
    with pytest.raises(InputError) as ei:
        run_study(cfg, log=lambda s: None, progress=False, build_report=False)
    check_error(ei.value, "output folder is not writable", file=out)
    assert out.read_text() == "a file where the output folder should be"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_check_writable_below_a_file(tmp_path):
    from tpcarbon.experiments.runner import _check_writable

    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(InputError) as ei:
        _check_writable(blocker / "run")
    check_error(ei.value, "output folder is not writable", file=blocker / "run")


# ================================================================================================ CLI
def test_cli_forcing_check_bad_units(cmfd):
    f = cmfd_file(cmfd, "pres", 1)
    with netCDF4.Dataset(f, "a") as nc:
        nc["pres"].units = "furlongs"
    check_cli_error(cli(["forcing", "check", cmfd, "--years", f"{YEAR}-{YEAR}"]), f.name, "pres", "furlongs")


def test_cli_analyze_corrupt_history_file(h0_files, tmp_path):
    bad = h0_files[0]
    bad.write_bytes(bad.read_bytes()[:200])
    out = tmp_path / "analysis"
    check_cli_error(cli(["analyze", *h0_files, "--out", out]), bad.name, "cannot be opened as NetCDF")
    assert not (out / "report.html").exists()
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))


def test_cli_site_missing_column(flx_file, tmp_path):
    drop_columns(flx_file, "PA_F")
    out = tmp_path / "site_out"
    res = cli(["site", "--forcing", flx_file, "--lat", "30.5", "--lon", "91.0", "--pft", "c3_arctic_grass",
               "--out", out])
    check_cli_error(res, flx_file.name, "PA_F", "required column is missing")
    assert not (out / "daily.csv").exists()
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))


def test_cli_run_unknown_key(study_file, tmp_path):
    _replace(study_file, "drift_threshold = 1.0", "drift_treshold = 1.0")
    out = tmp_path / "run_out"
    check_cli_error(cli(["run", study_file, "--out", out]), study_file.name, "spinup.drift_treshold",
                    "did you mean 'drift_threshold'")
    assert not out.exists()


def _cmfd_study(tmp_path: Path, forcing: Path, out: Path) -> Path:
    p = tmp_path / "cmfd_study.toml"
    p.write_text(f"""name = "bad-forcing"
[region]
bbox = [{BBOX[0]}, {BBOX[1]}, {BBOX[2]}, {BBOX[3]}]
[forcing]
source = "cmfd"
path = "{forcing}"
[years]
historical = [{YEAR}, {YEAR}]
future = [2019, 2020]
analysis_future = [2019, 2020]
[spinup]
cycle_years = [{YEAR}, {YEAR}]
max_years = 2
[experiments]
run = ["S1"]
[output]
folder = "{out}"
""")
    return p


def test_cli_run_with_out_of_range_forcing_leaves_no_complete_cache(cmfd, tmp_path, domain):
    """A range error in June: the Zarr cache is half written and must not be marked complete."""
    from tpcarbon.io.zarr_cache import open_forcing_cache

    f = cmfd_file(cmfd, "temp", 6)
    with netCDF4.Dataset(f, "a") as nc:
        nc["temp"][:] = nc["temp"][:] - 273.15
    out = tmp_path / "run_out"
    study = _cmfd_study(tmp_path, cmfd, out)
    check_cli_error(cli(["run", study]), f.name, "temp", "outside the physical range")
    store = out / "forcing" / "cache.zarr"
    if store.exists():
        with pytest.raises(InputError) as ei:
            open_forcing_cache(store, domain)
        check_error(ei.value, "incomplete forcing cache", file=store)
    assert not (out / "report.html").exists()
    assert not (out / "provenance.json").exists()
    assert not list(out.rglob("annual.nc")) and not list(out.rglob("restart.nc"))


# ================================================================================================ validation holes
@pytest.mark.parametrize("old,new,text,variable", [
    ("resolution = 1.0", "resolution = 0.3", "unsupported resolution 0.3", "region.resolution"),
    ("analysis_future = [2025, 2100]", "analysis_future = [2000, 2100]", "not inside years.future",
     "years.analysis_future"),
    ('run = ["S1", "S2"', 'run = ["S1", "S1"', "listed twice", "experiments.run"),
    ("monthly = false", "monthly = true", "not written yet", "output.monthly"),
    ('paramfile = "default"', 'paramfile = "no_such_params.nc"', "file not found", "model.paramfile"),
    ('mask = "default"', 'mask = "no_such_mask.nc"', "file not found", "region.mask"),
    ("area_share = 0.03", "area_share = 3.0", "not a fraction", "spinup.area_share"),
    ("workers = 2", "workers = 0", "at least 1", "compute.workers"),
    ('source = "default"', 'source = "default"\nmapping = {temp = "tas"}', "only used with source", "forcing.mapping"),
])
def test_study_values_that_used_to_pass(study_file, old, new, text, variable):
    from tpcarbon.experiments.study import load_study

    _replace(study_file, old, new)
    with pytest.raises(ConfigError) as ei:
        load_study(study_file)
    check_error(ei.value, text, file=study_file, variable=variable)


@pytest.mark.parametrize("args,text,variable", [
    (["--scheduler", "threads"], "unknown scheduler 'threads'", "compute.scheduler"),
    (["--resolution", "0.3"], "unsupported resolution 0.3", "region.resolution"),
    (["--workers", "0", "--scheduler", "local"], "must be at least 1", "compute.workers"),
])
def test_cli_overrides_are_validated_before_anything_runs(tmp_path, args, text, variable):
    out = tmp_path / "demo_out"
    err = check_cli_error(cli(["demo", "--quick", "--out", out, *args]), text, variable)
    assert err.startswith("error: command line: ")
    assert not out.exists()


def test_overrides_of_a_study_file_are_validated(study_file, tmp_path):
    from tpcarbon.experiments.study import load_study

    with pytest.raises(ConfigError) as ei:
        load_study(study_file).with_changes(compute={"scheduler": "threads"})
    check_error(ei.value, "unknown scheduler", file=study_file, variable="compute.scheduler")


def test_init_study_into_a_missing_folder(tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "x.toml"
    check_cli_error(cli(["init-study", target]), "x.toml", "does not exist")
    assert not target.parent.exists()


def test_disk_estimate_refuses_a_full_disk(tmp_path, monkeypatch):
    import shutil as _sh
    from collections import namedtuple

    from tpcarbon.experiments.runner import run_study
    from tpcarbon.experiments.study import StudyConfig

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(_sh, "disk_usage", lambda p: usage(10**6, 10**6 - 1000, 1000))
    out = tmp_path / "run"
    cfg = StudyConfig().with_changes(output={"folder": str(out)}, region={"bbox": BBOX})
    with pytest.raises(InputError) as ei:
        run_study(cfg, progress=False, build_report=False)
    check_error(ei.value, "needs about", "GB are free", file=out)
    assert not (out / "forcing").exists()


def test_forcing_check_reads_every_month(cmfd):
    """A May at 400 K used to pass: only the first month was read."""
    f = cmfd_file(cmfd, "temp", 5)
    with netCDF4.Dataset(f, "a") as nc:
        nc["temp"][17, 1, 1] = 400.0
    with pytest.raises(InputError) as ei:
        check_forcing_folder(cmfd, (YEAR, YEAR), strict=True)
    check_error(ei.value, "value 400 K", "file units 'K'", "outside the physical range", file=f, variable="temp")


def test_forcing_check_reads_every_time_axis(cmfd):
    f = cmfd_file(cmfd, "srad", 9)
    with netCDF4.Dataset(f, "a") as nc:
        nc["time"][5] = nc["time"][5] + 1.5
    with pytest.raises(InputError) as ei:
        check_forcing_folder(cmfd, (YEAR, YEAR), strict=True)
    check_error(ei.value, "time step 5", file=f, variable="time")


def test_forcing_check_finds_long_gaps_in_any_month(cmfd):
    f = cmfd_file(cmfd, "wind", 11)
    with netCDF4.Dataset(f, "a") as nc:
        nc["wind"][40:44, 0, 1] = np.nan
    with pytest.raises(InputError) as ei:
        check_forcing_folder(cmfd, (YEAR, YEAR), strict=True)
    check_error(ei.value, "4 consecutive missing records", file=f, variable="wind")


def test_forcing_check_ignores_unrelated_folders(cmfd):
    """A stray copy in another sub-folder (a backup, an old download) is neither read nor a duplicate."""
    stray = cmfd / "old_backup"
    stray.mkdir()
    bad = stray / cmfd_file(cmfd, "temp", 1).name
    shutil.copyfile(cmfd_file(cmfd, "temp", 1), bad)
    with netCDF4.Dataset(bad, "a") as nc:
        nc["temp"][:] = 999.0
    assert check_forcing_folder(cmfd, (YEAR, YEAR), strict=True).endswith("ok")


def test_forcing_check_states_file_units_and_canonical_values(cmfd):
    out = check_forcing_folder(cmfd, (YEAR, YEAR), strict=True)
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("prec"))
    assert "file units 'mm hr-1'" in line and "canonical kg m-2 s-1" in line and "over 12 files" in line
    assert "(not compared with a [region]" in out


def test_forcing_check_grid_against_the_study_region(cmfd, tmp_path):
    study = tmp_path / "s.toml"
    study.write_text("[region]\nbbox = [28.0, 34.0, 88.0, 94.0]\n")
    err = check_cli_error(cli(["forcing", "check", cmfd, "--years", f"{YEAR}-{YEAR}", "--study", study]),
                          "does not cover [region] bbox 28.0-34.0N 88.0-94.0E")
    assert "lat/lon" in err
    study.write_text(f"[region]\nbbox = [{BBOX[0]}, {BBOX[1]}, {BBOX[2]}, {BBOX[3]}]\n")
    res = cli(["forcing", "check", cmfd, "--years", f"{YEAR}-{YEAR}", "--study", study])
    assert res.exit_code == 0 and "covers [region]" in res.output


def test_report_on_a_folder_without_study_toml(tmp_path):
    from tpcarbon.testing.runs import write_synthetic_run

    folder = write_synthetic_run(tmp_path / "run")
    (folder / "study.toml").unlink()
    res = cli(["report", folder])
    assert res.exit_code == 0, res.output
    assert "NEP 1979-1990" in (folder / "report.html").read_text()
    assert (folder / "maps.nc").exists()


def test_report_on_a_folder_without_runs(tmp_path):
    check_cli_error(cli(["report", tmp_path]), "no runs/<experiment>/annual.nc found")


def test_analyze_accepts_tpcarbon_annual_nc(tmp_path):
    from tpcarbon.testing.runs import write_synthetic_run

    folder = write_synthetic_run(tmp_path / "run")
    out = tmp_path / "analysis"
    res = cli(["analyze", folder / "runs" / "S1" / "annual.nc", "--out", out])
    assert res.exit_code == 0, res.output
    tr = pd.read_csv(out / "tables" / "trends.csv")
    assert set(tr.experiment) == {"S1"} and "unit" in tr
