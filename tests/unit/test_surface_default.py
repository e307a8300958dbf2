"""Default surface: conservative regridding, plateau mask area, PFT and soil rules, user files."""

import numpy as np
import pytest
import xarray as xr

from tpcarbon.errors import InputError
from tpcarbon.surface.default import (aggregate_to_grid, build_default_domain, default_pft, load_dem,
                                      plateau_mask_fine)
from tpcarbon.surface.grid import make_grid
from tpcarbon.surface.regrid import Regridder

R = 6371.0e3


def _areas(lat, res):
    h = np.deg2rad(res / 2)
    return R**2 * np.deg2rad(res) * (np.sin(np.deg2rad(lat) + h) - np.sin(np.deg2rad(lat) - h))


def test_regrid_matches_hand_area_weighted_block_mean():
    """1/12 deg -> 1 deg: each target cell = sum(A_i z_i)/sum(A_i) over its 12 x 12 source cells."""
    lat, lon, elev = load_dem()
    g = make_grid(1.0)
    rg = Regridder(lat, lon, g.lat, g.lon)
    out = rg(elev)
    a = _areas(lat, 1 / 12)[:, None] * np.ones(lon.size)
    i, j = 5, 17
    blk = (slice(12 * i, 12 * i + 12), slice(12 * j, 12 * j + 12))
    hand = (a[blk] * elev[blk]).sum() / a[blk].sum()
    assert out[i, j] == pytest.approx(hand, rel=1e-12)


def test_regrid_conserves_area_integral_and_skips_nan():
    src_lat = np.arange(30.05, 32.0, 0.1)
    src_lon = np.arange(90.05, 92.0, 0.1)
    rng = np.random.default_rng(3)
    f = rng.random((src_lat.size, src_lon.size))
    g = make_grid(0.5, bbox=(30.0, 32.0, 90.0, 92.0))
    out = Regridder(src_lat, src_lon, g.lat, g.lon)(f)
    a_src = _areas(src_lat, 0.1)[:, None] * np.ones(src_lon.size)
    a_dst = g.cell_area()
    assert (out * a_dst).sum() == pytest.approx((f * a_src).sum(), rel=1e-9)
    f[:5, :5] = np.nan  # the whole first 0.5° cell
    out2 = Regridder(src_lat, src_lon, g.lat, g.lon)(f)
    assert np.isnan(out2[0, 0]) and np.isfinite(out2[0, 1])


def test_mask_area_and_landmarks():
    """Mask stand-in: 2.5-2.8 million km² (Zhang et al. 2014: 2.54); Qaidam and Lhasa in, Kathmandu out."""
    lat, lon, _ = load_dem()
    m = plateau_mask_fine()
    area = (_areas(lat, 1 / 12)[:, None] * m).sum() / 1e12
    assert 2.5 < area < 2.8
    at = lambda la, lo: m[np.argmin(abs(lat - la)), np.argmin(abs(lon - lo))]  # noqa: E731
    assert at(37.0, 95.5)      # Qaidam basin
    assert at(29.65, 91.1)     # Lhasa
    assert at(33.0, 90.0)      # core
    assert not at(27.7, 85.3)  # Kathmandu (south of the Himalaya)
    assert not at(30.7, 104.0)  # Chengdu (Sichuan basin)


def test_domain_area_is_resolution_independent():
    a1 = build_default_domain(1.0).land_area.sum()
    a05 = build_default_domain(0.5).land_area.sum()
    assert a05 == pytest.approx(a1, rel=0.03)


def test_pft_rules_and_fractions():
    idx, frac = default_pft(np.array([40.0, 150.0, 450.0, 1000.0]), np.array([2800.0, 4500.0, 4800.0, 3000.0]))
    np.testing.assert_allclose(frac.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert (frac >= 0).all()
    assert frac[0, 0] == pytest.approx(0.9)            # desert: bare
    assert frac[2, 1] == 0.0                            # above the tree line: no forest
    assert frac[3, 1] == pytest.approx(0.7)             # humid, low: forest
    assert idx[0].tolist() == [0, 2, 11, 12]


def test_default_domain_pft_shares_are_plausible():
    """Study: > 60 % grassland, forests in the south-east, desert in Qaidam."""
    d = build_default_domain(1.0)
    w = d.land_area / d.land_area.sum()
    shares = (d.pft_frac * w[:, None]).sum(axis=0)
    assert shares[3] > 0.6
    assert 0.01 < shares[1] < 0.15
    forest = d.pft_frac[:, 1] > 0.2
    assert d.lon[forest].mean() > 93 and d.lat[forest].mean() < 32


def test_user_mask_file_and_polygon(tmp_path):
    g = make_grid(1.0, bbox=(30.0, 34.0, 88.0, 92.0))
    m = np.zeros(g.shape)
    m[1:3, 1:3] = 1
    path = tmp_path / "mask.nc"
    xr.Dataset({"mask": (("lat", "lon"), m)}, coords={"lat": g.lat, "lon": g.lon}).to_netcdf(path)
    d = build_default_domain(1.0, bbox=(30.0, 34.0, 88.0, 92.0), mask=str(path))
    assert d.ncell == 4
    poly = tmp_path / "poly.csv"
    poly.write_text("lon,lat\n88.8,30.8\n91.2,30.8\n91.2,32.8\n88.8,32.8\n")
    d2 = build_default_domain(1.0, bbox=(30.0, 34.0, 88.0, 92.0), mask=str(poly))
    assert d2.ncell == 4


def test_surfdata_pft_reader(tmp_path):
    g = make_grid(1.0, bbox=(30.0, 32.0, 90.0, 92.0))
    pct = np.zeros((15,) + g.shape)
    pct[12] = 70.0
    pct[0] = 20.0
    pct[2] = 10.0
    ds = xr.Dataset({"PCT_NAT_PFT": (("natpft", "lsmlat", "lsmlon"), pct),
                     "LATIXY": (("lsmlat", "lsmlon"), np.repeat(g.lat[:, None], 2, 1)),
                     "LONGXY": (("lsmlat", "lsmlon"), np.repeat(g.lon[None, :], 2, 0))})
    path = tmp_path / "surfdata_test.nc"
    ds.to_netcdf(path)
    d = build_default_domain(1.0, bbox=(30.0, 32.0, 90.0, 92.0), mask=None, pft=str(path))
    assert d.ncell >= 1
    assert d.pft_index[0, 0] == 12 and d.pft_frac[0, 0] == pytest.approx(0.7)


def test_empty_region_is_one_line_error():
    with pytest.raises(InputError, match="no plateau cells.*Fix:"):
        build_default_domain(1.0, bbox=(10.0, 12.0, 10.0, 12.0))


def test_aggregate_elevation_of_plateau_cells():
    g = make_grid(1.0)
    elev, frac = aggregate_to_grid(g)
    inside = frac >= 0.5
    assert 4000 < np.average(elev[inside], weights=g.cell_area()[inside]) < 5000


@pytest.mark.parametrize("resolution", [1.0, 0.1])
def test_default_domain_area_near_the_published_plateau_area(resolution):
    """Plateau mask at the run grid: within 15 % of 2.5 million km² (Zhang et al. 2014: 2.54)."""
    area_m2 = build_default_domain(resolution).land_area.sum()
    assert area_m2 / 1e12 == pytest.approx(2.5, rel=0.15)   # million km²
