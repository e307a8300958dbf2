"""io/writers.py: table-driven CF attributes, the CF time axis, permissions, open_mfdataset over a run, CF check."""

import importlib.util
import os
import stat
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from tpcarbon.io.writers import VariableTableError, cf_attrs, time_axis, variable_attrs, write_annual
from tpcarbon.model.state import OUT_NAMES
from tpcarbon.testing.domains import small_domain
from tpcarbon.testing.runs import write_synthetic_run

ROOT = Path(__file__).parents[2]


def test_every_model_output_has_a_table_entry():
    """A new model output needs an entry in io/variables.toml: this test names the one that lacks it."""
    table = variable_attrs()
    written = set(OUT_NAMES) | {"TLAI_MAX", "NEE", "CO2"}   # the derived ones of experiments/simulate.py
    missing = sorted(written - set(table))
    assert not missing, f"add [{missing[0]}] (long_name, units, kind) to src/tpcarbon/io/variables.toml"


def test_variable_missing_from_the_table_is_a_clear_error():
    with pytest.raises(VariableTableError, match=r"'NOT_A_VAR' has no entry in tpcarbon/io/variables.toml; add "
                       r"\[NOT_A_VAR\] with long_name, units and kind"):
        cf_attrs("NOT_A_VAR")
    domain = small_domain()
    with pytest.raises(VariableTableError, match="NOT_A_VAR"):
        write_annual("/nonexistent/annual.nc", domain, [2000], {"NOT_A_VAR": [np.zeros(domain.ncell)]}, [370.0],
                     "S1", {})


@pytest.mark.parametrize("name", sorted(variable_attrs()))
def test_units_agree_with_cell_methods(name):
    a = cf_attrs(name, "annual")
    m = cf_attrs(name, "monthly")
    if variable_attrs()[name]["kind"] == "flux":
        assert a["cell_methods"] == "time: mean" and a["units"].endswith("yr-1")     # a mean rate per year
        assert m["cell_methods"] == "time: sum" and not m["units"].endswith("-1")    # an amount per month
        assert m.get("standard_name", "").endswith("amount") or "standard_name" not in m
    else:
        assert a["cell_methods"] in ("time: mean", "time: maximum")


def test_time_axis_bounds_and_calendar():
    ax = time_axis([1979, 1980], months=None)
    assert ax["time"].attrs["calendar"] == "standard" and ax["time"].attrs["bounds"] == "time_bnds"
    b = ax["time_bnds"].values
    assert np.all(b[1:, 0] == b[:-1, 1]) and np.all(ax["time"].values == b.mean(axis=1))
    assert (b[1, 1] - b[1, 0]) == 366.0                                   # 1980 is a leap year
    mon = time_axis([1980, 1980], months=[2, 3])
    assert (mon["time_bnds"].values[:, 1] - mon["time_bnds"].values[:, 0]).tolist() == [29.0, 31.0]


def test_outputs_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        p = write_synthetic_run(tmp_path / "run", experiments=("S1",)) / "runs" / "S1" / "annual.nc"
    finally:
        os.umask(old)
    assert stat.S_IMODE(p.stat().st_mode) == 0o640      # not mkstemp's 0600


def test_open_mfdataset_over_experiments_and_resample(tmp_path):
    folder = write_synthetic_run(tmp_path / "run")
    files = sorted(str(p) for p in (folder / "runs").glob("*/annual.nc"))
    ds = xr.open_mfdataset(files, combine="nested", concat_dim="experiment", join="outer")
    assert sorted(ds["experiment"].values.tolist()) == sorted(p.split("/")[-2] for p in files)
    assert ds["time"].dtype.kind == "M" and ds["NEP"].dims == ("experiment", "time", "lat", "lon")
    dec = ds["NEP"].sel(experiment="S1").dropna("time", how="all").resample(time="10YS").mean()
    assert dec.sizes["time"] == 2 and np.isfinite(dec.values).any()
    one = xr.open_dataset(files[0])
    assert one["landmask"].attrs["flag_meanings"] == "not_simulated simulated"
    assert {"history", "source", "references", "Conventions", "experiment"} <= set(one.attrs)
    assert one["lat"].attrs["bounds"] == "lat_bnds" and "lat_bnds" in one


def test_zarr_beside_netcdf(tmp_path):
    domain = small_domain()
    p = write_annual(tmp_path / "annual.nc", domain, [2000, 2001], {"NEP": [np.ones(domain.ncell)] * 2},
                     [370.0, 372.0], "S1", {}, zarr=True)
    z = xr.open_zarr(p.with_suffix(".zarr"))
    n = xr.open_dataset(p)
    np.testing.assert_array_equal(z["NEP"].values, n["NEP"].values)


def _cfchecker_available() -> bool:
    if importlib.util.find_spec("cfchecker") is None:
        return False
    try:
        import cfunits  # noqa: F401 - needs the UDUNITS-2 library
    except Exception:  # noqa: BLE001
        return False
    return True


@pytest.mark.skipif(not _cfchecker_available(), reason="needs cfchecker and the UDUNITS-2 library (libudunits2-0)")
def test_cfchecker_finds_no_error_and_does_find_a_planted_one(tmp_path):
    spec = importlib.util.spec_from_file_location("cf_check", ROOT / "scripts" / "cf_check.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    folder = write_synthetic_run(tmp_path / "run", experiments=("S1", "ssp245"))
    files = sorted((folder / "runs").glob("*/annual.nc"))
    res = mod.check(files)
    for f, r in res.items():
        assert r["FATAL"] == 0 and r["ERROR"] == 0, (f, r["messages"])
    bad = tmp_path / "bad.nc"
    ds = xr.open_dataset(files[0]).load()
    ds["NEP"].attrs["standard_name"] = "net_ecosystem_productivity_of_carbon"   # not a CF name
    ds.to_netcdf(bad)
    assert mod.check([bad])[str(bad)]["ERROR"] >= 1


def test_table_entries_in_the_earlier_spelling_are_read(monkeypatch):
    """An entry written with units_annual / "g m-2 month-1" (the schema before CF time axes) still works."""
    import tpcarbon.io.writers as w

    text = '[FOO]\nlong_name = "a flux"\nkind = "flux"\nunits_annual = "g m-2 yr-1"\nunits_monthly = "g m-2 month-1"\n'

    class _Res:
        def joinpath(self, name):
            return self

        def read_text(self):
            return text

    monkeypatch.setattr(w.resources, "files", lambda pkg: _Res())
    w.variable_attrs.cache_clear()
    try:
        assert w.cf_attrs("FOO")["units"] == "g m-2 yr-1"
        assert w.cf_attrs("FOO", "monthly")["units"] == "g m-2"
    finally:
        w.variable_attrs.cache_clear()
