"""Tests of tpcarbon.io.cmip6: CMIP6 monthly anomalies (CTSM ssp_anomaly_forcing_smooth method)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from tpcarbon.errors import ConfigError, InputError
from tpcarbon.io.cmip6 import (
    MonthlyAnomalies,
    build_cmip6_anomalies,
    regrid_bilinear,
    running_mean_by_month,
    write_synthetic_cmip6,
)
from tpcarbon.testing.domains import small_domain

TAS_TREND = 0.04          # K per year
PR_BASE = 2e-5            # kg m-2 s-1 in 2015
PR_TREND = 0.01 * PR_BASE  # +50 % by 2065
RSDS_TREND = 3.0          # W m-2 per year: factor 2.125 by 2090 -> capped at 2


@pytest.fixture(scope="module")
def domain():
    return small_domain()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("cmip6")
    trend = {"tas": TAS_TREND, "pr": PR_TREND, "rsds": RSDS_TREND}
    base = {"pr": PR_BASE}
    write_synthetic_cmip6(root / "hist", "historical", years=(1995, 2014), trend=trend, base=base)
    write_synthetic_cmip6(root / "ssp245", "ssp245", years=(2015, 2100), trend=trend, base=base)
    return root


@pytest.fixture(scope="module")
def anomalies(files, domain):
    return build_cmip6_anomalies(files / "ssp245", "ssp245", domain, historical_paths=files / "hist")


def test_synthetic_file_names_and_attributes(files):
    names = sorted(p.name for p in (files / "ssp245").glob("*.nc"))
    assert "tas_Amon_TEST-ESM_ssp245_r1i1p1f1_gn_201501-210012.nc" in names
    assert len(names) == 7
    with xr.open_dataset(files / "ssp245" / "huss_Amon_TEST-ESM_ssp245_r1i1p1f1_gn_201501-210012.nc") as ds:
        assert ds.attrs["experiment_id"] == "ssp245"
        assert ds.attrs["source_id"] == "TEST-ESM"
        assert ds.attrs["variable_id"] == "huss"
        assert ds["huss"].attrs["units"] == "1"


def test_years_and_shapes(anomalies, domain):
    assert anomalies.years[0] == 2015 and anomalies.years[-1] == 2100
    for d in (anomalies.add, anomalies.scale):
        for v in d.values():
            assert v.shape == (86, 12, domain.ncell)
    assert set(anomalies.add) == {"temp", "shum", "pres", "wind"}
    assert set(anomalies.scale) == {"prec", "srad", "lrad"}
    assert anomalies.scenario == "ssp245"
    assert "2005-2025" in anomalies.description


def test_linear_tas_trend_gives_trend_times_years_from_reference_centre(anomalies):
    years = anomalies.years
    inner = years <= 2100 - 10  # full 21-year windows
    expected = TAS_TREND * (years - 2015.0)
    got = anomalies.add["temp"][:, :, :]
    np.testing.assert_allclose(got[inner], np.broadcast_to(expected[inner, None, None], got[inner].shape), atol=2e-4)
    # truncated window at the end: the last year lags the trend by half of the missing window
    assert got[-1, 0, 0] == pytest.approx(TAS_TREND * (2100 - 2015 - 5), abs=2e-4)


def test_pr_scale_factor_50_percent(anomalies):
    i = int(np.flatnonzero(anomalies.years == 2065)[0])
    np.testing.assert_allclose(anomalies.scale["prec"][i], 1.5, rtol=1e-4)
    np.testing.assert_allclose(anomalies.scale["prec"][0], 1.0, rtol=1e-4)


def test_default_cap_on_srad(anomalies):
    years = anomalies.years
    srad = anomalies.scale["srad"]
    assert srad.max() == pytest.approx(2.0)
    i2065 = int(np.flatnonzero(years == 2065)[0])
    np.testing.assert_allclose(srad[i2065], 1.0 + RSDS_TREND * 50 / 200.0, rtol=1e-3)
    assert np.all(srad[years >= 2085] == 2.0)


def test_custom_caps(files, domain):
    a = build_cmip6_anomalies(files / "ssp245", "ssp245", domain, historical_paths=files / "hist",
                              caps={"prec": 1.3})
    assert a.scale["prec"].max() == pytest.approx(1.3)
    assert a.scale["srad"].max() == pytest.approx(2.0)  # default kept
    with pytest.raises(ConfigError, match="caps"):
        build_cmip6_anomalies(files / "ssp245", "ssp245", domain, historical_paths=files / "hist",
                              caps={"prec": 0.5})


def test_zero_over_zero_is_one(tmp_path, domain):
    write_synthetic_cmip6(tmp_path, "ssp126", years=(2015, 2050), base={"pr": 0.0}, trend={"pr": 0.0})
    a = build_cmip6_anomalies(tmp_path, "ssp126", domain, reference_period=(2015, 2025))
    assert np.all(a.scale["prec"] == 1.0)


def test_for_month(anomalies, domain):
    add, scale = anomalies.for_month(2050, 7)
    assert set(add) == {"temp", "shum", "pres", "wind"} and set(scale) == {"prec", "srad", "lrad"}
    assert add["temp"].shape == (domain.ncell,)
    np.testing.assert_allclose(add["temp"], TAS_TREND * 35, atol=2e-4)
    with pytest.raises(InputError, match="2101"):
        anomalies.for_month(2101, 1)
    with pytest.raises(InputError, match="2014"):
        anomalies.for_month(2014, 12)


def test_save_load_roundtrip(anomalies, tmp_path):
    path = anomalies.save(tmp_path / "af.nc")
    with xr.open_dataset(path) as ds:
        assert ds["temp_anomaly"].attrs["units"] == "K"
        assert ds["prec_scale"].attrs["units"] == "1"
        assert ds.attrs["scenario"] == "ssp245"
    back = MonthlyAnomalies.load(path)
    np.testing.assert_array_equal(back.years, anomalies.years)
    for k in anomalies.add:
        np.testing.assert_array_equal(back.add[k], anomalies.add[k])
    for k in anomalies.scale:
        np.testing.assert_array_equal(back.scale[k], anomalies.scale[k])
    assert back.description == anomalies.description
    with pytest.raises(InputError, match="not found"):
        MonthlyAnomalies.load(tmp_path / "nope.nc")


def test_wrong_experiment_id_names_the_file(files, domain):
    with pytest.raises(InputError) as e:
        build_cmip6_anomalies(files / "ssp245", "ssp585", domain, historical_paths=files / "hist")
    msg = str(e.value)
    assert "_ssp245_" in msg and "ssp585" in msg and "experiment_id" in msg
    # scenario files given as historical
    with pytest.raises(InputError, match="historical"):
        build_cmip6_anomalies(files / "ssp245", "ssp245", domain, historical_paths=files / "ssp245")


@pytest.mark.parametrize("calendar", ["noleap", "360_day", "standard", "proleptic_gregorian"])
def test_calendars(tmp_path, domain, calendar):
    write_synthetic_cmip6(tmp_path, "ssp370", calendar=calendar, years=(2015, 2060), trend={"tas": TAS_TREND})
    with xr.open_dataset(next(tmp_path.glob("tas_*.nc")), decode_times=False) as ds:
        assert ds["time"].attrs["calendar"] == calendar
    a = build_cmip6_anomalies(tmp_path, "ssp370", domain, reference_period=(2025, 2035))
    inner = (a.years >= 2025) & (a.years <= 2050)
    expected = TAS_TREND * (a.years[inner] - 2030.0)
    np.testing.assert_allclose(a.add["temp"][inner, 3, 2], expected, atol=2e-4)


def test_missing_variable(tmp_path, domain):
    write_synthetic_cmip6(tmp_path, "ssp245", years=(2015, 2040),
                          variables=["tas", "huss", "ps", "sfcWind", "pr", "rlds"])
    with pytest.raises(InputError, match="rsds") as e:
        build_cmip6_anomalies(tmp_path, "ssp245", domain, reference_period=(2015, 2025))
    assert "Fix:" in str(e.value)


def test_file_without_its_variable(tmp_path, domain):
    (path,) = write_synthetic_cmip6(tmp_path, "ssp245", years=(2015, 2020), variables=["tas"])
    with xr.open_dataset(path) as ds:
        bad = ds.rename({"tas": "temperature"}).load()
    path.unlink()
    bad.to_netcdf(path)
    with pytest.raises(InputError, match="tas") as e:
        build_cmip6_anomalies(path, "ssp245", domain, reference_period=(2015, 2020))
    assert path.name in str(e.value)


def test_wrong_units(tmp_path, domain):
    write_synthetic_cmip6(tmp_path, "ssp245", years=(2015, 2040), units={"tas": "degC"})
    with pytest.raises(InputError) as e:
        build_cmip6_anomalies(tmp_path, "ssp245", domain, reference_period=(2015, 2025))
    msg = str(e.value)
    assert "tas_Amon" in msg and "degC" in msg and "'K'" in msg


def test_reference_period_outside_data(files, domain):
    with pytest.raises(InputError, match="reference") as e:
        build_cmip6_anomalies(files / "ssp245", "ssp245", domain)  # 2005-2025 needs historical files
    assert "historical" in str(e.value)


def test_missing_month(tmp_path, domain):
    (path,) = write_synthetic_cmip6(tmp_path / "a", "ssp245", years=(2015, 2030), variables=["tas"])
    write_synthetic_cmip6(tmp_path / "a", "ssp245", years=(2015, 2030),
                          variables=["huss", "ps", "sfcWind", "pr", "rsds", "rlds"])
    with xr.open_dataset(path, decode_times=False) as ds:
        cut = ds.isel(time=[i for i in range(ds.sizes["time"]) if i != 30]).load()
    path.unlink()
    cut.to_netcdf(path)
    with pytest.raises(InputError, match="2017-07"):
        build_cmip6_anomalies(tmp_path / "a", "ssp245", domain, reference_period=(2015, 2025))


def test_multi_model_mean(tmp_path, domain):
    write_synthetic_cmip6(tmp_path, "ssp585", model="ESM-A", years=(2015, 2050), trend={"tas": 0.02})
    write_synthetic_cmip6(tmp_path, "ssp585", model="ESM-B", years=(2015, 2050), trend={"tas": 0.06})
    a = build_cmip6_anomalies(str(tmp_path / "*.nc"), "ssp585", domain, reference_period=(2020, 2025))
    b = build_cmip6_anomalies(sorted(tmp_path.glob("*ESM-A*")), "ssp585", domain, reference_period=(2020, 2025))
    c = build_cmip6_anomalies(sorted(tmp_path.glob("*ESM-B*")), "ssp585", domain, reference_period=(2020, 2025))
    np.testing.assert_allclose(a.add["temp"], 0.5 * (b.add["temp"] + c.add["temp"]), atol=1e-9)
    np.testing.assert_allclose(a.scale["prec"], 0.5 * (b.scale["prec"] + c.scale["prec"]), atol=1e-9)
    assert "ESM-A" in a.description and "ESM-B" in a.description


def test_grid_orientation_does_not_matter(tmp_path, domain):
    write_synthetic_cmip6(tmp_path / "a", "ssp245", years=(2015, 2040))
    write_synthetic_cmip6(tmp_path / "b", "ssp245", years=(2015, 2040), descending_lat=True, lon360=False)
    a = build_cmip6_anomalies(tmp_path / "a", "ssp245", domain, reference_period=(2015, 2025))
    b = build_cmip6_anomalies(tmp_path / "b", "ssp245", domain, reference_period=(2015, 2025))
    for k in a.add:
        np.testing.assert_allclose(a.add[k], b.add[k], rtol=1e-12, atol=1e-12)


def test_grid_not_covering_domain(tmp_path, domain):
    write_synthetic_cmip6(tmp_path, "ssp245", years=(2015, 2030), lat_range=(36.0, 44.0))
    with pytest.raises(InputError, match="does not cover"):
        build_cmip6_anomalies(tmp_path, "ssp245", domain, reference_period=(2015, 2025))


def test_no_files(tmp_path, domain):
    with pytest.raises(InputError, match="no NetCDF"):
        build_cmip6_anomalies(tmp_path, "ssp245", domain)
    with pytest.raises(InputError, match="not found"):
        build_cmip6_anomalies(tmp_path / "absent", "ssp245", domain)


def test_bad_window(files, domain):
    with pytest.raises(ConfigError, match="window"):
        build_cmip6_anomalies(files / "ssp245", "ssp245", domain, historical_paths=files / "hist", window=20)


# ------------------------------------------------------------------------------------------- regridding
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("lon_convention", ["0..360", "-180..180"])
def test_regrid_linear_field_is_exact(descending, lon_convention):
    lat = np.arange(20.0, 46.0, 2.0)
    lon = np.arange(65.0, 111.0, 2.5)
    if descending:
        lat = lat[::-1]
    src_lon = lon if lon_convention == "0..360" else lon - 360.0 * (lon > 180)
    f = 3.0 + 0.7 * lat[:, None] - 0.2 * lon[None, :]
    rng = np.random.default_rng(1)
    dlat = rng.uniform(21.0, 44.0, 50)
    dlon = rng.uniform(66.0, 109.0, 50)
    got = regrid_bilinear(f, lat, src_lon, dlat, dlon - 360.0)  # targets given as negative longitudes
    np.testing.assert_allclose(got, 3.0 + 0.7 * dlat - 0.2 * dlon, rtol=0, atol=1e-10)
    # leading dimensions are carried along
    stack = np.stack([f, 2 * f])
    np.testing.assert_allclose(regrid_bilinear(stack, lat, src_lon, dlat, dlon)[1], 2 * got, atol=1e-10)


def test_regrid_global_wraps_at_the_meridian():
    lat = np.array([-1.0, 1.0])
    lon = np.arange(0.0, 360.0, 2.5)
    f = np.zeros((2, lon.size))
    f[:, -1], f[:, 0] = 4.0, 8.0
    got = regrid_bilinear(f, lat, lon, np.array([0.0, 0.0]), np.array([358.75, -1.25]))
    np.testing.assert_allclose(got, [6.0, 6.0])


def test_regrid_outside_raises():
    lat, lon = np.array([30.0, 32.0]), np.array([90.0, 92.5])
    with pytest.raises(ValueError, match="outside"):
        regrid_bilinear(np.zeros((2, 2)), lat, lon, np.array([40.0]), np.array([91.0]))
    # within half a spacing of the edge: clamped to the edge value
    f = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(regrid_bilinear(f, lat, lon, np.array([32.5]), np.array([90.0])), [3.0])


def test_running_mean_truncated_at_ends():
    x = np.arange(10.0)[:, None, None] * np.ones((1, 12, 2))
    s = running_mean_by_month(x, 5)
    np.testing.assert_allclose(s[2:8, 0, 0], np.arange(2.0, 8.0))
    np.testing.assert_allclose(s[[0, 1, 8, 9], 0, 0], [1.0, 1.5, 7.5, 8.0])


def test_monthly_anomalies_validates_shapes():
    z = np.zeros((2, 12, 3))
    add = {k: z for k in ("temp", "shum", "pres", "wind")}
    scale = {k: z + 1 for k in ("prec", "srad", "lrad")}
    MonthlyAnomalies(np.array([2015, 2016]), add, scale, "ssp245")
    with pytest.raises(ValueError, match="consecutive"):
        MonthlyAnomalies(np.array([2015, 2017]), add, scale, "ssp245")
    with pytest.raises(ValueError, match="lacks"):
        MonthlyAnomalies(np.array([2015, 2016]), {"temp": z}, scale, "ssp245")
    with pytest.raises(ValueError, match="shape"):
        MonthlyAnomalies(np.array([2015, 2016]), dict(add, temp=np.zeros((2, 11, 3))), scale, "ssp245")
