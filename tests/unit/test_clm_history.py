"""Unit tests of tpcarbon.io.clm_history (synthetic CLM5 h0 and CMIP files written in tmp_path)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import xarray as xr

from tpcarbon.analysis import run_data_from_history
from tpcarbon.analysis.study import RunData, analyze
from tpcarbon.errors import InputError
from tpcarbon.io.clm_history import read_clm_history

NOLEAP_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.float64)
CUM = np.concatenate(([0.0], np.cumsum(NOLEAP_DAYS)))  # day of year at the start of each month
REF_YEAR = 2000
UNITS = f"days since {REF_YEAR}-01-01 00:00:00"
LAT = np.array([30.0, 31.0])
LON = np.array([90.0, 91.0, 92.0])
OTHER_UNITS = {
    "TSA": "K",
    "RAIN": "mm/s",
    "SNOW": "mm/s",
    "FSDS": "W/m^2",
    "TLAI": "m^2/m^2",
    "TOTSOMC": "gC/m^2",
    "TOTECOSYSC": "gC/m^2",
}


def _days(year: int, month0: int) -> float:
    """Days since REF_YEAR-01-01 (noleap) at the start of 0-based month ``month0`` of ``year``."""
    return (year - REF_YEAR) * 365.0 + CUM[month0]


def write_h0(
    path,
    year,
    month0,
    fields,
    *,
    layout="2d",
    bounds=True,
    stamp="end",
    units="gC/m^2/s",
    lat=LAT,
    lon=LON,
    area_km2=100.0,
    landfrac=0.5,
    nep=False,
    cmip=False,
):
    """One CLM5 h0 file of one month. ``fields`` maps name -> constant value (or array on the grid)."""
    t0, t1 = _days(year, month0), _days(year, month0) + NOLEAP_DAYS[month0]
    tval = {"end": t1, "mid": 0.5 * (t0 + t1)}[stamp]
    ny, nx = lat.size, lon.size
    data_vars, coords = {}, {}
    time_attrs = {"units": UNITS, "calendar": "noleap", "long_name": "time"}
    if bounds:
        time_attrs["bounds"] = "time_bnds" if cmip else "time_bounds"
    coords["time"] = ("time", [tval], time_attrs)

    def grid2d(val):
        return np.broadcast_to(np.asarray(val, dtype=np.float64), (ny, nx))

    if layout == "2d":
        coords["lat"] = ("lat", lat, {"units": "degrees_north"})
        coords["lon"] = ("lon", lon, {"units": "degrees_east"})
        for name, val in fields.items():
            u = OTHER_UNITS.get(name, units)
            data_vars[name] = (("time", "lat", "lon"), grid2d(val)[None].copy(), {"units": u})
        data_vars["area"] = (("lat", "lon"), grid2d(area_km2).copy(), {"units": "km^2"})
        data_vars["landfrac"] = (("lat", "lon"), grid2d(landfrac).copy(), {"units": "unitless"})
    else:  # 1-D: cells given as (ilat, ilon) pairs in `layout`
        cells = layout
        dim = "lndgrid"
        clat = np.array([lat[i] for i, _ in cells])
        clon = np.array([lon[j] for _, j in cells])
        data_vars["lat"] = (dim, clat, {"units": "degrees_north"})
        data_vars["lon"] = (dim, clon, {"units": "degrees_east"})
        for name, val in fields.items():
            v = np.array([np.asarray(grid2d(val))[i, j] for i, j in cells])
            data_vars[name] = (("time", dim), v[None], {"units": OTHER_UNITS.get(name, units)})
        data_vars["area"] = (dim, np.full(len(cells), area_km2), {"units": "km^2"})
        data_vars["landfrac"] = (dim, np.full(len(cells), landfrac), {"units": "unitless"})
    if bounds:
        data_vars["time_bnds" if cmip else "time_bounds"] = (("time", "hist_interval"), [[t0, t1]])
    ds = xr.Dataset(data_vars, coords=coords)
    ds.to_netcdf(path)
    return path


def write_year(tmp_path, year, fields_of_month, skip=(), prefix="case.clm2.h0", **kw):
    paths = []
    for m in range(12):
        if m in skip:
            continue
        p = tmp_path / f"{prefix}.{year:04d}-{m + 1:02d}.nc"
        paths.append(str(write_h0(p, year, m, fields_of_month(m), **kw)))
    return paths


SEC_YEAR = 365 * 86400.0


@pytest.mark.parametrize("bounds,stamp", [(True, "end"), (True, "mid"), (False, "end")])
def test_constant_fluxes_annual_sums_and_nep(tmp_path, bounds, stamp):
    paths = write_year(
        tmp_path, 2001, lambda m: {"GPP": 1e-5, "NPP": 6e-6, "HR": 4e-6}, bounds=bounds, stamp=stamp
    )
    ds = read_clm_history(paths)
    assert ds.sizes == {"year": 1, "lat": 2, "lon": 3}
    assert ds["year"].values.tolist() == [2001]
    np.testing.assert_allclose(ds["GPP"].values, 315.36, rtol=1e-12)
    np.testing.assert_allclose(ds["NPP"].values, 6e-6 * SEC_YEAR, rtol=1e-12)
    np.testing.assert_allclose(ds["HR"].values, 4e-6 * SEC_YEAR, rtol=1e-12)
    # NEP absent in the files -> NPP - HR (positive = sink)
    np.testing.assert_allclose(ds["NEP"].values, 2e-6 * SEC_YEAR, rtol=1e-12)
    assert "NPP - HR" in ds["NEP"].attrs["comment"]
    assert ds["GPP"].attrs["units"] == "g m-2 yr-1"
    # area: 100 km2 x landfrac 0.5
    np.testing.assert_allclose(ds["area"].values, 5.0e7, rtol=1e-12)


@pytest.mark.parametrize("bounds,stamp", [(True, "end"), (True, "mid"), (False, "end")])
def test_monthly_values_weighted_by_noleap_month_length(tmp_path, bounds, stamp):
    # GPP = (month number) x 1e-6: a wrong month assignment (end stamps read as the next month) or
    # a Gregorian February would change the sum.
    paths = write_year(
        tmp_path, 2001, lambda m: {"GPP": 1e-6 * (m + 1), "TSA": 270.0 + m}, bounds=bounds, stamp=stamp
    )
    ds = read_clm_history(paths)
    expected = np.sum(1e-6 * np.arange(1, 13) * NOLEAP_DAYS * 86400.0)
    np.testing.assert_allclose(ds["GPP"].values, expected, rtol=1e-12)
    tsa = np.sum((270.0 + np.arange(12)) * NOLEAP_DAYS) / 365.0
    np.testing.assert_allclose(ds["TSA"].values, tsa, rtol=1e-12)
    assert "NEP" not in ds  # no NPP/HR -> no NEP


def test_nep_from_file_is_kept_and_states_precip(tmp_path):
    fields = {
        "GPP": 2e-5,
        "NPP": 1e-5,
        "HR": 7e-6,
        "NEP": 2.5e-6,
        "TOTSOMC": 1.2e4,
        "TOTECOSYSC": 2.0e4,
        "TLAI": 1.5,
        "RAIN": 1e-5,
        "SNOW": 2e-6,
        "FSDS": 200.0,
    }
    paths = write_year(tmp_path, 2003, lambda m: fields)
    ds = read_clm_history(paths)
    np.testing.assert_allclose(ds["NEP"].values, 2.5e-6 * SEC_YEAR, rtol=1e-12)
    assert "comment" not in ds["NEP"].attrs or "NPP - HR" not in ds["NEP"].attrs["comment"]
    np.testing.assert_allclose(ds["TOTSOMC"].values, 1.2e4, rtol=1e-12)
    np.testing.assert_allclose(ds["TOTECOSYSC"].values, 2.0e4, rtol=1e-12)
    np.testing.assert_allclose(ds["TLAI"].values, 1.5, rtol=1e-12)
    np.testing.assert_allclose(ds["FSDS"].values, 200.0, rtol=1e-12)
    np.testing.assert_allclose(ds["PRECIP"].values, 1.2e-5 * SEC_YEAR, rtol=1e-12)  # kg m-2 yr-1 = mm
    assert ds["PRECIP"].attrs["units"] == "kg m-2 yr-1"
    assert "RAIN" not in ds and "SNOW" not in ds


def test_one_file_with_twelve_records_and_two_years(tmp_path):
    # mfilt = 12: one file per year, times at the end of each month, with time_bounds
    paths = []
    for year in (2001, 2002):
        t0 = np.array([_days(year, m) for m in range(12)])
        t1 = t0 + NOLEAP_DAYS
        gpp = np.full((12, LAT.size, LON.size), 1e-5 * (year - 2000))
        ds = xr.Dataset(
            {
                "GPP": (("time", "lat", "lon"), gpp, {"units": "gC/m^2/s"}),
                "time_bounds": (("time", "hist_interval"), np.stack([t0, t1], axis=1)),
            },
            coords={
                "time": ("time", t1, {"units": UNITS, "calendar": "noleap", "bounds": "time_bounds"}),
                "lat": LAT,
                "lon": LON,
            },
        )
        p = tmp_path / f"case.clm2.h0.{year}.nc"
        ds.to_netcdf(p)
        paths.append(str(p))
    out = read_clm_history(paths[::-1])
    assert out["year"].values.tolist() == [2001, 2002]
    np.testing.assert_allclose(out["GPP"].sel(year=2002).values, 2 * 315.36, rtol=1e-12)


def test_vectorised_lndgrid_maps_to_2d(tmp_path):
    # 4 of the 6 cells of the 2 x 3 grid are land; values differ per cell
    cells = [(0, 0), (0, 2), (1, 1), (1, 2)]
    field = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]) * 1e-6
    paths = write_year(
        tmp_path, 2001, lambda m: {"GPP": field, "HR": 0.5 * field, "NPP": field}, layout=cells
    )
    ds = read_clm_history(paths)
    np.testing.assert_array_equal(ds["lat"].values, LAT)
    np.testing.assert_array_equal(ds["lon"].values, LON)
    gpp = ds["GPP"].isel(year=0).values
    for i in range(2):
        for j in range(3):
            if (i, j) in cells:
                np.testing.assert_allclose(gpp[i, j], field[i, j] * SEC_YEAR, rtol=1e-12)
                np.testing.assert_allclose(ds["area"].values[i, j], 5.0e7, rtol=1e-12)
            else:
                assert np.isnan(gpp[i, j]) and np.isnan(ds["area"].values[i, j])
    np.testing.assert_allclose(ds["NEP"].isel(year=0).values[1, 1], 0.5 * field[1, 1] * SEC_YEAR, rtol=1e-12)


def test_vectorised_gridcell_and_pft_levels(tmp_path):
    # hist_dov2xy = .false.: GPP on pft (weights pfts1d_wtgcell), HR on gridcell (grid1d_lat/lon)
    paths = []
    for m in range(12):
        t0, t1 = _days(2001, m), _days(2001, m) + NOLEAP_DAYS[m]
        ds = xr.Dataset(
            {
                "grid1d_lat": ("gridcell", [30.0, 31.0]),
                "grid1d_lon": ("gridcell", [90.0, 91.0]),
                "pfts1d_lat": ("pft", [30.0, 30.0, 31.0, 31.0]),
                "pfts1d_lon": ("pft", [90.0, 90.0, 91.0, 91.0]),
                "pfts1d_wtgcell": ("pft", [0.25, 0.75, 1.0, 0.0]),
                # the 4th pft has weight 0 and a CLM fill value: ignored
                "GPP": (("time", "pft"), [[1e-5, 2e-5, 3e-5, 1e36]], {"units": "gC/m^2/s"}),
                "HR": (("time", "gridcell"), [[1e-6, 2e-6]], {"units": "gC/m^2/s"}),
                "NPP": (("time", "pft"), [[4e-6, 4e-6, 5e-6, 1e36]], {"units": "gC/m^2/s"}),
                "time_bounds": (("time", "hist_interval"), [[t0, t1]]),
            },
            coords={"time": ("time", [t1], {"units": UNITS, "calendar": "noleap"})},
        )
        p = tmp_path / f"case.clm2.h1.2001-{m + 1:02d}.nc"
        ds.to_netcdf(p)
        paths.append(str(p))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no area -> computed from the grid
        out = read_clm_history(paths)
    assert out.sizes == {"year": 1, "lat": 2, "lon": 2}
    g = out["GPP"].isel(year=0).values
    np.testing.assert_allclose(g[0, 0], (0.25 * 1e-5 + 0.75 * 2e-5) * SEC_YEAR, rtol=1e-12)
    np.testing.assert_allclose(g[1, 1], 3e-5 * SEC_YEAR, rtol=1e-12)
    assert np.isnan(g[0, 1]) and np.isnan(g[1, 0])
    np.testing.assert_allclose(out["NEP"].isel(year=0).values[1, 1], (5e-6 - 2e-6) * SEC_YEAR, rtol=1e-12)
    # area from the grid (1 x 1 degree cells at 30-31 N): about 1.07e10 m2
    assert 0.9e10 < out["area"].values[0, 0] < 1.2e10


def test_cmip_names_in_kg(tmp_path):
    paths = []
    for var, val in (("gpp", 1e-8), ("npp", 6e-9), ("rh", 4e-9)):
        t0 = np.array([_days(2001, m) for m in range(12)])
        t1 = t0 + NOLEAP_DAYS
        ds = xr.Dataset(
            {
                var: (("time", "lat", "lon"), np.full((12, 2, 3), val), {"units": "kg m-2 s-1"}),
                "time_bnds": (("time", "bnds"), np.stack([t0, t1], axis=1)),
            },
            coords={
                "time": (
                    "time",
                    0.5 * (t0 + t1),
                    {"units": UNITS, "calendar": "365_day", "bounds": "time_bnds"},
                ),
                "lat": LAT,
                "lon": LON,
            },
        )
        p = tmp_path / f"{var}_Lmon_CESM2_historical_r1i1p1f1_gn_200101-200112.nc"
        ds.to_netcdf(p)
        paths.append(str(p))
    fx = xr.Dataset(
        {
            "areacella": (("lat", "lon"), np.full((2, 3), 1.0e10), {"units": "m2"}),
            "sftlf": (("lat", "lon"), np.full((2, 3), 50.0), {"units": "%"}),
        },
        coords={"lat": LAT, "lon": LON},
    )
    fx.to_netcdf(tmp_path / "areacella_fx.nc")
    out = read_clm_history(paths + [str(tmp_path / "areacella_fx.nc")])
    np.testing.assert_allclose(out["GPP"].values, 315.36, rtol=1e-12)
    np.testing.assert_allclose(out["HR"].values, 4e-6 * SEC_YEAR, rtol=1e-12)
    np.testing.assert_allclose(out["NEP"].values, 2e-6 * SEC_YEAR, rtol=1e-12)
    np.testing.assert_allclose(out["area"].values, 5.0e9, rtol=1e-12)
    assert out.attrs["source"] == "CMIP land output"


def test_gregorian_leap_year(tmp_path):
    days = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.float64)
    t0 = np.concatenate(([0.0], np.cumsum(days)[:-1]))
    t1 = t0 + days
    ds = xr.Dataset(
        {
            "GPP": (("time", "lat", "lon"), np.full((12, 2, 3), 1e-5), {"units": "gC/m^2/s"}),
            "time_bounds": (("time", "hist_interval"), np.stack([t0, t1], axis=1)),
        },
        coords={
            "time": ("time", t1, {"units": "days since 2000-01-01", "calendar": "gregorian"}),
            "lat": LAT,
            "lon": LON,
        },
    )
    ds.to_netcdf(tmp_path / "g.nc")
    out = read_clm_history([str(tmp_path / "g.nc")])
    np.testing.assert_allclose(out["GPP"].values, 1e-5 * 366 * 86400.0, rtol=1e-12)


# ---- errors -------------------------------------------------------------------------------


def test_missing_month_drops_year_with_warning(tmp_path):
    ok = write_year(tmp_path, 2001, lambda m: {"GPP": 1e-5})
    gap = write_year(tmp_path, 2002, lambda m: {"GPP": 1e-5}, skip=(6,))
    with pytest.warns(UserWarning, match="2002.*dropped"):
        ds = read_clm_history(ok + gap)
    assert ds["year"].values.tolist() == [2001]


def test_no_complete_year_raises(tmp_path):
    gap = write_year(tmp_path, 2002, lambda m: {"GPP": 1e-5}, skip=(0,))
    with pytest.warns(UserWarning), pytest.raises(InputError, match="no complete year"):
        read_clm_history(gap)


def test_no_carbon_variable(tmp_path):
    p = write_h0(tmp_path / "a.nc", 2001, 0, {"TSA": 280.0})
    with pytest.raises(InputError, match=r"a\.nc.*no recognisable carbon variable"):
        read_clm_history([str(p)])
    ds = xr.Dataset(
        {"FOO": (("time", "lat", "lon"), np.zeros((1, 2, 3)))},
        coords={"time": ("time", [31.0], {"units": UNITS, "calendar": "noleap"}), "lat": LAT, "lon": LON},
    )
    ds.to_netcdf(tmp_path / "b.nc")
    with pytest.raises(InputError, match=r"b\.nc.*no recognisable carbon variable"):
        read_clm_history([str(tmp_path / "b.nc")])


def test_unknown_units(tmp_path):
    p = write_h0(tmp_path / "u.nc", 2001, 0, {"GPP": 1e-5}, units="mol/m2/yr")
    with pytest.raises(InputError, match=r"u\.nc: GPP: unknown units 'mol/m2/yr'"):
        read_clm_history([str(p)])


def test_different_grids(tmp_path):
    a = write_h0(tmp_path / "a.nc", 2001, 0, {"GPP": 1e-5})
    b = write_h0(tmp_path / "b.nc", 2001, 1, {"GPP": 1e-5}, lat=np.array([30.0, 31.5]))
    with pytest.raises(InputError, match=r"b\.nc: grid .* differs"):
        read_clm_history([str(a), str(b)])


def test_corrupt_and_missing_file(tmp_path):
    bad = tmp_path / "bad.nc"
    bad.write_bytes(b"CDF\x01 this is not a netcdf file" * 10)
    with pytest.raises(InputError, match=r"bad\.nc: cannot be opened"):
        read_clm_history([str(bad)])
    with pytest.raises(InputError, match=r"nope\.nc: file not found"):
        read_clm_history([str(tmp_path / "nope.nc")])
    with pytest.raises(InputError, match="no history files"):
        read_clm_history([])


def test_error_is_one_line(tmp_path):
    p = write_h0(tmp_path / "u.nc", 2001, 0, {"GPP": 1e-5}, units="furlongs")
    with pytest.raises(InputError) as exc:
        read_clm_history([str(p)])
    assert "\n" not in str(exc.value) and "Fix:" in str(exc.value)


def test_pft_output_on_a_2d_domain_with_wrapped_longitudes(tmp_path):
    # hist_dov2xy = .false. on a 2-D domain: area/landfrac on (lat, lon) in 0..360, pfts1d_lon in -180..180
    lat, lon = np.array([30.0, 31.0]), np.array([350.0, 355.0])
    t0 = np.array([_days(2001, m) for m in range(12)])
    t1 = t0 + NOLEAP_DAYS
    ds = xr.Dataset(
        {
            "area": (("lat", "lon"), np.full((2, 2), 200.0), {"units": "km^2"}),
            "landfrac": (("lat", "lon"), np.ones((2, 2))),
            "pfts1d_lat": ("pft", [31.0, 31.0]),
            "pfts1d_lon": ("pft", [-5.0, -5.0]),
            "pfts1d_wtgcell": ("pft", [0.5, 0.5]),
            "GPP": (("time", "pft"), np.tile([1e-5, 3e-5], (12, 1)), {"units": "gC/m^2/s"}),
            "time_bounds": (("time", "hist_interval"), np.stack([t0, t1], axis=1)),
        },
        coords={"time": ("time", t1, {"units": UNITS, "calendar": "noleap"}), "lat": lat, "lon": lon},
    )
    ds.to_netcdf(tmp_path / "p.nc")
    out = read_clm_history([str(tmp_path / "p.nc")])
    g = out["GPP"].isel(year=0).values
    np.testing.assert_allclose(g[1, 1], 2e-5 * SEC_YEAR, rtol=1e-12)
    assert np.isnan(g[0, 0]) and np.isnan(g[0, 1]) and np.isnan(g[1, 0])
    np.testing.assert_allclose(out["area"].values, 2.0e8)
    # a pft off the grid is an error naming the file
    ds["pfts1d_lon"] = ("pft", [-5.0, -7.5])
    ds.to_netcdf(tmp_path / "q.nc")
    with pytest.raises(InputError, match=r"q\.nc: lon: 1-D cell coordinate"):
        read_clm_history([str(tmp_path / "q.nc")])


def test_daily_records_without_bounds_are_end_stamped(tmp_path):
    # an h1 tape with daily means and no time_bounds: record i averages [t_i - 1 day, t_i)
    t = (2001 - REF_YEAR) * 365.0 + np.arange(1, 366, dtype=np.float64)
    ds = xr.Dataset(
        {"HR": (("time", "lat", "lon"), np.full((365, 2, 3), 2e-6), {"units": "gC/m^2/s"})},
        coords={"time": ("time", t, {"units": UNITS, "calendar": "noleap"}), "lat": LAT, "lon": LON},
    )
    ds.to_netcdf(tmp_path / "case.clm2.h1.2001-01-02-00000.nc")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = read_clm_history([str(tmp_path / "case.clm2.h1.2001-01-02-00000.nc")])
    assert out["year"].values.tolist() == [2001]
    np.testing.assert_allclose(out["HR"].values, 2e-6 * SEC_YEAR, rtol=1e-12)


# ------------------------------------------------------------ same analysis as the equivalent tpcarbon run
# A CLM5-layout history set (monthly h0, 2-D and 1-D, end-of-interval stamps) holding the same annual
# fields as a tpcarbon run is analysed to the same numbers as that run (``run_data_from_history`` + ``analyze``).
EQ_YEARS = np.arange(2001, 2013)
AREA_KM2, LANDFRAC = 100.0, 0.5


def _tpcarbon_run(seed=4):
    """Annual fields of a 'tpcarbon' run on the 2 x 3 grid (with one non-land cell)."""
    rng = np.random.default_rng(seed)
    ny, nx, nt = LAT.size, LON.size, EQ_YEARS.size
    t = np.arange(nt)[:, None, None]
    gpp = 400 + 30 * rng.standard_normal((nt, ny, nx)) + 3 * t
    npp = 0.45 * gpp + 5 * rng.standard_normal((nt, ny, nx))
    hr = npp - (10 + 15 * rng.standard_normal((nt, ny, nx)) + 0.8 * t)
    vals = {"GPP": gpp, "NPP": npp, "AR": gpp - npp, "HR": hr, "NEP": npp - hr,
            "TBOT": 271 + 0.05 * t + rng.standard_normal((nt, ny, nx)),
            "PRECIP": 420 + 40 * rng.standard_normal((nt, ny, nx)),
            "FSDS": 245 + 3 * rng.standard_normal((nt, ny, nx))}
    area = np.full((ny, nx), AREA_KM2 * 1e6 * LANDFRAC)
    area[1, 2] = np.nan                       # not simulated
    for v in vals.values():
        v[:, 1, 2] = np.nan
    return RunData(EQ_YEARS.astype(np.int64), vals, area, LAT, LON, {"forcing_source": "test"})


def _write_history(tmp_path, run, layout):
    cells = [(i, j) for i in range(LAT.size) for j in range(LON.size) if not (i == 1 and j == 2)]
    paths = []
    for k, year in enumerate(run.years):
        def month(m, k=k):
            f = {n: run.values[n][k] / SEC_YEAR for n in ("GPP", "NPP", "AR", "HR")}   # gC m-2 s-1, constant
            f["TSA"] = run.values["TBOT"][k]
            f["RAIN"] = run.values["PRECIP"][k] / SEC_YEAR                           # mm s-1
            f["SNOW"] = np.zeros_like(f["RAIN"])
            f["FSDS"] = run.values["FSDS"][k]
            return f                                   # NaN (CLM's fill) over the non-land cell
        landfrac = np.where(np.isfinite(run.area), LANDFRAC, 0.0) if layout == "2d" else LANDFRAC
        paths += write_year(tmp_path, int(year), month, area_km2=AREA_KM2, landfrac=landfrac,
                            layout="2d" if layout == "2d" else cells)
    return paths


@pytest.mark.parametrize("layout", ["2d", "1d"])
def test_history_files_give_the_same_analysis_as_the_run(tmp_path, layout):
    run = _tpcarbon_run()
    hist = run_data_from_history(_write_history(tmp_path, run, layout))
    a, b = analyze({"S1": run}), analyze({"S1": hist})
    sa = a.series.set_index("year")
    sb = b.series.set_index("year")
    for v in ("GPP", "NPP", "HR", "NEP", "TBOT", "PRECIP", "FSDS"):
        np.testing.assert_allclose(sb[v], sa[v], rtol=1e-9, err_msg=v)
    for name in ("trends", "decadal_S1", "sink_source_S1"):
        ta, tb = a.tables[name], b.tables[name]
        num = ta.select_dtypes("number").columns
        np.testing.assert_allclose(tb[num].to_numpy(float), ta[num].to_numpy(float), rtol=1e-8, atol=1e-9,
                                   err_msg=name)
