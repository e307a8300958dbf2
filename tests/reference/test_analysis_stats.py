"""Analysis statistics against independent libraries and hand-computed float64 values.

References: scipy.stats.linregress / pearsonr (scipy 1.17.1), pymannkendall.original_test
(pymannkendall 1.4.3), pingouin.partial_corr (pingouin 0.7.0), and the study's reported numbers in
``/work/shared/reference/study.md`` (Li et al. 2026, Land): Table 2 decadal means, Table 3 trends and the
reported factor shares. Hand values are worked out in the comments next to them.
"""

import itertools

import numpy as np
import pandas as pd
import pingouin
import pymannkendall
import pytest
from scipy import stats as sps

from tpcarbon.analysis import stats as st
from tpcarbon.analysis import trends
from tpcarbon.errors import InputError

pytestmark = pytest.mark.reference


# --------------------------------------------------------------------------------------------------
# area_weighted_mean
# --------------------------------------------------------------------------------------------------


def test_area_weighted_mean_hand_values_and_nan_exclusion():
    area = np.array([1.0e6, 2.0e6, 3.0e6, 4.0e6])
    v = np.array([[1.0, 2.0, 3.0, 4.0],          # (1 + 4 + 9 + 16) / 10 = 3.0
                  [1.0, np.nan, 3.0, np.nan],    # (1 + 9) / (1 + 3) = 2.5
                  [np.nan] * 4])                 # nothing valid -> NaN
    out = st.area_weighted_mean(v, area)
    assert out.shape == (3,)
    assert out[0] == pytest.approx(3.0, rel=1e-15)
    assert out[1] == pytest.approx(2.5, rel=1e-15)
    assert np.isnan(out[2])
    # leading dims are kept
    out3 = st.area_weighted_mean(np.broadcast_to(v[:2], (5, 2, 4)), area)
    assert out3.shape == (5, 2)
    np.testing.assert_allclose(out3, np.broadcast_to([3.0, 2.5], (5, 2)), rtol=1e-15)


def test_area_weighted_mean_differs_from_plain_mean_and_rejects_bad_area():
    v = np.array([0.0, 10.0])
    assert st.area_weighted_mean(v, [3.0, 1.0]) == pytest.approx(2.5)  # plain mean would be 5
    with pytest.raises(InputError, match="area"):
        st.area_weighted_mean(v, [1.0, 2.0, 3.0])
    with pytest.raises(InputError, match="negative"):
        st.area_weighted_mean(v, [1.0, -2.0])


# --------------------------------------------------------------------------------------------------
# linear_trend
# --------------------------------------------------------------------------------------------------


def test_linear_trend_hand_values():
    # t = 0, 1, 2; y = 1, 2, 4: tbar = 1, ybar = 7/3, Stt = 2, Sty = 3, Syy = 14/3
    tr = st.linear_trend([1.0, 2.0, 4.0])
    assert tr.slope == pytest.approx(1.5, rel=1e-14)
    assert tr.intercept == pytest.approx(7.0 / 3.0 - 1.5, rel=1e-14)
    r = 3.0 / np.sqrt(2.0 * 14.0 / 3.0)
    assert tr.r == pytest.approx(r, rel=1e-14)
    assert tr.stderr == pytest.approx(np.sqrt((1 - r * r) * (14.0 / 3.0) / 2.0 / 1.0), rel=1e-13)
    # one dof: p = 2 P(t_1 > |T|) = 1 - 2 atan(|T|) / pi
    tt = r * np.sqrt(1.0 / (1.0 - r * r))
    assert tr.pvalue == pytest.approx(1.0 - 2.0 * np.arctan(tt) / np.pi, rel=1e-12)


