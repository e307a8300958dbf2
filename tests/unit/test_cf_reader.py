"""Tests of tpcarbon.io.cf: CF-NetCDF / Zarr forcing reader."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from tpcarbon.errors import InputError
from tpcarbon.forcing.stream import FORCING_VARS, ForcingSource, month_times
from tpcarbon.io.cf import open_cf_forcing
from tpcarbon.testing.domains import small_domain

CMOR = {"temp": "tas", "shum": "huss", "pres": "ps", "wind": "sfcWind", "srad": "rsds", "lrad": "rlds", "prec": "pr"}
UNITS = {"temp": "K", "shum": "1", "pres": "Pa", "wind": "m s-1", "srad": "W m-2", "lrad": "W m-2",
         "prec": "kg m-2 s-1"}
BASE = {"temp": 270.0, "shum": 3e-3, "pres": 6e4, "wind": 3.0, "srad": 200.0, "lrad": 250.0, "prec": 1e-4}
LAT = np.arange(28.5, 34.0, 1.0)   # covers small_domain (29-33N, 88-92E) with its cells at x.5
LON = np.arange(87.5, 93.0, 1.0)


def canonical(var, k, lat, lon):
    """Field value in canonical units at record index k (any array shapes broadcast)."""
    return BASE[var] * (1.0 + 0.01 * (lat - 30.0) + 0.002 * (lon - 90.0) + 0.05 * np.sin(k / 7.0))


def make_ds(year=2001, step_h=3, lat=LAT, lon=LON, units=None, names=None, calendar="standard", periods=None):
    times = pd.date_range(f"{year}-01-01", periods=periods or (365 * 24 // step_h), freq=f"{step_h}h")
    k = np.arange(times.size)[:, None, None]
    data = {}
    for var in FORCING_VARS:
        vals = canonical(var, k, lat[None, :, None], lon[None, None, :])
        u = (units or {}).get(var, UNITS[var])
        vals = {"degC": vals - 273.15, "hPa": vals / 100.0, "mm h-1": vals * 3600.0, "mm hr-1": vals * 3600.0}.get(
            u, vals)
        name = (names or {}).get(var, CMOR[var])
        data[name] = (("time", "lat", "lon"), vals.astype(np.float32), {"units": u})
    ds = xr.Dataset(data, coords={"time": times, "lat": ("lat", lat, {"units": "degrees_north"}),
                                  "lon": ("lon", lon, {"units": "degrees_east"})})
    ds["time"].encoding.update({"units": f"hours since {year}-01-01", "calendar": calendar})
    return ds


def expected_at_cells(var, domain, k):
    ri = np.abs(LAT[None, :] - domain.lat[:, None]).argmin(1)
    ci = np.abs(LON[None, :] - domain.lon[:, None]).argmin(1)
    return canonical(var, np.asarray(k)[:, None], LAT[ri][None, :], LON[ci][None, :])


@pytest.fixture(scope="module")
def domain():
    return small_domain()


@pytest.fixture(scope="module")
def nc_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cf") / "forcing_2001.nc"
    make_ds().to_netcdf(path)
    return path


def test_basic_read(nc_file, domain):
    src = open_cf_forcing(nc_file, domain)
    assert isinstance(src, ForcingSource)
    assert src.years == (2001, 2001)
    assert src.domain is domain
    assert "tas" in src.description
    chunks = list(src.iter_chunks(2001, 2001))
    assert len(chunks) == 12
    k0 = 0
    for m, ch in enumerate(chunks, start=1):
        np.testing.assert_array_equal(ch.time, month_times(2001, m))
        assert (ch.year, ch.month) == (2001, m)
        for var in FORCING_VARS:
            a = getattr(ch, var)
            assert a.dtype == np.float32 and a.flags.c_contiguous and a.shape == (ch.nt, domain.ncell)
            np.testing.assert_allclose(a, expected_at_cells(var, domain, np.arange(k0, k0 + ch.nt)), rtol=2e-6)
        k0 += ch.nt
    src.close()


@pytest.mark.parametrize(("var", "units"), [("temp", "degC"), ("pres", "hPa"), ("prec", "mm h-1"),
                                            ("prec", "mm hr-1"), ("prec", "mm s-1"), ("shum", "kg kg-1")])
def test_unit_conversions(tmp_path, domain, var, units):
    path = tmp_path / "f.nc"
    make_ds(units={var: units}).to_netcdf(path)
    ch = next(open_cf_forcing(path, domain).iter_chunks(2001, 2001))
    np.testing.assert_allclose(getattr(ch, var), expected_at_cells(var, domain, np.arange(ch.nt)), rtol=1e-5)


@pytest.mark.parametrize("units", ["m s-1", "furlongs"])
def test_bad_units(tmp_path, domain, units):
    """Units of another dimension, or no unit at all, are refused (degF, a temperature, is converted)."""
    path = tmp_path / "f.nc"
    make_ds(units={"temp": units}).to_netcdf(path)
    with pytest.raises(InputError) as e:
        open_cf_forcing(path, domain)
    msg = str(e.value)
    assert str(path) in msg and "tas" in msg and units in msg and "Fix:" in msg


def test_found_by_standard_name_and_mapping(tmp_path, domain):
    ds = make_ds(names={"temp": "t2m", "prec": "tp"})
    ds["t2m"].attrs["standard_name"] = "air_temperature"
    path = tmp_path / "f.nc"
    ds.to_netcdf(path)
    # tp has no standard_name: not found without a mapping
    with pytest.raises(InputError, match="prec") as e:
        open_cf_forcing(path, domain)
    assert "mapping" in str(e.value)
    src = open_cf_forcing(path, domain, mapping={"prec": "tp"})
    ch = next(src.iter_chunks(2001, 2001))
    np.testing.assert_allclose(ch.temp, expected_at_cells("temp", domain, np.arange(ch.nt)), rtol=2e-6)
    np.testing.assert_allclose(ch.prec, expected_at_cells("prec", domain, np.arange(ch.nt)), rtol=2e-6)
    with pytest.raises(InputError, match="mapping"):
        open_cf_forcing(path, domain, mapping={"prec": "tp", "rain": "tp"})
    with pytest.raises(InputError, match="'precip'"):
        open_cf_forcing(path, domain, mapping={"prec": "precip"})


def test_hourly_averaged_to_3_hourly(tmp_path, domain):
    path = tmp_path / "hourly.nc"
    make_ds(step_h=1, lat=np.arange(29.5, 33.0), lon=np.arange(88.5, 92.0)).to_netcdf(path)
    src = open_cf_forcing(path, domain)
    assert "hourly" in src.description
    chunks = list(src.iter_chunks(2001, 2001))
    jan, feb = chunks[0], chunks[1]
    np.testing.assert_array_equal(feb.time, month_times(2001, 2))

    def hourly(k):
        return canonical("lrad", np.asarray(k, dtype=float)[:, None], domain.lat[None, :], domain.lon[None, :])

    # record at T = mean of T-1h, T, T+1h; hourly index of 3-hourly record i is 3i
    i = np.arange(1, jan.nt)
    exp = (hourly(3 * i - 1) + hourly(3 * i) + hourly(3 * i + 1)) / 3.0
    np.testing.assert_allclose(jan.lrad[1:], exp, rtol=2e-6)
    # the first record of the data set has no T-1h
    np.testing.assert_allclose(jan.lrad[0], ((hourly([0]) + hourly([1])) / 2.0)[0], rtol=2e-6)
    # February's first record uses 31 January 23:00
    h0 = 31 * 24
    np.testing.assert_allclose(feb.lrad[0], ((hourly([h0 - 1]) + hourly([h0]) + hourly([h0 + 1])) / 3.0)[0],
                               rtol=2e-6)


def test_multi_file_glob_and_zarr(tmp_path, domain):
    ds = make_ds()
    for m, part in ds.groupby("time.month"):
        for var in ("tas", "pr"):  # one file per variable and month for two variables
            part[[var]].to_netcdf(tmp_path / f"{var}_{m:02d}.nc")
        part.drop_vars(["tas", "pr"]).to_netcdf(tmp_path / f"rest_{m:02d}.nc")
    src = open_cf_forcing(str(tmp_path / "*.nc"), domain)
    ref = open_cf_forcing(tmp_path, domain)  # a folder of files works too
    store = tmp_path / "forcing.zarr"
    ds.to_zarr(store, consolidated=False)
    zsrc = open_cf_forcing(store, domain)
    assert "Zarr" in zsrc.description
    plain = tmp_path / "store"  # a Zarr folder without the .zarr suffix is recognised by its metadata
    ds.chunk({"time": 248}).to_zarr(plain, consolidated=False)
    zsrc2 = open_cf_forcing(plain, domain)
    for a, b, c, d in zip(src.iter_chunks(2001, 2001), ref.iter_chunks(2001, 2001), zsrc.iter_chunks(2001, 2001),
                          zsrc2.iter_chunks(2001, 2001), strict=True):
        for var in FORCING_VARS:
            np.testing.assert_array_equal(getattr(a, var), getattr(b, var))
            np.testing.assert_array_equal(getattr(a, var), getattr(c, var))
            np.testing.assert_array_equal(getattr(a, var), getattr(d, var))


def test_lon_0_360_and_descending_lat(tmp_path, domain, nc_file):
    ds = make_ds().isel(lat=slice(None, None, -1))
    path = tmp_path / "f.nc"
    ds.assign_coords(lon=ds.lon % 360.0).to_netcdf(path)
    src = open_cf_forcing(path, domain)
    ref = open_cf_forcing(nc_file, domain)
    a, b = next(src.iter_chunks(2001, 2001)), next(ref.iter_chunks(2001, 2001))
    for var in FORCING_VARS:
        np.testing.assert_array_equal(getattr(a, var), getattr(b, var))
    # a grid in -180..180 with the domain given in 0..360 is the same point set
    ds2 = make_ds().assign_coords(lon=LON - 360.0)
    ds2.to_netcdf(tmp_path / "g.nc")
    c = next(open_cf_forcing(tmp_path / "g.nc", domain).iter_chunks(2001, 2001))
    np.testing.assert_array_equal(c.temp, b.temp)


def test_nan_names_file_variable_and_time(tmp_path, domain):
    ds = make_ds()
    ri = int(np.abs(LAT - domain.lat[2]).argmin())
    ci = int(np.abs(LON - domain.lon[2]).argmin())
    ds["rsds"][500, ri, ci] = np.nan
    ds["rsds"][100, 0, 0] = np.nan  # not a domain cell: ignored
    path = tmp_path / "f.nc"
    ds.to_netcdf(path)
    src = open_cf_forcing(path, domain)
    chunks = src.iter_chunks(2001, 2001)
    next(chunks)  # January (record 100 is there, but not at a domain cell)
    with pytest.raises(InputError) as e:
        list(chunks)
    msg = str(e.value)
    when = str(ds.time.values[500].astype("datetime64[s]"))
    assert str(path) in msg and "rsds" in msg and when in msg


def test_missing_month(tmp_path, domain):
    ds = make_ds()
    ds.sel(time=ds.time.dt.month != 3).to_netcdf(tmp_path / "f.nc")
    with pytest.raises(InputError, match="2001-03"):
        open_cf_forcing(tmp_path / "f.nc", domain)


def test_years_argument(nc_file, domain):
    with pytest.raises(InputError, match="2002"):
        open_cf_forcing(nc_file, domain, years=(2001, 2002))
    src = open_cf_forcing(nc_file, domain, years=(2001, 2001))
    with pytest.raises(InputError, match="2000-2001"):
        list(src.iter_chunks(2000, 2001))


def test_partial_years_are_dropped(tmp_path, domain):
    ds = xr.concat([make_ds(2001), make_ds(2002).isel(time=slice(0, 8 * 40))], dim="time")
    ds.to_netcdf(tmp_path / "f.nc")
    assert open_cf_forcing(tmp_path / "f.nc", domain).years == (2001, 2001)


def test_grid_not_covering_domain(tmp_path, domain):
    path = tmp_path / "f.nc"
    make_ds(lat=np.arange(31.5, 36.0)).to_netcdf(path)
    with pytest.raises(InputError, match="does not cover") as e:
        open_cf_forcing(path, domain)
    assert str(path) in str(e.value)


def test_stamps_not_on_the_3_hourly_grid(tmp_path, domain):
    ds = make_ds()
    ds = ds.assign_coords(time=ds.time + np.timedelta64(90, "m"))
    ds.to_netcdf(tmp_path / "f.nc")
    with pytest.raises(InputError, match="01:30"):
        open_cf_forcing(tmp_path / "f.nc", domain)


def test_end_stamped_bounds_refused(tmp_path, domain):
    ds = make_ds()
    t = ds.time.values
    ds["time_bnds"] = (("time", "bnds"), np.stack([t - np.timedelta64(3, "h"), t], axis=1))
    ds["time"].attrs["bounds"] = "time_bnds"
    ds.to_netcdf(tmp_path / "f.nc")
    with pytest.raises(InputError, match="centres"):
        open_cf_forcing(tmp_path / "f.nc", domain)


def test_noleap_calendar_refused(tmp_path, domain):
    import cftime

    ds = make_ds(periods=8 * 365)
    t = [cftime.DatetimeNoLeap(2001, 1, 1) + pd.Timedelta(hours=3 * i).to_pytimedelta() for i in range(8 * 365)]
    ds = ds.assign_coords(time=t)
    ds["time"].encoding.update({"units": "hours since 2001-01-01", "calendar": "noleap"})
    ds.to_netcdf(tmp_path / "f.nc")
    with pytest.raises(InputError, match="noleap"):
        open_cf_forcing(tmp_path / "f.nc", domain)


def test_no_files(tmp_path, domain):
    with pytest.raises(InputError, match="no NetCDF"):
        open_cf_forcing(str(tmp_path / "*.nc"), domain)
    with pytest.raises(InputError, match="Zarr store not found"):
        open_cf_forcing(tmp_path / "absent.zarr", domain)
