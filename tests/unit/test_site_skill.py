"""Unit tests of tpcarbon.analysis.site_skill against hand-computed values: scores, aggregation, baselines."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tpcarbon.analysis import site_skill as sk

# ---- metrics and ILAMB scores (Collier et al. 2018) ------------------------------------------


def test_score_pair_by_hand():
    # obs 0 2 4 6 (mean 3, sigma_o = sqrt(5)); src 1 1 5 9 (mean 4): bias 1, rmse sqrt(3),
    # centred errors 0 -2 0 2 -> crmse sqrt(2); r = 28 / (4 sqrt(11) sqrt(5)) = 7 / sqrt(55)
    d = sk.score_pair(pd.Series([1.0, 1.0, 5.0, 9.0]), pd.Series([0.0, 2.0, 4.0, 6.0]))
    assert d["n"] == 4 and d["mean_obs"] == 3.0 and d["mean_src"] == 4.0
    assert d["bias"] == pytest.approx(1.0, abs=1e-14)
    assert d["rmse"] == pytest.approx(math.sqrt(3.0), rel=1e-14)
    assert d["crmse"] == pytest.approx(math.sqrt(2.0), rel=1e-14)
    assert d["sigma_obs"] == pytest.approx(math.sqrt(5.0), rel=1e-14)
    assert d["sigma_src"] == pytest.approx(math.sqrt(11.0), rel=1e-14)
    assert d["r"] == pytest.approx(7.0 / math.sqrt(55.0), rel=1e-13)
    assert d["bias_score"] == pytest.approx(math.exp(-1.0 / math.sqrt(5.0)), rel=1e-14)  # 0.63941
    assert d["rmse_score"] == pytest.approx(math.exp(-math.sqrt(2.0 / 5.0)), rel=1e-14)  # 0.53129
    assert round(d["bias_score"], 5) == 0.63941 and round(d["rmse_score"], 5) == 0.53129


def test_score_pair_leaves_out_nan_pairs_and_handles_degenerate():
    d = sk.score_pair(pd.Series([1.0, np.nan, 5.0, 9.0, 3.0]), pd.Series([0.0, 2.0, 4.0, 6.0, np.nan]))
    assert d["n"] == 3
    flat = sk.score_pair(pd.Series([1.0, 2.0]), pd.Series([3.0, 3.0]))  # sigma_obs = 0: no scores
    assert np.isnan(flat["r"]) and np.isnan(flat["bias_score"]) and flat["bias"] == -1.5
    assert np.isnan(sk.score_pair(pd.Series([1.0]), pd.Series([1.0]))["bias"])


def test_phase_shift_and_score():
    obs = np.zeros(12)
    obs[6] = 1.0  # July: mid-month day 181 + 15.5 = 196.5
    src = np.zeros(12)
    src[8] = 1.0  # September: 243 + 15 = 258
    assert sk.phase_shift_days(src, obs) == pytest.approx(61.5)
    assert sk.phase_score(61.5) == pytest.approx(0.5 * (1.0 + math.cos(2.0 * math.pi * 61.5 / 365.0)))
    # across the year end: obs in December (349.5), src in January (15.5) -> +31 days, not -334
    obs, src = np.zeros(12), np.zeros(12)
    obs[11], src[0] = 1.0, 1.0
    assert sk.phase_shift_days(src, obs) == pytest.approx(31.0)
    assert sk.phase_score(31.0) == sk.phase_score(-31.0)
    # minima (NEE's peak uptake)
    obs, src = np.zeros(12), np.zeros(12)
    obs[5], src[6] = -1.0, -1.0  # June 151 + 15 = 166, July 196.5
    assert sk.phase_shift_days(src, obs, "min") == pytest.approx(30.5)
    # months missing in either cycle are ignored
    obs[6] = np.nan
    assert sk.phase_shift_days(src, obs, "min") == pytest.approx(sk.MID_MONTH_DOY[np.nanargmin(np.where(
        np.isfinite(obs), src, np.nan))] - 166.0)
    assert np.isnan(sk.phase_score(np.nan))


def test_xcorr_lag():
    obs = np.cos(2 * np.pi * (np.arange(12) - 6) / 12)  # peak in July
    assert sk.xcorr_lag_months(np.roll(obs, 1), obs) == 1.0
    assert sk.xcorr_lag_months(np.roll(obs, -3), obs) == -3.0
    obs[3] = np.nan
    assert np.isnan(sk.xcorr_lag_months(obs, obs))


def test_iav_and_score_by_hand():
    idx = pd.date_range("2015-01-01", periods=24, freq="MS")
    cyc = np.sin(np.arange(12))
    a = 0.3
    obs = pd.Series(np.r_[cyc + a, cyc - a], index=idx)  # anomalies +-a: iav = a
    src = pd.Series(np.r_[cyc + 2 * a, cyc - 2 * a], index=idx)
    assert sk.iav(obs) == pytest.approx(a, rel=1e-12)
    assert sk.iav(src) == pytest.approx(2 * a, rel=1e-12)
    assert sk.iav_score(sk.iav(src), sk.iav(obs)) == pytest.approx(math.exp(-1.0), rel=1e-12)
    assert np.isnan(sk.iav(obs.iloc[:12]))  # one year: no interannual variability
    assert sk.iav_score(0.2, 0.2) == 1.0 and np.isnan(sk.iav_score(0.1, 0.0))


def test_overall_score_ilamb_weights():
    s = {"bias_score": 0.6, "rmse_score": 0.5, "phase_score": 0.9, "iav_score": 0.4}
    assert sk.overall_score(s) == pytest.approx((0.6 + 2 * 0.5 + 0.9 + 0.4) / 5.0)
    s["iav_score"] = np.nan  # missing scores leave numerator and denominator
    assert sk.overall_score(s) == pytest.approx((0.6 + 2 * 0.5 + 0.9) / 4.0)
    assert np.isnan(sk.overall_score({}))


# ---- aggregation --------------------------------------------------------------------------------


def test_daily_missing_rule_boundary():
    t = np.datetime64("2016-05-01T00:15") + np.arange(3 * 48) * np.timedelta64(30, "m")
    v = np.arange(3 * 48, dtype=float)
    v[0:9] = np.nan  # day 1: 9/48 = 18.75 % missing -> kept
    v[48:58] = np.nan  # day 2: 10/48 = 20.8 % missing -> dropped
    d = sk.daily_from_records(t, v)
    assert d.iloc[0] == pytest.approx(np.arange(9, 48).mean())
    assert np.isnan(d.iloc[1]) and d.iloc[2] == pytest.approx(np.arange(96, 144).mean())


def test_monthly_rule_and_pairing():
    idx = pd.date_range("2016-01-01", "2016-03-31")
    d = pd.DataFrame({"obs": 1.0, "src": np.arange(len(idx), dtype=float)}, index=idx)
    d.loc["2016-02-15":"2016-02-29", "obs"] = np.nan  # Feb: 14 of 29 valid (< 50 %): dropped
    d.loc["2016-03-17":"2016-03-31", "obs"] = np.nan  # Mar: 16 of 31 valid: kept, src over the same days
    m = sk.monthly_means(d)
    assert list(m.index.month) == [1, 3] and m["n_days"].tolist() == [31.0, 16.0]
    assert m.loc["2016-03-01", "src"] == pytest.approx(np.arange(60, 76).mean())  # paired days only


def test_annual_values_sums_means_and_completeness():
    idx = pd.date_range("2015-01-01", "2016-12-31")
    d = pd.DataFrame({"obs": 2.0, "src": 1.0}, index=idx)
    a = sk.annual_values(d)
    assert a.loc[2015, "obs"] == 730.0 and a.loc[2016, "obs"] == 732.0 and a.loc[2016, "sum_src"] == 366.0
    e = sk.annual_values(d, carbon=False)
    assert e.loc[2016, "obs"] == pytest.approx(2.0) and "sum_obs" not in e.columns
    # month-stratified, not the mean of the valid days: summer-only gaps do not inflate the sum
    s = pd.Series(np.where(idx.month.isin([6, 7, 8]), 10.0, 1.0), index=idx)
    d2 = pd.DataFrame({"obs": s, "src": s})
    d2.loc[(d2.index.month != 7) & (d2.index.day > 5), "obs"] = np.nan  # 5 days a month except July
    a2 = sk.annual_values(d2)
    assert a2.loc[2015, "obs"] == pytest.approx(10.0 * 92 + 273.0)  # 92 summer days at 10, 273 at 1
    assert a2.loc[2015, "n_days"] == 11 * 5 + 31
    d2.loc["2015-02-03":"2015-02-05", "obs"] = np.nan  # February down to 2 valid days (< 3)
    a3 = sk.annual_values(d2)
    assert np.isnan(a3.loc[2015, "obs"]) and not a3.loc[2015, "complete"] and a3.loc[2016, "complete"]


def test_skill_table_identical_series_scores_one():
    idx = pd.date_range("2014-01-01", "2016-12-31")
    rng = np.random.default_rng(0)
    season = np.sin(2 * np.pi * (idx.day_of_year - 100) / 365)
    gpp = pd.Series(5 + 4 * season + rng.normal(0, 0.5, len(idx)), index=idx)
    nee = -0.5 * gpp + 1.0
    sources = {"model": {"GPP": gpp, "NEE": nee}, "LUE": {"GPP": gpp * 0.5}}
    table, annual = sk.skill_table(sources, {"GPP": gpp, "NEE": nee, "LE": None})
    assert set(table["source"]) == {"model", "LUE"} and set(table["aggregation"]) == {"daily", "monthly"}
    perfect = table[table["source"] == "model"]
    for col in ("r", "bias_score", "rmse_score", "phase_score", "iav_score", "overall_score"):
        np.testing.assert_allclose(perfect[col], 1.0, atol=1e-12)
    np.testing.assert_allclose(perfect["bias"], 0.0, atol=1e-12)
    half = table[(table["source"] == "LUE") & (table["aggregation"] == "daily")].iloc[0]
    assert half["r"] == pytest.approx(1.0) and half["bias"] == pytest.approx(-0.5 * gpp.mean())
    assert half["annual_src"] == pytest.approx(0.5 * half["annual_obs"]) and half["n_years"] == 3
    assert half["interannual_r"] == pytest.approx(1.0)
    assert half["units"] == "g C m-2 d-1" and half["annual_units"] == "g C m-2 yr-1"
    assert len(annual) == 3 * 3 and set(annual["year"]) == {2014, 2015, 2016}


# ---- baselines ----------------------------------------------------------------------------------


def test_mod17_bplut_values():
    # C6/C6.1 BPLUT as in NTSG's mod17 package (kg C -> g C MJ-1)
    b = sk.MOD17_BPLUT
    lue = (b["ENF"].lue_max_gc_mj, b["DBF"].lue_max_gc_mj, b["Grass"].lue_max_gc_mj)
    assert lue == (1.211, 1.526, 1.215)
    assert (b["DBF"].tmin_min_c, b["DBF"].tmin_max_c, b["DBF"].vpd_min_pa, b["DBF"].vpd_max_pa) == (
        -6.0, 9.94, 650.0, 2900.0)
    from tpcarbon.params.pft import PFT_NAMES

    assert set(sk.PFT_BASELINE) == set(PFT_NAMES[1:])  # every vegetated CLM PFT has a baseline


def test_lue_gpp_ramps_by_hand():
    enf = sk.MOD17_BPLUT["ENF"]
    # Tmin ramp: (0 - -8) / (8.31 - -8) = 8 / 16.31; VPD ramp: (3000 - 1825) / (3000 - 650) = 0.5
    g = sk.lue_gpp(10.0, 0.0, 1825.0, 0.8, enf)
    assert float(g) == pytest.approx(1.211 * (8.0 / 16.31) * 0.5 * 0.8 * 0.45 * 10.0, rel=1e-12)
    assert float(sk.lue_gpp(10.0, -9.0, 500.0, 0.8, enf)) == 0.0  # frozen
    assert float(sk.lue_gpp(10.0, 10.0, 3100.0, 0.8, enf)) == 0.0  # too dry


def test_gsi_ramps_and_running_mean():
    tmin = np.array([-5.0, 1.5, 8.0, 8.0])
    vpd = np.array([500.0, 500.0, 2500.0, 5000.0])
    dayl = np.array([12.0, 12.0, 10.5, 12.0]) * 3600.0
    raw = sk.growing_season_index(tmin, vpd, dayl, window=1)
    np.testing.assert_allclose(raw, [0.0, 0.5, 0.5 * 0.5, 0.0])
    np.testing.assert_allclose(sk.growing_season_index(tmin, vpd, dayl, window=2), [0.0, 0.25, 0.375, 0.125])


def test_baselines_steady_state_and_no_model_input():
    t = (np.datetime64("2015-01-01T00:15") + np.arange(2 * 365 * 48) * np.timedelta64(30, "m")).astype(
        "datetime64[s]")
    hour = (np.arange(t.size) % 48 + 0.5) / 2.0
    doy = np.arange(t.size) // 48 % 365
    season = np.sin(2 * np.pi * (doy - 110) / 365)
    temp = 273.15 + 8 + 10 * season + 4 * np.sin(2 * np.pi * (hour - 9) / 24)
    sw = np.maximum(0.0, 600 * np.sin(np.pi * (hour - 6) / 12)) * (0.75 + 0.25 * season)
    vpd = np.full(t.size, 800.0)
    b = sk.baselines_daily(t, temp, vpd, sw, 48.7, "broadleaf_deciduous_temperate_tree")
    assert len(b) == 730 and list(b.columns) == ["GPP_LUE", "ER_LUEQ10", "NEE_LUEQ10", "fAPAR_LUE"]
    assert b["ER_LUEQ10"].sum() == pytest.approx(b["GPP_LUE"].sum(), rel=1e-12)  # R_ref: steady state
    np.testing.assert_allclose(b["NEE_LUEQ10"], b["ER_LUEQ10"] - b["GPP_LUE"])
    # respiration doubles per 10 K of the daily mean Q10 factor
    q = (2.0 ** ((temp - 273.15 - 15.0) / 10.0)).reshape(730, 48).mean(axis=1)
    np.testing.assert_allclose(b["ER_LUEQ10"].to_numpy() / q, b["ER_LUEQ10"].iloc[0] / q[0], rtol=1e-12)
    fmax = 1 - math.exp(-0.5 * 5.5)
    assert b["fAPAR_LUE"].max() <= fmax + 1e-12 and b["fAPAR_LUE"].iloc[0] == 0.0  # leafless in January
    assert b["fAPAR_LUE"].loc["2015-07-15"] == pytest.approx(fmax)
    assert b["GPP_LUE"].loc["2015-07"].mean() > 5 * max(b["GPP_LUE"].loc["2015-01"].mean(), 0.01)
    ev = sk.baselines_daily(t, temp, vpd, sw, 48.7, "needleleaf_evergreen_boreal_tree")
    np.testing.assert_allclose(ev["fAPAR_LUE"], 1 - math.exp(-0.5 * 3.5))
    with pytest.raises(KeyError):
        sk.baselines_daily(t, temp, vpd, sw, 48.7, "not_vegetated")