def test_linear_trend_matches_linregress_per_series():
    rng = np.random.default_rng(42)
    years = np.arange(1979, 2019, dtype=np.float64)
    slopes = rng.normal(0.0, 0.5, size=(3, 4))
    y = 20.0 + slopes[None] * (years - 1979.0)[:, None, None] + rng.normal(0.0, 5.0, size=(40, 3, 4))
    y[:, 1, 2] = np.nan  # a masked (ocean) series
    y[7, 2, 0] = np.nan  # one missing year -> whole series NaN
    tr = st.linear_trend(y, years)
    assert tr.slope.shape == (3, 4)
    for a, b in itertools.product(range(3), range(4)):
        if (a, b) in ((1, 2), (2, 0)):
            assert all(np.isnan(f[a, b]) for f in tr)
            continue
        ref = sps.linregress(years, y[:, a, b])
        assert tr.slope[a, b] == pytest.approx(ref.slope, rel=1e-10)
        assert tr.intercept[a, b] == pytest.approx(ref.intercept, rel=1e-10)
        assert tr.r[a, b] == pytest.approx(ref.rvalue, rel=1e-10)
        assert tr.stderr[a, b] == pytest.approx(ref.stderr, rel=1e-10)
        assert tr.pvalue[a, b] == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-300)


def test_linear_trend_constant_series_and_errors():
    tr = st.linear_trend(np.full((5, 2), 3.0))
    np.testing.assert_array_equal(tr.slope, [0.0, 0.0])
    assert np.all(np.isnan(tr.r)) and np.all(np.isnan(tr.pvalue))  # as scipy.stats.linregress
    with pytest.raises(InputError, match="at least 3"):
        st.linear_trend([1.0, 2.0])
    with pytest.raises(InputError, match="t"):
        st.linear_trend([1.0, 2.0, 3.0], t=[1.0, 2.0])


# --------------------------------------------------------------------------------------------------
# mann_kendall
# --------------------------------------------------------------------------------------------------


def _random_series(rng):
    """Continuous series, integer series with many ties, a series with a constant run, and a pure trend."""
    cols = [
        rng.normal(size=30) + 0.05 * np.arange(30),
        np.round(rng.normal(0, 1.5, size=30)),           # ties in several groups
        np.r_[np.zeros(12), rng.integers(0, 3, size=18)],  # a large tie group
        -0.3 * np.arange(30.0),                          # strictly decreasing
        rng.normal(size=30) - 0.02 * np.arange(30),
    ]
    return np.stack(cols, axis=1)


def test_mann_kendall_matches_pymannkendall():
    y = _random_series(np.random.default_rng(7))
    mk = st.mann_kendall(y)
    for c in range(y.shape[1]):
        ref = pymannkendall.original_test(y[:, c])
        assert mk.tau[c] == pytest.approx(ref.Tau, rel=1e-12, abs=1e-15)
        assert mk.z[c] == pytest.approx(ref.z, rel=1e-12, abs=1e-15)
        assert mk.pvalue[c] == pytest.approx(ref.p, rel=1e-9, abs=1e-12)
        assert mk.sen_slope[c] == pytest.approx(ref.slope, rel=1e-12, abs=1e-15)
    # the tie correction matters for the tied columns: without it z would be smaller
    n = 30
    s = mk.tau[1] * n * (n - 1) / 2
    z_no_ties = (s - np.sign(s)) / np.sqrt(n * (n - 1) * (2 * n + 5) / 18)
    assert abs(mk.z[1]) > abs(z_no_ties)


def test_mann_kendall_chunked_equals_unchunked_and_nan(monkeypatch):
    rng = np.random.default_rng(3)
    y = np.round(rng.normal(size=(12, 4, 5)), 1)
    y[:, 0, 0] = np.nan
    whole = st.mann_kendall(y)
    monkeypatch.setattr(trends, "_PAIR_BUDGET", 150)  # forces one column per chunk
    chunked = st.mann_kendall(y)
    for a, b in zip(whole, chunked, strict=True):
        np.testing.assert_array_equal(a, b)
    assert all(np.isnan(f[0, 0]) for f in whole)
    ref = pymannkendall.original_test(y[:, 3, 4])
    assert whole.z[3, 4] == pytest.approx(ref.z, rel=1e-12, abs=1e-15)


