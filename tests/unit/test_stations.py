"""Bundled station normals: transcription checks, residual kriging, day length, sunshine-precipitation fit."""

from importlib import resources

import numpy as np
import pytest

from tpcarbon.forcing import stations as S


def test_every_number_has_a_documented_source_and_valid_fields():
    df = S.load_station_normals()
    assert len(df) > 0 and df.value.notna().all()
    prov = resources.files("tpcarbon.data").joinpath("PROVENANCE.md").read_text(encoding="utf-8")
    for sid in set(df.source) | set(df.meta_source):
        assert f"`{sid}`" in prov, f"source {sid} is not described in data/PROVENANCE.md"
    assert set(df.variable) <= {"tmean", "tmax", "tmin", "prec", "sunshine"}
    assert df.month.between(1, 13).all()
    assert (df[df.variable.isin(["prec", "sunshine"])].value >= 0).all()


def test_transcribed_monthly_values_add_up_to_the_published_annual_ones():
    """A typo in a transcribed month shows up against the published year value (totals; means to 0.2 K)."""
    df = S.load_station_normals()
    checked = 0
    for (st, var), g in df.groupby(["station", "variable"]):
        months, year = g[g.month <= 12].value, g[g.month == 13].value
        if len(months) != 12 or len(year) != 1:
            continue
        if var in ("prec", "sunshine"):
            assert months.sum() == pytest.approx(float(year.iloc[0]), rel=0.01, abs=0.6), (st, var)
        else:
            assert months.mean() == pytest.approx(float(year.iloc[0]), abs=0.2), (st, var)
        checked += 1
    assert checked >= 10


def test_tmax_above_tmean_above_tmin_where_published():
    df = S.load_station_normals()
    for (name, src), gs in df.groupby(["station", "source"]):
        g = gs.pivot_table(index="month", columns="variable", values="value")
        for lo, hi in (("tmin", "tmean"), ("tmean", "tmax"), ("tmin", "tmax")):
            if lo in g and hi in g:
                pair = g[[lo, hi]].dropna()
                assert (pair[lo] < pair[hi]).all(), (name, src, lo, hi)


def test_every_row_has_a_source_a_period_and_station_metadata():
    df = S.load_station_normals()
    assert df.source.notna().all() and df.period.notna().all() and df.meta_source.notna().all()
    assert df[["lat", "lon", "elev_m"]].notna().all().all() and df.wmo.str.fullmatch(r"\d{5}").all()
    computed = df.note.fillna("").str.startswith("computed")
    assert df[computed].source.isin(["S_CLIMAT", "S_BAO2021"]).all()
    for sid in ("S_CLIMAT", "S_BAO2021"):      # these sources hold computed means only
        assert df[df.source == sid].index.isin(df[computed].index).all()


def test_station_count_and_regions():
    """Issue 13: >= 30 stations on and around the plateau, every region of the issue represented."""
    sts = [s for s in S.stations() if s.located]
    assert len(sts) >= 30
    with_t = [s for s in sts if np.isfinite(s.t_month).sum() >= 2]
    with_p = [s for s in sts if np.isfinite(s.p_ann)]
    assert len(with_t) >= 30 and len(with_p) >= 30
    regions = {s.region.split(" (")[0] for s in sts}
    for r in ("Qiangtang", "Qaidam", "north-east", "south-east", "Yarlung Tsangpo valley", "west", "central"):
        assert r in regions, r


def test_source_preference_full_published_then_computed_then_partial():
    by = {s.name: s for s in S.stations()}
    assert by["Shiquanhe"].t_source == "S_SHIQUANHE"      # published 12 months beat the CLIMAT means
    assert by["Shiquanhe"].p_source == "S_CLIMAT"         # the page publishes no precipitation
    assert by["Yushu"].t_source == "S_CLIMAT"             # published: January, July and year only
    assert by["Yushu"].p_source == "S_YUSHU"              # published 12 months
    # annual-only sources: the period centre nearest to 1998.5 wins (1961-2019, centre 1990, over 1957-2014,
    # 1961-2000 and 2001-2019)
    assert by["Madoi"].p_source == "S_BAO2021" and by["Madoi"].p_period == "1961-2019"
    assert by["Madoi"].t_period == "unstated"
    assert by["Tongde"].t_source == "" and np.isnan(by["Tongde"].t_ann)   # precipitation-only station


def test_kriging_is_exact_without_nugget_and_fades_far_away():
    la, lo, r = np.array([30.0, 34.0]), np.array([90.0, 96.0]), np.array([2.0, -1.0])
    at = S.krige_residuals(la, lo, r, la, lo, nugget=0.0)
    np.testing.assert_allclose(at, r, atol=1e-9)
    far = S.krige_residuals(la, lo, r, np.array([30.0]), np.array([120.0]))
    assert abs(far[0]) < 1e-6
    shrunk = S.krige_residuals(la[:1], lo[:1], r[:1], la[:1], lo[:1], nugget=0.25)
    assert shrunk[0] == pytest.approx(2.0 / 1.25)
    nan_skipped = S.krige_residuals(la, lo, np.array([np.nan, -1.0]), la, lo, nugget=0.0)
    assert nan_skipped[1] == pytest.approx(-1.0)
    assert S.krige_residuals(la, lo, np.array([np.nan, np.nan]), la, lo).tolist() == [0.0, 0.0]


@pytest.mark.parametrize(("lat", "doy", "hours"), [(0.0, 80.0, 12.0), (30.0, 172.0, 13.9), (30.0, 355.0, 10.1)])
def test_day_length_fao56(lat, doy, hours):
    assert float(S.day_length_hours(np.array(lat), np.array(doy))) == pytest.approx(hours, abs=0.1)


def test_sunshine_falls_with_precipitation():
    a, b = S.fit_sunshine_precipitation()
    assert 0.5 < a < 0.9 and b > 0.05
    n = 0
    for st in S.stations():  # the fit reproduces the plateau stations that went into it within 0.2
        if st.elev >= S.SUNSHINE_FIT_MIN_ELEV and np.isfinite(st.sun_month).all() and np.isfinite(st.p_month).all():
            s_fit = a - b * np.log1p(st.p_month / S._DAYS)
            assert np.abs(S.relative_sunshine(st) - s_fit).max() < 0.2, st.name
            n += 1
    assert n >= 10


def test_period_centre():
    assert S.period_centre("1981-2010") == 1995.5
    assert np.isnan(S.period_centre("unstated"))
