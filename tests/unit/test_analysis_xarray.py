"""The xarray analysis API equals the numpy kernels it wraps."""

import numpy as np
import xarray as xr

import tpcarbon
from tpcarbon.analysis.attribution import factor_contribution_maps
from tpcarbon.analysis.partial_corr import partial_correlation_drivers
from tpcarbon.analysis.regional import area_weighted_mean
from tpcarbon.analysis.trends import linear_trend


def _cube(seed=0, nt=12):
    rng = np.random.default_rng(seed)
    years = np.arange(2000, 2000 + nt)
    v = rng.normal(size=(nt, 3, 4)) + 0.1 * (years - 2000)[:, None, None]
    v[:, 0, 0] = np.nan
    da = xr.DataArray(v, dims=("time", "lat", "lon"), coords={"year": ("time", years)}, attrs={"units": "K"})
    area = xr.DataArray(rng.uniform(1, 2, (3, 4)), dims=("lat", "lon"))
    return da, area


def test_regional_mean_equals_kernel():
    da, area = _cube()
    got = tpcarbon.regional_mean(da, area).values
    cells = da.values.reshape(da.sizes["time"], -1)
    np.testing.assert_allclose(got, area_weighted_mean(cells, area.values.ravel()), rtol=1e-12)


def test_trend_equals_kernel_and_names_units():
    da, _ = _cube()
    tr = tpcarbon.trend(da)
    ref = linear_trend(da.values, da["year"].values.astype(float))
    np.testing.assert_allclose(tr["slope"].values, ref.slope, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(tr["pvalue"].values, ref.pvalue, rtol=1e-12, equal_nan=True)
    assert tr["slope"].attrs["units"] == "K yr-1" and tr["slope"].dims == ("lat", "lon")


def test_partial_correlation_map_equals_kernel():
    y, _ = _cube(1)
    drv = {"temperature": _cube(2)[0], "precipitation": _cube(3)[0]}
    pc = tpcarbon.partial_correlation_map(y, drv)
    ref = partial_correlation_drivers(y.values.reshape(12, -1), {k: v.values.reshape(12, -1) for k, v in drv.items()})
    np.testing.assert_allclose(pc["r_temperature"].values.ravel(), ref["temperature"][0], equal_nan=True)
    assert pc["dominant_driver"].attrs["flag_meanings"] == "none_significant temperature precipitation"


def test_contribution_maps_equal_kernel():
    a, b = _cube(4)[0].isel(time=0), _cube(5)[0].isel(time=0)
    c = tpcarbon.contribution_maps(a, {"temperature": b})
    ref = factor_contribution_maps(a.values.ravel(), {"temperature": b.values.ravel()})
    np.testing.assert_allclose(c.sel(factor="temperature").values.ravel(), ref["temperature"], equal_nan=True)