def test_mann_kendall_sen_slope_uses_time_axis():
    y = np.array([1.0, 2.0, 2.0, 5.0, 4.0])
    # pairwise slopes per step: 1, .5, 4/3, .75, 0, 1.5, 2/3, 3, 1, -1 -> median of 10 = (0.75 + 1) / 2
    assert st.mann_kendall(y).sen_slope == pytest.approx(0.875, rel=1e-15)
    assert st.mann_kendall(y, t=2000 + 2.0 * np.arange(5)).sen_slope == pytest.approx(0.4375, rel=1e-15)


# --------------------------------------------------------------------------------------------------
# partial correlation
# --------------------------------------------------------------------------------------------------


def _climate_like(rng, nt=40, ncell=6):
    """NEP and three drivers with very different scales (K, mm, W m-2), correlated with each other."""
    common = rng.normal(size=(nt, ncell))
    temp = -1.4 + 0.5 * (0.6 * common + rng.normal(size=(nt, ncell)))
    prec = 412.0 + 80.0 * (0.4 * common + rng.normal(size=(nt, ncell)))
    rad = 200.0 + 20.0 * (-0.5 * common + rng.normal(size=(nt, ncell)))
    nep = 24.0 + 8.0 * (temp + 1.4) + 0.02 * (prec - 412.0) - 0.05 * (rad - 200.0) \
        + 3.0 * rng.normal(size=(nt, ncell))
    return nep, {"temperature": temp, "precipitation": prec, "radiation": rad}


def test_partial_correlation_matches_pingouin():
    rng = np.random.default_rng(11)
    nep, drv = _climate_like(rng)
    controls = np.stack([drv["precipitation"], drv["radiation"]], axis=-1)
    r, p = st.partial_correlation(nep, drv["temperature"], controls)
    for c in range(nep.shape[1]):
        df = pd.DataFrame({"nep": nep[:, c], "t": drv["temperature"][:, c],
                           "p": drv["precipitation"][:, c], "s": drv["radiation"][:, c]})
        ref = pingouin.partial_corr(data=df, x="t", y="nep", covar=["p", "s"])
        assert r[c] == pytest.approx(ref["r"].iloc[0], abs=1e-10)
        assert p[c] == pytest.approx(ref["p_val"].iloc[0], abs=1e-10, rel=1e-10)


def test_partial_correlation_drivers_match_pingouin_and_dof():
    rng = np.random.default_rng(5)
    nep, drv = _climate_like(rng, nt=25, ncell=4)
    res = st.partial_correlation_drivers(nep, drv)
    assert list(res) == ["temperature", "precipitation", "radiation"]
    names = {"temperature": "t", "precipitation": "p", "radiation": "s"}
    for c in range(4):
        df = pd.DataFrame({"nep": nep[:, c], **{names[k]: v[:, c] for k, v in drv.items()}})
        for k, (r, p) in res.items():
            covar = [names[o] for o in drv if o != k]
            ref = pingouin.partial_corr(data=df, x=names[k], y="nep", covar=covar)
            assert r[c] == pytest.approx(ref["r"].iloc[0], abs=1e-10)
            assert p[c] == pytest.approx(ref["p_val"].iloc[0], abs=1e-10, rel=1e-10)
            # dof = 25 - 2 - 2 = 21, recomputed by hand
            tt = r[c] * np.sqrt(21.0 / (1.0 - r[c] ** 2))
            assert p[c] == pytest.approx(2.0 * sps.t.sf(abs(tt), 21), rel=1e-12)


