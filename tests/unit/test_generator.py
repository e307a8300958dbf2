"""The embedded weather generator: determinism, locality, physical consistency, study targets."""

import numpy as np
import pytest

from tpcarbon.analysis.stats import linear_trend
from tpcarbon.forcing.generator import WeatherGenerator, coszen_interval_mean, qsat
from tpcarbon.physics.solar import calc_coszen_mean
from tpcarbon.surface.default import build_default_domain

LAT = np.array([30.0, 33.5, 37.0])
LON = np.array([92.0, 88.0, 95.0])
ELEV = np.array([4200.0, 4900.0, 2900.0])


def test_same_seed_same_bytes_other_seed_differs():
    a = WeatherGenerator(seed=5).generate_month(1990, 7, LAT, LON, ELEV)
    b = WeatherGenerator(seed=5).generate_month(1990, 7, LAT, LON, ELEV)
    c = WeatherGenerator(seed=6).generate_month(1990, 7, LAT, LON, ELEV)
    for k in ("temp", "prec", "srad"):
        assert a[k].tobytes() == b[k].tobytes()
        assert not np.array_equal(a[k], c[k])


def test_weather_at_a_point_does_not_depend_on_the_other_points():
    g = WeatherGenerator(seed=2)
    alone = g.generate_month(2001, 4, LAT[:1], LON[:1], ELEV[:1])
    together = g.generate_month(2001, 4, LAT, LON, ELEV)
    for k in ("temp", "shum", "prec", "srad", "lrad", "wind", "pres"):
        np.testing.assert_array_equal(alone[k][:, 0], together[k][:, 0])


def test_physical_consistency():
    out = WeatherGenerator().generate_month(2010, 1, LAT, LON, ELEV)
    assert (out["shum"] <= qsat(out["temp"], out["pres"]) * (1 + 1e-6)).all()
    assert (out["prec"] >= 0).all() and (out["srad"] >= 0).all()
    assert (out["srad"][:, :] < 1361 * 1.04).all()
    hour = (out["time"] - out["time"].astype("datetime64[D]")).astype(int) / 3600
    night = (hour == 18)  # 18 UTC = ~00-01 local solar time on the plateau
    assert (out["srad"][night] == 0).all()


def test_coszen_mean_matches_the_model_kernel():
    """The generator's midpoint-rule coszen agrees with the exact integral kernel (within declination formulas)."""
    for day, hour, la, lo in [(172.0, 6.0, 30.0, 90.0), (15.0, 3.0, 35.0, 100.0), (280.0, 9.0, 28.0, 85.0),
                              (100.0, 0.0, 32.0, 80.0)]:
        calday = day + hour / 24.0
        mine = coszen_interval_mean(np.array([[calday]]), np.array([[hour]]), np.array([la]), np.array([lo]),
                                    nsub=60)[0, 0]
        ref = calc_coszen_mean(calday, 0.0625, la, lo)
        assert mine == pytest.approx(ref, abs=0.01)


def test_month_totals_conserve_target_precipitation():
    g = WeatherGenerator()
    clim = g.climatology(LAT, LON, ELEV)
    tot = sum((g.generate_month(1998, m, LAT, LON, ELEV)["prec"].astype(np.float64) * 3.0).sum(axis=0)
              for m in range(1, 13))
    # 1998 is close to the reference year: the totals follow the climatology within interannual noise
    np.testing.assert_allclose(tot, clim["prec_mm"], rtol=0.35)


@pytest.mark.slow
def test_plateau_means_and_trends_match_the_study():
    """Study: -1.43 °C and +0.04 °C/yr; 412 mm and +3.45 mm/yr (1979-2018), on the default 1° mask."""
    d = build_default_domain(1.0)
    w = d.land_area / d.land_area.sum()
    g = WeatherGenerator()
    years = np.arange(1979, 2019)
    T, P = [], []
    for y in years:
        t, p = 0.0, 0.0
        for m in range(1, 13):
            o = g.generate_month(int(y), m, d.lat, d.lon, d.elevation)
            t += o["temp"].astype(np.float64).sum(axis=0)
            p += (o["prec"].astype(np.float64) * 3.0).sum(axis=0)
        n = 8 * (366 if y % 4 == 0 else 365)
        T.append((t / n - 273.15) @ w)
        P.append(p @ w)
    T, P = np.array(T), np.array(P)
    assert T.mean() == pytest.approx(-1.43, abs=0.3)
    assert P.mean() == pytest.approx(412.0, abs=25.0)
    tt, tp = linear_trend(T, years), linear_trend(P, years)
    assert tt.slope == pytest.approx(0.04, abs=0.012) and tt.pvalue < 0.01
    assert tp.slope == pytest.approx(3.45, abs=1.5) and tp.pvalue < 0.01
