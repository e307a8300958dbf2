"""Unit tests of tpcarbon.io.fluxnet (synthetic FLUXNET2015 / europe-fluxdata files; FR-Hes if present)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tpcarbon.errors import InputError
from tpcarbon.io.fluxnet import (
    SiteData,
    cloud_fraction,
    fill_gaps,
    longwave_brutsaert,
    longwave_crawford_duchon,
    read_site_forcing,
)

FR_HES = Path(os.environ.get("TPCARBON_FR_HES", "data-cache/FR-Hes_europe-fluxdata_2016.txt"))
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


def test_negative_shortwave_is_zero(flx_path):
    sw = np.full(192, 100.0)
    sw[::2] = -3.0
    site = read_site_forcing(write_fluxnet(flx_path, SW_IN_F=sw))
    assert site.srad.min() == 0.0 and site.srad.max() == 100.0


def test_lw_missing_without_position_is_refused(flx_path):
    with pytest.raises(InputError, match=rf"{flx_path.name}: LW_IN_F: missing .*Fix: give the site latitude"):
        read_site_forcing(write_fluxnet(flx_path, LW_IN_F=-9999.0))


def test_lw_missing_overcast_is_sigma_t4(flx_path):
    # SW_IN = 0 all day: cloud fraction 1 everywhere, so L = sigma T^4 (Crawford & Duchon 1999), by hand
    site = read_site_forcing(write_fluxnet(flx_path, LW_IN_F=-9999.0, SW_IN_F=0.0), lat=30.0, lon=91.0)
    np.testing.assert_allclose(site.lrad, STEFAN * 293.15**4, rtol=1e-12)
    assert abs(STEFAN * 293.15**4 - 418.74) < 0.01
    assert site.gapfill["lrad"] == 1.0 and "Crawford & Duchon" in site.gapfill["lrad_method"]
    assert any(w.startswith("LW_IN_F missing: incoming longwave estimated") for w in site.warnings)


def test_lw_missing_clear_sky_january(tmp_path):
    # measured SW = the FAO-56 clear-sky value: cloud fraction 0 by day and (interpolated) by night,
    # so L = (1.22 + 0.06 sin(3 pi / 6)) (e/T)^(1/7) sigma T^4 = 1.28 (e/T)^(1/7) sigma T^4 in January
    from tpcarbon.io.fluxnet import _solar_geometry

    n = 4 * 48
    t0 = pd.Timestamp("2015-01-01 00:00") + pd.to_timedelta(np.arange(n) * 1800, unit="s")
    centre = (t0 + pd.Timedelta(minutes=15)).to_numpy().astype("datetime64[s]")
    cosz, ecc = _solar_geometry(centre, 30.0, 91.0)
    elev = (1.0 - (1.0e5 / 101325.0) ** (1 / 5.25588)) / 2.25577e-5  # PA_F = 100 kPa
    clear = (0.75 + 2e-5 * elev) * 1361.0 * ecc * np.maximum(cosz, 0.0)
    path = write_fluxnet(tmp_path / "FLX_CN-Dan_FLUXNET2015_SUBSET_HH_2015-2015_1-4.csv", LW_IN_F=-9999.0,
                         SW_IN_F=clear)
    site = read_site_forcing(path, lat=30.0, lon=91.0)
    e = esat_hand(20.0) - 10.0
    lw_clear = 1.28 * (e / 293.15) ** (1 / 7) * STEFAN * 293.15**4
    np.testing.assert_allclose(site.lrad, lw_clear, rtol=1e-6)
    # the clear-sky Brutsaert value is 1.24/1.28 of it; overcast sigma T^4 is ~60 W m-2 more
    assert 300.0 < lw_clear < 360.0 and STEFAN * 293.15**4 - lw_clear > 55.0
    np.testing.assert_allclose(longwave_brutsaert(293.15, e), lw_clear * 1.24 / 1.28, rtol=1e-12)


def test_cloud_fraction_ratio_and_night_interpolation():
    from tpcarbon.io.fluxnet import LW_MIN_COSZ, _solar_geometry

    t0 = np.datetime64("2015-03-20T00:15")
    t = (t0 + np.arange(2 * 48) * np.timedelta64(30, "m")).astype("datetime64[s]")
    cosz, ecc = _solar_geometry(t, 0.0, 0.0)
    clear = 0.75 * 1361.0 * ecc * np.maximum(cosz, 0.0)
    frac = np.where(np.arange(t.size) < 48, 0.8, 0.4)  # measured / clear: 0.8 on day 1, 0.4 on day 2
    c = cloud_fraction(t, frac * clear, 0.0, 0.0, 0.0)
    day = cosz >= LW_MIN_COSZ
    np.testing.assert_allclose(c[day & (np.arange(t.size) < 48)], 0.2, atol=1e-12)
    np.testing.assert_allclose(c[day & (np.arange(t.size) >= 48)], 0.6, atol=1e-12)
    assert abs(clear[24] - 0.75 * 1361.0 * ecc[24] * cosz[24]) < 1e-9 and cosz[24] > 0.99  # equinox noon
    # night between the two days: linear in time from 0.2 (last day-1 value) to 0.6 (first day-2 value)
    last1 = np.flatnonzero(day[:48])[-1]
    first2 = 48 + np.flatnonzero(day[48:])[0]
    k = np.arange(last1, first2 + 1)
    np.testing.assert_allclose(c[k], 0.2 + 0.4 * (k - last1) / (first2 - last1), atol=1e-12)
    np.testing.assert_allclose(c[: np.flatnonzero(day)[0]], 0.2)  # before the first daytime value: held


def test_crawford_duchon_seasonal_coefficient():
    # (1.22 + 0.06 sin((m + 2) pi / 6)): 1.28 in January, 1.16 in July, 1.22 in April and October
    tk, e = 280.0, 8.0
    base = (e / tk) ** (1 / 7) * STEFAN * tk**4
    for month, coef in ((1, 1.28), (4, 1.22), (7, 1.16), (10, 1.22)):
        assert longwave_crawford_duchon(tk, e, month, 0.0) == pytest.approx(coef * base, rel=1e-12)
    assert longwave_crawford_duchon(tk, e, 7, 0.5) == pytest.approx(0.5 * STEFAN * tk**4 + 0.5 * 1.16 * base)


def test_wind_missing_uses_fao56_default_with_warning(flx_path):
    for kwargs in ({"drop": ("WS_F",)}, {"WS_F": -9999.0}):
        site = read_site_forcing(write_fluxnet(flx_path, **kwargs))
        np.testing.assert_allclose(site.wind, 2.0)
        assert site.gapfill["wind"] == 1.0 and "FAO-56" in site.gapfill["wind_method"]
        assert site.warnings == ("WS_F missing: wind speed set to 2 m s-1 (FAO-56 default for missing wind)",)


def test_timestamp_start_only(tmp_path):
    # ONEFlux/FLUXNET2015 files with only TIMESTAMP_START: the end is START + the step of the stamps
    for dt, tag in ((1800, "HH"), (3600, "HR")):
        path = write_fluxnet(tmp_path / f"FLX_CN-Dan_FLUXNET2015_FULLSET_{tag}_2015-2015_1-4.csv", dt=dt,
                             drop=("TIMESTAMP_END",))
        site = read_site_forcing(path)
        assert site.dt == dt and site.nt == 4 * 86400 // dt
        assert site.time[0] == np.datetime64("2015-01-01T00:00") + np.timedelta64(dt // 2, "s")
        note = f"TIMESTAMP_END missing: derived as TIMESTAMP_START + {dt} s (the step of the stamps)"
        assert site.warnings == (note,)
        np.testing.assert_allclose(site.prec, 0.9 / dt)


def test_timestamp_start_only_with_holes(flx_path):
    path = write_fluxnet(flx_path, drop=("TIMESTAMP_END",))
    df = pd.read_csv(path, dtype={"TIMESTAMP_START": str})
    df.drop(index=[0, 50, 51, 52]).to_csv(path, index=False)  # the step is still the most common difference
    site = read_site_forcing(path)
    assert site.dt == 1800.0 and site.nt == 191 and str(site.time[0]) == "2015-01-01T00:45:00"


def test_timestamp_end_only_fluxnet(flx_path):
    site = read_site_forcing(write_fluxnet(flx_path, drop=("TIMESTAMP_START",)))
    assert site.nt == 192 and str(site.time[0]) == "2015-01-01T00:15:00" and site.warnings == ()


def test_le_h_and_quality_flags(flx_path):
    n = 192
    qc = np.zeros(n)
    qc[10:20] = 2  # medium-quality gap fill: not scored
    qc[20:30] = 1  # good-quality gap fill: kept
    site = read_site_forcing(write_fluxnet(flx_path, LE_F_MDS=80.0, H_F_MDS=-20.0, LE_F_MDS_QC=qc,
                                           NEE_VUT_REF_QC=qc))
    assert np.isnan(site.le_obs[10:20]).all() and np.isfinite(site.le_obs[20:]).all()
    np.testing.assert_allclose(site.le_obs[20:], 80.0)
    np.testing.assert_allclose(site.h_obs, -20.0)  # no H_F_MDS_QC: all kept
    for v in (site.nee_obs, site.gpp_obs, site.reco_obs):  # GPP and RECO follow NEE_VUT_REF_QC
        assert np.isnan(v[10:20]).all() and np.isfinite(v[20:]).all()
    assert site.gapfill["columns"]["le_qc"] == "LE_F_MDS_QC"
    plain = read_site_forcing(write_fluxnet(flx_path))
    assert plain.le_obs is None and plain.h_obs is None


def test_missing_timestamps_are_reinserted(flx_path):
    path = write_fluxnet(flx_path)
    df = pd.read_csv(path, dtype={"TIMESTAMP_START": str, "TIMESTAMP_END": str})
    df.drop(index=[100, 101]).to_csv(path, index=False)
    site = read_site_forcing(path)
    assert site.nt == 192
    assert site.gapfill["temp"] == pytest.approx(2 / 192)
    np.testing.assert_allclose(site.temp, 293.15)


@pytest.mark.parametrize("column", ["TA_F", "PA_F", "SW_IN_F", "P_F"])
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
    p3 = tmp_path / "FLX_XX-Xxx_FLUXNET2015_SUBSET_DD_2015-2015_1-4.csv"
    write_fluxnet(p3, dt=1800)
    df = pd.read_csv(p3, dtype=str)
    df["TIMESTAMP_END"] = (
        pd.to_datetime(df["TIMESTAMP_START"], format="%Y%m%d%H%M") + pd.Timedelta(days=1)
    ).dt.strftime("%Y%m%d%H%M")
    df.to_csv(p3, index=False)
    with pytest.raises(InputError, match="TIMESTAMP_END: time step .* is neither 1800 nor 3600"):
        read_site_forcing(p3)


def _one_line(exc, *fragments):
    msg = str(exc)
    assert "\n" not in msg and "Fix:" in msg, msg
    for f in fragments:
        assert f in msg, f"{f!r} not in {msg!r}"
    return msg


@pytest.mark.parametrize(
    ("edit", "fragments"),
    [
        # no time column at all
        (lambda df: df.drop(columns=["TIMESTAMP_START", "TIMESTAMP_END"]).rename(columns={"TA_F": "TA"}),
         ("TIMESTAMP_END: missing and TIMESTAMP_START not found in the first 10 lines",
          "Fix: give the half-hourly")),
        # a FLUXNET2015 DD file: TIMESTAMP only
        (lambda df: df.drop(columns=["TIMESTAMP_END"]).rename(columns={"TIMESTAMP_START": "TIMESTAMP"}),
         ("TIMESTAMP_START: missing and TIMESTAMP_END missing (the file has TIMESTAMP", "DD/WW/MM/YY")),
        # a bad stamp
        (lambda df: df.assign(TIMESTAMP_START=df["TIMESTAMP_START"].where(df.index != 5, "-9999")),
         ("TIMESTAMP_START: time stamp '-9999' (data row 6) is not YYYYMMDDHHMM",)),
        # a duplicated record (START only)
        (lambda df: pd.concat([df.iloc[:10], df.iloc[9:]]).drop(columns=["TIMESTAMP_END"]),
         ("TIMESTAMP_START: time stamps are not strictly increasing on a regular grid",
          "(data row 11 repeats")),
        # END - START not constant
        (lambda df: df.assign(TIMESTAMP_END=df["TIMESTAMP_END"].where(df.index != 7, df["TIMESTAMP_START"])),
         ("TIMESTAMP_END: TIMESTAMP_END - TIMESTAMP_START is not constant",
          "(0 s instead of 1800 s at data row 8)")),
        # a 3-hourly file with START only
        (lambda df: df.iloc[::6].drop(columns=["TIMESTAMP_END"]),
         ("TIMESTAMP_START: time step 10800 s (the most common difference of consecutive stamps)",
          "is neither 1800 nor 3600")),
    ],
    ids=["no-time-column", "daily-aggregate", "bad-stamp", "duplicate", "end-start", "3-hourly"],
)
def test_refusals_name_the_column(flx_path, edit, fragments):
    path = write_fluxnet(flx_path)
    df = pd.read_csv(path, dtype={"TIMESTAMP_START": str, "TIMESTAMP_END": str})
    edit(df).to_csv(path, index=False)
    with pytest.raises(InputError) as exc:
        read_site_forcing(path)
    _one_line(exc.value, flx_path.name, *fragments)
    assert "unrecognised" not in str(exc.value)


def test_not_a_table_at_all(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(InputError) as exc:
        read_site_forcing(p)
    _one_line(exc.value, "x.csv: TIMESTAMP_END: missing and TIMESTAMP_START not found",
              "(first line: 'a,b,c')")


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
            "LE_1_1_1": 40.0,
            "H_1_1_1": 10.0,
            "H_PI_1_1_1": 12.0,  # the processed (PI) column is preferred
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
    np.testing.assert_allclose(site.le_obs, 40.0)
    np.testing.assert_allclose(site.h_obs, 12.0)


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
    assert site.le_obs is not None and site.h_obs is not None
    assert 20.0 < np.nanmean(site.le_obs) < 80.0 and -10.0 < np.nanmean(site.h_obs) < 50.0


@pytest.mark.skipif(not FR_HES.is_file(), reason="FR-Hes europe-fluxdata example not available")
def test_fr_hes_longwave_estimate_against_the_measured(tmp_path):
    # drop the measured LW_IN and estimate it: Crawford & Duchon within 5 W m-2 on average, where the
    # clear-sky Brutsaert value is > 30 W m-2 low (measured 2016: CD -0.2, Brutsaert -43.5 W m-2)
    measured = read_site_forcing(FR_HES)
    df = pd.read_csv(FR_HES, dtype={"TIMESTAMP_END": str})
    p = tmp_path / FR_HES.name
    df.drop(columns=["LW_IN_1_1_1"]).to_csv(p, index=False)
    est = read_site_forcing(p, lat=48.6742, lon=7.0656)
    assert abs(np.mean(est.lrad - measured.lrad)) < 5.0
    q, pres = measured.shum, measured.pres / 100.0
    e = q * pres / (0.622 + 0.378 * q)
    assert np.mean(longwave_brutsaert(measured.temp, e) - measured.lrad) < -30.0
    daily = pd.Series(est.lrad - measured.lrad).groupby(measured.time.astype("datetime64[D]")).mean()
    assert np.sqrt((daily**2).mean()) < 15.0


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


# ---- time zone of the stamps -----------------------------------------------------------------


def test_utc_offset_inferred_from_the_shortwave(tmp_path):
    # a Tibetan tower at 91 E keeps Beijing time (UTC+8), not the longitude's zone (UTC+6)
    from tpcarbon.io.fluxnet import _solar_geometry, infer_utc_offset

    n = 6 * 48
    t0 = pd.Timestamp("2015-06-01 00:00") + pd.to_timedelta(np.arange(n) * 1800, unit="s")
    centre = (t0 + pd.Timedelta(minutes=15)).to_numpy().astype("datetime64[s]")
    cosz, _ = _solar_geometry(centre, 30.5, 91.07, utc_offset=8.0)
    sw = 1000.0 * np.maximum(cosz, 0.0)
    assert infer_utc_offset(centre, sw, 91.07) == 8.0
    path = write_fluxnet(tmp_path / "FLX_CN-Dan_FLUXNET2015_SUBSET_HH_2015-2015_1-4.csv", ndays=6,
                         start="2015-06-01 00:00", SW_IN_F=sw)
    site = read_site_forcing(path, lat=30.5, lon=91.07)
    assert site.gapfill["utc_offset"] == 8.0
    assert site.warnings == ("time stamps are UTC+8 h by the timing of SW_IN_F (solar noon), not UTC+6 h of "
                             "the longitude's zone: UTC+8 used for the solar geometry",)
    given = read_site_forcing(path, lat=30.5, lon=91.07, utc_offset=8.0)  # given: no warning
    assert given.gapfill["utc_offset"] == 8.0 and given.warnings == ()
    # constant shortwave has no diurnal cycle to time: the longitude's zone, with a warning
    flat = read_site_forcing(write_fluxnet(tmp_path / "FLX_CN-Dan_FLUXNET2015_SUBSET_HH_2015-2015_1-5.csv"),
                             lat=30.5, lon=91.07)
    assert flat.gapfill["utc_offset"] == 6.0 and "has no diurnal cycle" in flat.warnings[0]
    assert infer_utc_offset(centre, np.zeros(n), 91.07) is None
    assert "utc_offset" not in read_site_forcing(path).gapfill  # no position: nothing inferred


@pytest.mark.skipif(not FR_HES.is_file(), reason="FR-Hes europe-fluxdata example not available")
def test_fr_hes_stamps_are_cet():
    # ICOS files are in CET (UTC+1); at 7.07 E the longitude's zone would be UTC+0
    site = read_site_forcing(FR_HES, lat=48.6742, lon=7.0656)
    assert site.gapfill["utc_offset"] == 1.0 and "UTC+1 h by the timing of SW_IN_1_1_1" in site.warnings[0]