def test_partial_correlation_first_order_equals_study_eq5_and_k0_equals_pearson():
    rng = np.random.default_rng(2)
    y, x, z = rng.normal(size=(3, 20, 3))
    x = x + 0.7 * z
    y = y + 0.5 * z + 0.3 * x
    r, p = st.partial_correlation(y, x, z)
    r0, p0 = st.partial_correlation(y, x, None)
    for c in range(3):
        r12 = np.corrcoef(y[:, c], x[:, c])[0, 1]
        r13 = np.corrcoef(y[:, c], z[:, c])[0, 1]
        r23 = np.corrcoef(x[:, c], z[:, c])[0, 1]
        eq5 = (r12 - r13 * r23) / np.sqrt((1 - r13**2) * (1 - r23**2))
        assert r[c] == pytest.approx(eq5, abs=1e-12)
        ref = sps.pearsonr(y[:, c], x[:, c])
        assert r0[c] == pytest.approx(ref.statistic, abs=1e-12)
        assert p0[c] == pytest.approx(ref.pvalue, rel=1e-9)


def test_partial_correlation_constant_control_nan_pixel_and_errors():
    rng = np.random.default_rng(9)
    y, x, z = rng.normal(size=(3, 15, 3))
    held = np.full((15, 3), 273.15 + 0.1)  # a driver held at its climatology (S2-like)
    r2, p2 = st.partial_correlation(y, x, np.stack([z, held], axis=-1))
    r1, _ = st.partial_correlation(y, x, z)
    np.testing.assert_allclose(r2, r1, atol=1e-12)  # the constant control removes nothing
    tt = r2 * np.sqrt(11.0 / (1 - r2**2))           # but dof stay 15 - 2 - 2 = 11
    np.testing.assert_allclose(p2, 2 * sps.t.sf(np.abs(tt), 11), rtol=1e-12)
    y[4, 1] = np.nan
    r, p = st.partial_correlation(y, x, z)
    assert np.isnan(r[1]) and np.isnan(p[1]) and np.all(np.isfinite(r[[0, 2]]))
    with pytest.raises(InputError, match="degrees of freedom"):
        st.partial_correlation(y[:4], x[:4], np.stack([z[:4], z[:4]], axis=-1))
    with pytest.raises(InputError, match="x"):
        st.partial_correlation(y, x[:, :2], z)


def test_dominant_driver_codes():
    r_t = np.array([0.60, 0.30, 0.90, 0.10, np.nan, -0.70])
    p_t = np.array([0.01, 0.04, 0.06, 0.50, np.nan, 0.001])
    r_p = np.array([-0.70, 0.20, 0.50, 0.20, 0.80, 0.70])
    p_p = np.array([0.001, 0.03, 0.02, 0.40, 0.001, 0.002])
    r_s = np.array([0.10, 0.35, 0.10, 0.30, 0.10, 0.10])
    p_s = np.array([0.60, 0.06, 0.70, 0.30, 0.70, 0.70])
    res = {"temperature": (r_t, p_t), "precipitation": (r_p, p_p), "radiation": (r_s, p_s)}
    # pixel 0: |-0.7| > 0.6 both significant -> 1; pixel 1: radiation largest but p = 0.06 -> temperature 0;
    # pixel 2: temperature largest but p = 0.06 -> 1; pixel 3: none -> -1; pixel 4: NaN temperature -> 1;
    # pixel 5: tie |r| = 0.7 -> first (temperature)
    codes = st.dominant_driver(res)
    assert codes.dtype == np.int64
    np.testing.assert_array_equal(codes, [1, 0, 1, -1, 1, 0])
    np.testing.assert_array_equal(st.dominant_driver(res, alpha=0.1), [1, 2, 0, -1, 1, 0])
    nan = (np.full(2, np.nan), np.full(2, np.nan))
    np.testing.assert_array_equal(st.dominant_driver({"a": nan, "b": nan}), [-1, -1])


# --------------------------------------------------------------------------------------------------
# sink classes
# --------------------------------------------------------------------------------------------------


