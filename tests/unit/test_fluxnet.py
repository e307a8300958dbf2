"""Unit tests of tpcarbon.io.fluxnet (synthetic FLUXNET2015 / europe-fluxdata files; FR-Hes if present)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tpcarbon.errors import InputError
from tpcarbon.io.fluxnet import SiteData, fill_gaps, read_site_forcing

FR_HES = Path("/work/scratch/hes/hesseflux-5.0/example/FR-Hes_europe-fluxdata_2016.txt")
STEFAN = 5.67e-8


def esat_hand(tc: float) -> float:
    """Alduchov & Eskridge (1996) Magnus formula [hPa], written out independently."""
    return 6.1094 * np.exp(17.625 * tc / (tc + 243.04))


def q_hand(e_hpa: float, p_hpa: float) -> float:
    return 0.622 * e_hpa / (p_hpa - 0.378 * e_hpa)


def write_fluxnet(path, ndays=4, dt=1800, start="2015-01-01 00:00", drop=(), **overrides):
    """A FLUXNET2015 SUBSET-like CSV: constant values unless overridden by a column -> array/scalar."""
    n = ndays * 86400 // dt
    t0 = pd.Timestamp(start) + pd.to_timedelta(np.arange(n) * dt, unit="s")
    t1 = t0 + pd.Timedelta(seconds=dt)
    cols = {
        "TIMESTAMP_START": t0.strftime("%Y%m%d%H%M"),
        "TIMESTAMP_END": t1.strftime("%Y%m%d%H%M"),
        "TA_F": 20.0,
        "VPD_F": 10.0,
        "PA_F": 100.0,
        "WS_F": 2.0,
        "SW_IN_F": 300.0,
        "LW_IN_F": 350.0,
        "P_F": 0.9,
        "CO2_F_MDS": 400.0,
        "NEE_VUT_REF": 1.5,
        "GPP_NT_VUT_REF": 5.0,
        "RECO_NT_VUT_REF": 6.5,
    }
    cols.update(overrides)
    df = pd.DataFrame({k: (np.broadcast_to(v, n) if np.ndim(v) == 0 else v) for k, v in cols.items()})
    df = df.drop(columns=list(drop))
    df.to_csv(path, index=False)
    return path


@pytest.fixture
def flx_path(tmp_path):
    return tmp_path / "FLX_CN-Dan_FLUXNET2015_SUBSET_HH_2015-2015_1-4.csv"


def test_known_conversions(flx_path):
    site = read_site_forcing(write_fluxnet(flx_path))
    assert isinstance(site, SiteData)
    assert site.nt == 192 and site.dt == 1800.0
    assert site.time.dtype == np.dtype("datetime64[s]")
    assert str(site.time[0]) == "2015-01-01T00:15:00" and str(site.time[-1]) == "2015-01-04T23:45:00"
    assert site.site_id == "CN-Dan" and site.source == "FLUXNET2015"
    e = np.float64(esat_hand(20.0)) - np.float64(10.0)  # hPa
    q = q_hand(e, 100.0 * 10.0)
    np.testing.assert_allclose(site.shum, q, rtol=1e-14)
    assert 0.00833 < q < 0.00834  # by hand: e = 23.334 - 10 = 13.334 hPa, q = 8.294 / 994.96
    np.testing.assert_allclose(site.temp, 293.15, rtol=1e-15)
    np.testing.assert_allclose(site.pres, 1.0e5, rtol=1e-15)
    np.testing.assert_allclose(site.prec, 0.9 / 1800.0, rtol=1e-15)
    np.testing.assert_allclose(site.wind, 2.0)
    np.testing.assert_allclose(site.srad, 300.0)
    np.testing.assert_allclose(site.lrad, 350.0)
    np.testing.assert_allclose(site.co2, 400.0)
    np.testing.assert_allclose(site.nee_obs, 1.5)
    np.testing.assert_allclose(site.gpp_obs, 5.0)
    np.testing.assert_allclose(site.reco_obs, 6.5)
    for key in ("temp", "shum", "pres", "wind", "srad", "lrad", "prec", "co2"):
        assert site.gapfill[key] == 0.0
    assert site.gapfill["columns"]["temp"] == "TA_F"


def test_hourly_file(tmp_path):
    site = read_site_forcing(
        write_fluxnet(tmp_path / "FLX_US-Ha1_FLUXNET2015_FULLSET_HR_2000-2000_1-3.csv", dt=3600, P_F=1.8)
    )
    assert site.dt == 3600.0 and site.nt == 96
    assert str(site.time[0]) == "2015-01-01T00:30:00"
    np.testing.assert_allclose(site.prec, 1.8 / 3600.0, rtol=1e-15)


def test_missing_values_and_short_gap_linear_exact(flx_path):
    n = 192
    ta = 0.01 * np.arange(n)  # a ramp: linear interpolation is exact
    ta[50:54] = -9999.0  # 4 half-hours = 2 h: short gap
    nee = np.full(n, 1.5)
    nee[7] = -9999.0
    site = read_site_forcing(write_fluxnet(flx_path, TA_F=ta, NEE_VUT_REF=nee))
    np.testing.assert_allclose(site.temp - 273.15, 0.01 * np.arange(n), rtol=0, atol=1e-12)
    assert site.gapfill["temp"] == pytest.approx(4 / n)
    assert site.gapfill["shum"] == pytest.approx(4 / n)  # shum depends on TA
    assert site.gapfill["pres"] == 0.0
    assert np.isnan(site.nee_obs[7]) and np.isfinite(site.nee_obs[8])  # observations are not filled


def test_long_gap_mean_diurnal_cycle(flx_path):
    n = 192
    slot = np.arange(n) % 48
    truth = 10.0 + 5.0 * np.sin(2 * np.pi * (slot + 0.5) / 48)  # the same cycle every day
    ta = truth.copy()
    ta[60:80] = -9999.0  # 10 h: long gap -> mean of the same half-hours on the other days
    ta[0:3] = -9999.0  # an edge gap (no left neighbour) -> diurnal cycle too
    site = read_site_forcing(write_fluxnet(flx_path, TA_F=ta))
    np.testing.assert_allclose(site.temp - 273.15, truth, rtol=0, atol=1e-9)
    assert site.gapfill["temp"] == pytest.approx(23 / n)


def test_negative_shortwave_and_lw_estimate(flx_path):
    sw = np.full(192, 100.0)
    sw[::2] = -3.0
    site = read_site_forcing(write_fluxnet(flx_path, SW_IN_F=sw, LW_IN_F=-9999.0))
    assert site.srad.min() == 0.0 and site.srad.max() == 100.0
    # Brutsaert (1975) clear-sky estimate from TA = 20 degC and e = esat - VPD
    e = esat_hand(20.0) - 10.0
    tk = 293.15
    lw = 1.24 * (e / tk) ** (1.0 / 7.0) * STEFAN * tk**4
    np.testing.assert_allclose(site.lrad, lw, rtol=1e-12)
    assert site.gapfill["lrad"] == 1.0 and "Brutsaert" in site.gapfill["lrad_method"]
    assert 250.0 < lw < 400.0


def test_missing_timestamps_are_reinserted(flx_path):
    path = write_fluxnet(flx_path)
    df = pd.read_csv(path, dtype={"TIMESTAMP_START": str, "TIMESTAMP_END": str})
    df.drop(index=[100, 101]).to_csv(path, index=False)
    site = read_site_forcing(path)
    assert site.nt == 192
    assert site.gapfill["temp"] == pytest.approx(2 / 192)
    np.testing.assert_allclose(site.temp, 293.15)


@pytest.mark.parametrize("column", ["TA_F", "PA_F", "WS_F", "SW_IN_F", "P_F"])
def test_missing_required_column(flx_path, column):
    with pytest.raises(InputError, match=rf"{flx_path.name}: {column}: required column is missing") as exc:
        read_site_forcing(write_fluxnet(flx_path, drop=(column,)))
    assert "Fix:" in str(exc.value) and "\n" not in str(exc.value)


def test_entirely_missing_required_column(flx_path):
    with pytest.raises(InputError, match=r"PA_F: required column is missing or entirely -9999"):
        read_site_forcing(write_fluxnet(flx_path, PA_F=-9999.0))
    with pytest.raises(InputError, match=r"VPD_F: .*Fix: .*VPD_F or RH"):
        read_site_forcing(write_fluxnet(flx_path, drop=("VPD_F",)))


def test_optional_columns_missing(flx_path):
    site = read_site_forcing(write_fluxnet(flx_path, drop=("CO2_F_MDS", "GPP_NT_VUT_REF", "RECO_NT_VUT_REF")))
    assert site.co2 is None and site.gpp_obs is None and site.reco_obs is None


def test_bad_files(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_site_forcing(tmp_path / "nope.csv")
    p = tmp_path / "x.csv"
    p.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(InputError, match="TIMESTAMP"):
        read_site_forcing(p)
    p3 = tmp_path / "FLX_XX-Xxx_FLUXNET2015_SUBSET_DD_2015-2015_1-4.csv"
    write_fluxnet(p3, dt=1800)
    df = pd.read_csv(p3, dtype=str)
    df["TIMESTAMP_END"] = (
        pd.to_datetime(df["TIMESTAMP_START"], format="%Y%m%d%H%M") + pd.Timedelta(days=1)
    ).dt.strftime("%Y%m%d%H%M")
    df.to_csv(p3, index=False)
    with pytest.raises(InputError, match="neither 1800 nor 3600"):
        read_site_forcing(p3)


def test_europe_fluxdata_synthetic(tmp_path):
    n = 96
    end = pd.Timestamp("2016-01-01 00:30") + pd.to_timedelta(np.arange(n) * 1800, unit="s")
    df = pd.DataFrame(
        {
            "TIMESTAMP_END": end.strftime("%Y%m%d%H%M"),
            "FC_1_1_1": -2.0,
            "CO2_1_1_1": 410.0,
            "P_1_1_1": 0.2,
            "PA_1_1_1": 98.0,
            "RH_1_1_1": 50.0,
            "TA_1_1_1": 10.0,
            "WS_1_1_1": 3.0,
            "LW_IN_1_1_1": 300.0,
            "SW_IN_1_1_1": -9999.0,  # all missing: the second sensor is used
            "SW_IN_1_1_2": 150.0,
        }
    )
    p = tmp_path / "FR-Hes_europe-fluxdata_2016.txt"
    df.to_csv(p, index=False, float_format="%.4f")
    site = read_site_forcing(p)
    assert site.source == "europe-fluxdata" and site.site_id == "FR-Hes"
    assert str(site.time[0]) == "2016-01-01T00:15:00" and site.nt == n
    e = 0.5 * esat_hand(10.0)
    np.testing.assert_allclose(site.shum, q_hand(e, 980.0), rtol=1e-14)
    np.testing.assert_allclose(site.srad, 150.0)
    np.testing.assert_allclose(site.nee_obs, -2.0)  # FC when there is no NEE_PI
    assert site.gpp_obs is None and site.reco_obs is None
    np.testing.assert_allclose(site.prec, 0.2 / 1800.0)


@pytest.mark.skipif(not FR_HES.is_file(), reason="FR-Hes europe-fluxdata example not available")
def test_fr_hes_full_year():
    site = read_site_forcing(FR_HES)
    assert site.site_id == "FR-Hes" and site.source == "europe-fluxdata"
    assert site.nt == 17568 and site.dt == 1800.0  # 2016 is a leap year: 366 x 48
    assert str(site.time[0]) == "2016-01-01T00:15:00" and str(site.time[-1]) == "2016-12-31T23:45:00"
    for name in ("temp", "shum", "pres", "wind", "srad", "lrad", "prec", "co2"):
        assert np.isfinite(getattr(site, name)).all(), name
        assert site.gapfill[name] < 0.1, name
    assert 255.0 < site.temp.min() and site.temp.max() < 315.0
    assert 275.0 < site.temp.mean() < 290.0
    assert 0.0 < site.shum.min() and site.shum.max() < 0.025
    assert 9.0e4 < site.pres.min() and site.pres.max() < 1.03e5
    assert site.srad.min() == 0.0 and 800.0 < site.srad.max() < 1400.0
    assert 150.0 < site.lrad.min() and site.lrad.max() < 500.0
    annual_mm = site.prec.sum() * site.dt
    assert 500.0 < annual_mm < 1500.0
    assert 350.0 < np.median(site.co2) < 480.0
    assert site.nee_obs is not None and np.isnan(site.nee_obs).mean() < 0.5


# ---- fill_gaps -----------------------------------------------------------------------------


def test_fill_gaps_short_and_edges():
    x = np.array([np.nan, 1.0, np.nan, np.nan, 4.0, np.nan])
    y, m = fill_gaps(x, 1800.0)
    np.testing.assert_array_equal(m, np.isnan(x))
    np.testing.assert_allclose(y[1:5], [1.0, 2.0, 3.0, 4.0])
    assert np.isfinite(y).all()
    assert np.isnan(x).sum() == 4  # input not mutated


def test_fill_gaps_gap_longer_than_2h_is_not_linear():
    slot = np.arange(48 * 3) % 48
    truth = np.where(slot < 24, 0.0, 10.0)
    x = truth.copy()
    x[70:76] = np.nan  # 3 h across the step at slot 24 (70 % 48 = 22)
    y, _ = fill_gaps(x, 1800.0)
    np.testing.assert_allclose(y, truth)


def test_fill_gaps_all_missing():
    with pytest.raises(ValueError):
        fill_gaps(np.full(10, np.nan), 1800.0)
