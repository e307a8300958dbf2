"""CMFD round trip (units, precipitation re-centring), the Zarr cache, hold/cycle/anomaly transforms, CO2."""

import numpy as np
import pytest

from tpcarbon.experiments.factorial import HeldSource, compute_forcing_climatology, day_index_366
from tpcarbon.experiments.scenarios import (AnomalySource, CycledSource, default_anomalies, global_warming,
                                            make_ssp_source)
from tpcarbon.errors import InputError
from tpcarbon.forcing.generator import WeatherGenerator, qsat
from tpcarbon.io.cmfd import open_cmfd, write_default_forcing
from tpcarbon.io.co2 import co2_ppm
from tpcarbon.io.zarr_cache import build_forcing_cache, open_forcing_cache
from tpcarbon.surface.default import build_default_domain
from tpcarbon.surface.grid import make_grid

BBOX = (30.0, 33.0, 89.0, 93.0)


@pytest.fixture(scope="module")
def cmfd(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cmfd")
    grid = make_grid(1.0, BBOX)
    write_default_forcing(folder, grid, (1979, 1980), WeatherGenerator(seed=3), progress=False)
    domain = build_default_domain(1.0, BBOX)
    return folder, domain


def test_round_trip_units_and_precipitation_total(cmfd):
    import netCDF4

    folder, domain = cmfd
    src = open_cmfd(folder, domain, (1979, 1980))
    assert "SYNTHETIC" in src.description
    chunks = list(src.iter_chunks(1979, 1979))
    assert len(chunks) == 12 and chunks[0].nt == 248
    # temperature: identical to the file at the cell
    with netCDF4.Dataset(next(folder.rglob("temp_*_197901.nc"))) as nc:
        lat, lon = nc["lat"][:], nc["lon"][:]
        i, j = np.argmin(abs(lat - domain.lat[0])), np.argmin(abs(lon - domain.lon[0]))
        np.testing.assert_allclose(chunks[0].temp[:, 0], nc["temp"][:, i, j], rtol=1e-6)
    # precipitation: mm/h end-stamped -> kg m-2 s-1 centred, total conserved over the year
    raw = 0.0
    for m in range(1, 13):
        with netCDF4.Dataset(next(folder.rglob(f"prec_*_1979{m:02d}.nc"))) as nc:
            raw += nc["prec"][:, i, j].astype(np.float64).sum() * 3.0          # mm
    first_1980 = 0.0
    with netCDF4.Dataset(next(folder.rglob("prec_*_198001.nc"))) as nc:
        first_1980 = float(nc["prec"][0, i, j]) * 3.0
    with netCDF4.Dataset(next(folder.rglob("prec_*_197901.nc"))) as nc:
        first_1979 = float(nc["prec"][0, i, j]) * 3.0
    model = sum(c.prec[:, 0].astype(np.float64).sum() for c in chunks) * 10800.0  # kg m-2 = mm
    assert model == pytest.approx(raw + 0.5 * (first_1980 - first_1979), rel=1e-5)
    assert all((c.shum <= qsat(c.temp, c.pres) * (1 + 1e-5)).all() for c in chunks)


def test_zarr_cache_reproduces_the_source(cmfd, tmp_path):
    folder, domain = cmfd
    src = open_cmfd(folder, domain, (1979, 1980))
    store = build_forcing_cache(src, tmp_path / "c.zarr", (1979, 1980))
    cache = open_forcing_cache(store, domain)
    for a, b in zip(src.iter_chunks(1980, 1980), cache.iter_chunks(1980, 1980), strict=True):
        np.testing.assert_array_equal(a.time, b.time)
        np.testing.assert_array_equal(a.srad, b.srad)
    other = build_default_domain(1.0, (30.0, 33.0, 89.0, 92.0))
    with pytest.raises(InputError, match="other cells"):
        open_forcing_cache(store, other)


def test_day_index_366():
    t = np.array(["1999-02-28T00", "1999-03-01T00", "2000-02-29T00", "2000-03-01T00"], dtype="datetime64[s]")
    assert day_index_366(t).tolist() == [58, 60, 59, 60]


@pytest.fixture(scope="module")
def clim(cmfd):
    folder, domain = cmfd
    src = open_cmfd(folder, domain, (1979, 1980))
    return src, compute_forcing_climatology(src, (1979, 1980))


def test_hold_temperature_climatology_keeps_relative_humidity(clim):
    src, c = clim
    held = HeldSource(src, ("temp",), "climatology", c)
    a = next(src.iter_chunks(1979, 1979))
    b = next(held.iter_chunks(1979, 1979))
    d = day_index_366(a.time)
    slot = (a.time.astype("datetime64[h]").astype(int) % 24) // 3
    np.testing.assert_allclose(b.temp, c.by_day["temp"][d, slot], rtol=1e-6)
    rh_a = a.shum / qsat(a.temp, a.pres)
    rh_b = b.shum / qsat(b.temp, b.pres)
    ok = rh_a < 0.99
    np.testing.assert_allclose(rh_b[ok], rh_a[ok], rtol=2e-3)
    np.testing.assert_array_equal(a.prec, b.prec)


def test_hold_constant_and_climatology_keep_long_term_totals(clim):
    src, c = clim
    for mode in ("constant", "climatology"):
        held = HeldSource(src, ("prec",), mode, c)
        tot_a = sum(ch.prec.astype(np.float64).sum(axis=0) for ch in src.iter_chunks(1979, 1980))
        tot_b = sum(ch.prec.astype(np.float64).sum(axis=0) for ch in held.iter_chunks(1979, 1980))
        np.testing.assert_allclose(tot_b, tot_a, rtol=2e-3)


def test_cycled_source_maps_years_and_leap_days(clim):
    src, _ = clim
    cyc = CycledSource(src, (1979, 1980), (2019, 2022))
    assert [cyc.base_year(y) for y in (2019, 2020, 2021)] == [1979, 1980, 1979]
    feb = [ch for ch in cyc.iter_chunks(2020, 2021) if ch.month == 2]
    assert feb[0].nt == 29 * 8 and feb[1].nt == 28 * 8
    assert str(feb[0].time[0]) == "2020-02-01T00:00:00"


def test_anomalies_are_applied_with_ctsm_convention(clim):
    src, c = clim
    an = default_anomalies("ssp585", src.domain, c, years=(2015, 2100))
    out = AnomalySource(CycledSource(src, (1979, 1980), (2090, 2091)), an)
    base = next(CycledSource(src, (1979, 1980), (2090, 2091)).iter_chunks(2090, 2090))
    new = next(out.iter_chunks(2090, 2090))
    add, scale = an.for_month(2090, 1)
    np.testing.assert_allclose(new.temp - base.temp, np.broadcast_to(add["temp"], base.temp.shape), atol=2e-4)
    np.testing.assert_allclose(new.prec, base.prec * scale["prec"], rtol=1e-5, atol=1e-12)
    assert (new.shum <= qsat(new.temp, new.pres) * (1 + 1e-5)).all()


def test_default_warming_reproduces_cmip6_plateau_numbers():
    """1.5 x AR6 global warming: 2081-2100 plateau warming vs 1995-2014 ~ 1.42 / 2.65 / 4.28 / 5.38 K (Meng et al.)."""
    yrs = np.arange(2081, 2101) + 0.5
    tp = {s: 1.5 * global_warming(yrs, s).mean() for s in ("ssp126", "ssp245", "ssp370", "ssp585")}
    assert tp["ssp126"] < tp["ssp245"] < tp["ssp370"] < tp["ssp585"]
    assert tp["ssp126"] == pytest.approx(1.42, abs=0.2)
    assert tp["ssp245"] == pytest.approx(2.65, abs=0.3)
    assert tp["ssp585"] == pytest.approx(5.38, abs=0.3)


def test_wrong_scenario_is_refused(clim):
    src, c = clim
    an = default_anomalies("ssp126", src.domain, c)
    with pytest.raises(InputError, match="ssp126.*ssp585"):
        make_ssp_source(src, "ssp585", src.domain, an, (1979, 1980), (2019, 2030))


def test_co2_table():
    assert float(co2_ppm(2014.5, "ssp126")) == float(co2_ppm(2014.5, "ssp585"))
    assert float(co2_ppm(2100.5, "ssp585")) > 1000.0
    assert 335 < float(co2_ppm(1979.5)) < 338


@pytest.mark.parametrize("scenario,ppm", [("ssp126", 445.6), ("ssp245", 602.8), ("ssp370", 867.2),
                                          ("ssp585", 1135.2)])
def test_co2_in_2100_matches_the_scenario_table(scenario, ppm):
    """RCMIP v5.1.0 annual means for 2100 (the issue's table, tp_climate_facts.md)."""
    assert float(co2_ppm(2100.5, scenario)) == pytest.approx(ppm, abs=0.05)


def test_default_ssp_warming_2076_2100_is_ordered():
    """Plateau-mean 2076-2100 temperature anomaly of the embedded SSP defaults: 126 < 245 < 370 < 585."""
    t = np.arange(2076, 2101) + 0.5
    warm = [float(np.mean(global_warming(t, s))) for s in ("ssp126", "ssp245", "ssp370", "ssp585")]
    assert warm == sorted(warm) and warm[0] > 0 and warm[-1] - warm[0] > 2.0


def test_anomaly_transform_every_variable_against_hand_computed_values(clim):
    """Additive (temp, shum, pres, wind) and multiplicative (prec, srad, lrad) kinds, one known value each."""
    from tpcarbon.io.cmip6 import MonthlyAnomalies

    src, _ = clim
    n = src.domain.ncell
    years = np.arange(2090, 2092)

    def full(v):
        return np.full((years.size, 12, n), v)
    add = {"temp": full(2.0), "shum": full(1.0e-4), "pres": full(50.0), "wind": full(-0.5)}
    scale = {"prec": full(1.2), "srad": full(0.97), "lrad": full(1.05)}
    an = MonthlyAnomalies(years=years, add=add, scale=scale, scenario="ssp245")
    cyc = CycledSource(src, (1979, 1980), (2090, 2091))
    base = next(cyc.iter_chunks(2090, 2090))
    new = next(AnomalySource(cyc, an).iter_chunks(2090, 2090))
    b = {v: getattr(base, v).astype(np.float64) for v in ("temp", "shum", "pres", "wind", "prec", "srad", "lrad")}
    t, p = b["temp"] + 2.0, b["pres"] + 50.0
    expect = {"temp": t, "pres": p, "wind": np.maximum(b["wind"] - 0.5, 0.0),
              "shum": np.clip(b["shum"] + 1.0e-4, 0.0, qsat(t, p)),
              "prec": 1.2 * b["prec"], "srad": 0.97 * b["srad"], "lrad": 1.05 * b["lrad"]}
    for v, e in expect.items():
        np.testing.assert_allclose(getattr(new, v), e, rtol=2e-7, atol=1e-12, err_msg=v)   # float32 storage


def test_held_climatology_has_the_control_climatology_and_no_interannual_variance(clim):
    src, c = clim
    held = HeldSource(src, ("temp",), "climatology", c)
    annual_held = [np.mean([ch.temp.astype(np.float64).mean(axis=0) for ch in held.iter_chunks(y, y)], axis=0)
                   for y in (1979, 1980)]
    annual_ctrl = [np.mean([ch.temp.astype(np.float64).mean(axis=0) for ch in src.iter_chunks(y, y)], axis=0)
                   for y in (1979, 1980)]
    # monthly-chunk means of the two years: identical held years (1980's Feb 29 aside), control years differ
    np.testing.assert_allclose(annual_held[0], annual_held[1], atol=0.02)
    assert np.abs(annual_ctrl[0] - annual_ctrl[1]).max() > 0.1
    # the held climatology is the control's: two-year means agree
    np.testing.assert_allclose(np.mean(annual_held, axis=0), np.mean(annual_ctrl, axis=0), atol=0.05)