def test_sink_classes_boundaries_exact():
    nep = np.array([50.0, np.nextafter(50.0, 0.0), 0.0, -0.0, np.nextafter(0.0, -1.0), 225.0, -30.0, np.nan])
    np.testing.assert_array_equal(st.sink_classes(nep), [2, 1, 1, 1, 0, 2, 0, -1])


def test_class_area_shares_hand_values():
    nep = np.array([60.0, 50.0, 49.0, 0.0, -1.0, np.nan])
    area = np.array([1.0, 2.0, 3.0, 4.0, 10.0, 100.0])
    # valid area 20: strong 3/20, weak 7/20, source 10/20
    sh = st.class_area_shares(nep, area)
    assert list(sh) == ["strong_sink", "weak_sink", "source"]
    assert sh["strong_sink"] == pytest.approx(0.15, rel=1e-15)
    assert sh["weak_sink"] == pytest.approx(0.35, rel=1e-15)
    assert sh["source"] == pytest.approx(0.50, rel=1e-15)
    assert sum(sh.values()) == pytest.approx(1.0, rel=1e-15)


# --------------------------------------------------------------------------------------------------
# decadal and period tables
# --------------------------------------------------------------------------------------------------


def test_decadal_table_blocks_and_labels():
    years = np.arange(1979, 2019)
    df = st.decadal_table(years, {"yr": years.astype(float)})
    assert df["period"].tolist() == ["1979-1988", "1989-1998", "1999-2008", "2009-2018"]
    assert df["yr"].tolist() == [1983.5, 1993.5, 2003.5, 2013.5]
    df = st.decadal_table(np.arange(1979, 2021), {"yr": np.arange(1979, 2021.0)})
    assert df["period"].tolist()[-1] == "2019-2020" and df["n_years"].tolist()[-1] == 2
    assert df["yr"].iloc[-1] == 2019.5


def test_decadal_table_calendar_decades_reproduce_study_table2_changes():
    # the study's Table 2 decadal means; its reported changes are +4.19, +5.31, -3.90
    means = {"1980-1989": 18.95, "1990-1999": 23.14, "2000-2009": 28.45, "2010-2018": 24.54}
    years = np.arange(1979, 2019)
    nep = np.empty(40)
    nep[0] = 0.0
    for label, m in means.items():
        y0, y1 = map(int, label.split("-"))
        nep[(years >= y0) & (years <= y1)] = m
    df = st.decadal_table(years, {"NEP": nep}, start=1980, with_change=True)
    assert df["period"].tolist() == ["1979-1979", *means]
    np.testing.assert_allclose(df["NEP"].iloc[1:], list(means.values()), rtol=1e-14)
    # the last change is -3.91 from the table's own means: the paper's -3.90 is 0.01 off (rounding)
    np.testing.assert_allclose(df["NEP_change"].iloc[2:], [4.19, 5.31, -3.91], atol=1e-12)


