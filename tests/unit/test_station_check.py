"""The generator anchored to the stations: in-sample fit, background far away, leave-one-out criterion."""

import numpy as np
import pytest

from tpcarbon.forcing import stations as S
from tpcarbon.forcing.generator import _LAPSE, REF_YEAR, T_TREND, WeatherGenerator, station_residuals
from tpcarbon.forcing.station_check import SHARE_MIN, cell_of, criteria, leave_one_out


def _located():
    return [s for s in S.stations() if s.located]


def test_anchored_climatology_reproduces_the_stations_at_their_elevation():
    """At a station's own point and elevation the anchored annual mean is within 1 K of its normal (nugget 0.15)."""
    g = WeatherGenerator()
    for st in _located():
        pt = (np.array([st.lat]), np.array([st.lon]), np.array([st.elev]))
        obs = st.t_ann + T_TREND * np.nan_to_num(REF_YEAR - S.period_centre(st.period))
        err = g.climatology(*pt)["temp_c"][0] - obs
        assert abs(err) < 1.0, st.name


def test_far_from_every_station_the_background_is_kept():
    pt = (np.array([27.0]), np.array([104.0]), np.array([3000.0]))
    a = WeatherGenerator().climatology(*pt)
    b = WeatherGenerator(stations=False).climatology(*pt)
    assert a["temp_c"][0] == pytest.approx(b["temp_c"][0], abs=0.05)
    assert a["prec_mm"][0] == pytest.approx(b["prec_mm"][0], rel=0.02)


def test_excluding_a_station_removes_its_residual():
    name = _located()[0].name
    assert name in station_residuals(24.0, 300.0, ()).get("names")
    assert name not in station_residuals(24.0, 300.0, (name,)).get("names")


def test_cell_of_returns_the_cell_holding_the_point():
    lat, lon, z = cell_of(33.0, 96.96, 0.1)
    assert (lat, lon) == pytest.approx((33.05, 96.95))
    assert 2500.0 < z < 6000.0


def test_cloud_fraction_rises_with_precipitation_and_stays_bounded():
    c = WeatherGenerator.cloud_fraction(np.array([0.0, 1.0, 5.0, 50.0]))
    assert np.all(np.diff(c) > 0) and c.min() >= 0.05 and c.max() <= 0.95


@pytest.mark.xfail(strict=True, reason="issue 13 criterion not met with the 6 located stations shipped "
                   "(the issue asks for >= 30); a strict xfail: it turns into a failure once it passes")
def test_leave_one_out_meets_the_issue_criterion_at_01_degree():
    """Issue 13: monthly temperature RMSE <= 1.5 K and annual precipitation within 25 % at >= 80 % of stations."""
    c = criteria(leave_one_out(0.1))
    assert c["n_temperature"] >= 30
    assert c["share_t_rmse_ok"] >= SHARE_MIN and c["share_p_ok"] >= SHARE_MIN


def test_leave_one_out_table_is_consistent():
    t = leave_one_out(0.1)
    assert len(t) == len(_located())
    assert (t.t_rmse_K_insample <= t.t_rmse_K + 1e-9).all()   # using the station itself never hurts
    assert (t.n_months >= 2).all()
    lapse_adj = t.cell_elev_m - t.elev_m
    assert np.isfinite(lapse_adj).all() and _LAPSE > 0


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
    assert y.t_cell_degC == pytest.approx(temp[i, j] + _LAPSE * (elev[i, j] - y.elev_m))
    png = plot_station_climate(tmp_path / "f.png", g.lat, g.lon, temp, prec, t)
    assert png.exists() and png.stat().st_size > 10_000