def test_period_statistics_and_change_vs_reference():
    years = np.arange(2025, 2101)
    # regional series: slope 0.5 in 2025-2050, 1.0 after (piecewise), cells differ by a constant offset
    reg = np.where(years <= 2050, 30.0 + 0.5 * (years - 2025), 42.5 + 1.0 * (years - 2050))
    area = np.array([1.0, 3.0, 2.0])
    offs = np.array([-6.0, 2.0, 0.0])  # area-weighted offset = (-6 + 6 + 0) / 6 = 0
    values = reg[:, None] + offs[None, :]
    values[3, 2] = np.nan  # NaN cell dropped from that year's mean: (-6 + 6) / 4 = 0 still
    df = st.period_statistics(years, values, area)
    assert df["period"].tolist() == ["2025-2050", "2051-2075", "2076-2100"]
    assert df["n_years"].tolist() == [26, 25, 25]
    # means of arithmetic sequences: 30 + 0.5 * 12.5; 42.5 + 13; 42.5 + 38
    np.testing.assert_allclose(df["mean"], [36.25, 55.5, 80.5], rtol=1e-13)
    # ddof=1 std of an arithmetic sequence: b * sqrt(n (n + 1) / 12)
    np.testing.assert_allclose(df["std"], [0.5 * np.sqrt(26 * 27 / 12), np.sqrt(25 * 26 / 12),
                                           np.sqrt(25 * 26 / 12)], rtol=1e-12)
    np.testing.assert_allclose(df["slope"], [0.5, 1.0, 1.0], rtol=1e-12)
    # a noisy period against linregress
    noisy = reg + np.random.default_rng(1).normal(0, 2, size=reg.size)
    d2 = st.period_statistics(years, noisy, None, periods=[(2051, 2075)])
    ref = sps.linregress(years[26:51].astype(float), noisy[26:51])
    assert d2["slope"].iloc[0] == pytest.approx(ref.slope, rel=1e-10)
    assert d2["pvalue"].iloc[0] == pytest.approx(ref.pvalue, rel=1e-8)
    ch = st.change_vs_reference(df, 23.96)  # the study's 1979-2018 mean NEP
    np.testing.assert_allclose(ch["change"], [12.29, 31.54, 56.54], rtol=1e-12)
    np.testing.assert_allclose(ch["change_pct"], 100 * np.array([12.29, 31.54, 56.54]) / 23.96, rtol=1e-12)
    ch2 = st.change_vs_reference(df, (2025, 2050))
    np.testing.assert_allclose(ch2["change"], [0.0, 19.25, 44.25], atol=1e-12)
    with pytest.raises(InputError, match="no years"):
        st.period_statistics(years, reg, None, periods=[(1979, 2018)])


# --------------------------------------------------------------------------------------------------
# attribution
# --------------------------------------------------------------------------------------------------

# the study's Table 3 NEP trends [g C m-2 yr-2] and its reported shares
STUDY_S1 = 0.2
STUDY_HELD = {"temperature": 0.5, "precipitation": -0.1, "radiation": 0.2}  # S2, S3, S4
STUDY_REPORTED = {"temperature": 0.68, "precipitation": 0.11, "radiation": 0.21}


def test_factor_contributions_hand_values():
    df = st.factor_contributions(1.0, {"a": 0.25, "b": 1.5})
    # c_a = 0.75, c_b = -0.5, residual = 1 - 0.25 = 0.75; sum |c| = 1.25; sum |held| = 1.75
    assert df["factor"].tolist() == ["a", "b", st.RESIDUAL]
    np.testing.assert_allclose(df["contribution"], [0.75, -0.5, 0.75], rtol=1e-15)
    np.testing.assert_allclose(df["share_of_s1"], [0.75, -0.5, 0.75], rtol=1e-15)
    np.testing.assert_allclose(df["share_of_sum"][:2], [0.6, -0.4], rtol=1e-15)
    np.testing.assert_allclose(df["share_of_held"][:2], [0.25 / 1.75, 1.5 / 1.75], rtol=1e-15)
    assert df[["trend_held", "share_of_sum", "share_of_held"]].iloc[2].isna().all()


def test_study_attribution_inconsistency():
    df = st.factor_contributions(STUDY_S1, STUDY_HELD).set_index("factor")
    f = list(STUDY_HELD)
    # Methods formula: c = trend(S1) - trend(S_x) = 0.2 - (0.5, -0.1, 0.2) = (-0.3, +0.3, 0.0)
    np.testing.assert_allclose(df.loc[f, "contribution"], [-0.3, 0.3, 0.0], atol=1e-15)
    # ... which sum to 0, so the residual (CO2 and interactions) is the whole S1 trend
    assert df.loc[st.RESIDUAL, "contribution"] == pytest.approx(0.2, abs=1e-15)
    assert df.loc[st.RESIDUAL, "share_of_s1"] == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(df.loc[f, "share_of_s1"], [-1.5, 1.5, 0.0], atol=1e-14)
    np.testing.assert_allclose(df.loc[f, "share_of_sum"], [-0.5, 0.5, 0.0], atol=1e-14)
    # held-run shares: 0.5 / 0.8, -0.1 / 0.8, 0.2 / 0.8 = 62.5, -12.5, 25 %
    np.testing.assert_allclose(df.loc[f, "share_of_held"], [0.625, -0.125, 0.25], atol=1e-15)

    # which normalisation reproduces the reported 68 / 11 / 21 %? Only the held-run share (in magnitude).
    reported = np.array([STUDY_REPORTED[k] for k in f])
    dev = {col: np.max(np.abs(np.abs(df.loc[f, col].to_numpy()) - reported))
           for col in ("share_of_s1", "share_of_sum", "share_of_held")}
    assert min(dev, key=dev.get) == "share_of_held"
    assert dev["share_of_held"] == pytest.approx(0.055, abs=1e-12)  # temperature 68 vs 62.5
    assert dev["share_of_sum"] == pytest.approx(0.39, abs=1e-12)    # precipitation 11 vs 50
    assert dev["share_of_s1"] == pytest.approx(1.39, abs=1e-12)     # precipitation 11 vs 150

    # the two readings differ by: held-run trend - Methods contribution = (0.8, -0.4, 0.2) g C m-2 yr-2,
    # and held-run share - Methods share of sum = (+112.5, -62.5, +25) percentage points
    np.testing.assert_allclose(df.loc[f, "trend_held"] - df.loc[f, "contribution"], [0.8, -0.4, 0.2],
                               atol=1e-15)
    np.testing.assert_allclose(df.loc[f, "share_of_held"] - df.loc[f, "share_of_sum"], [1.125, -0.625, 0.25],
                               atol=1e-14)

    # not a rounding artefact: with every Table 3 trend anywhere in its rounding interval (+-0.05) the
    # Methods contribution of temperature stays negative (-0.4 .. -0.2), never the reported +68 %
    for d in itertools.product([-0.05, 0.05], repeat=4):
        held = {k: v + dk for (k, v), dk in zip(STUDY_HELD.items(), d[1:], strict=True)}
        c_t = st.factor_contributions(STUDY_S1 + d[0], held).set_index("factor").loc["temperature"]
        assert -0.4 - 1e-12 <= c_t["contribution"] <= -0.2 + 1e-12
        assert c_t["share_of_sum"] < 0.0

    note = st.attribution_note(df.reset_index())
    assert "\n" not in note
    assert "temperature -0.3 (-50.0 % of the summed magnitudes, -150.0 % of the S1 trend)" in note
    assert "share_of_held: temperature +62.5 %, precipitation -12.5 %, radiation +25.0 %" in note
    assert "+100.0 % of the S1 trend" in note and "from column share_of_sum" in note


def test_factor_contribution_maps_match_table_per_pixel():
    rng = np.random.default_rng(4)
    b1 = rng.normal(size=5)
    held = {k: rng.normal(size=5) for k in ("temperature", "precipitation", "radiation")}
    held["radiation"][2] = np.nan
    maps = st.factor_contribution_maps(b1, held)
    assert list(maps) == [*held, st.RESIDUAL]
    for i in (0, 1, 3, 4):
        df = st.factor_contributions(b1[i], {k: v[i] for k, v in held.items()})
        np.testing.assert_allclose([maps[k][i] for k in maps], df["contribution"], rtol=1e-14, atol=1e-15)
    assert np.isnan(maps["radiation"][2]) and np.isnan(maps[st.RESIDUAL][2])
    assert maps["temperature"][2] == pytest.approx(b1[2] - held["temperature"][2])
    with pytest.raises(InputError, match="temperature"):
        st.factor_contribution_maps(b1, {"temperature": b1[:3]})
