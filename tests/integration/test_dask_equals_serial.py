"""Experiments as Dask tasks over cell chunks give the serial outputs bit for bit."""

import numpy as np
import pytest
import xarray as xr

from tpcarbon.experiments.runner import default_study, run_study

pytestmark = pytest.mark.slow


def _cfg(out, scheduler):
    return default_study(out).with_changes(
        region={"bbox": (30.0, 33.0, 89.0, 92.0)},
        years={"historical": (1979, 1980), "future": (2019, 2020), "analysis_future": (2019, 2020)},
        spinup={"cycle_years": (1979, 1979), "max_years": 2},
        experiments={"run": ("S1", "S3", "ssp245")},
        compute={"scheduler": scheduler, "workers": 2, "cell_chunks": 3},
        output={"checkpoint_years": 1})


def test_local_cluster_matches_serial(tmp_path):
    a = run_study(_cfg(tmp_path / "serial", "serial"), log=lambda s: None, progress=False, build_report=False)
    b = run_study(_cfg(tmp_path / "dask", "local"), log=lambda s: None, progress=False, build_report=False)
    for exp in ("S1", "S3", "ssp245"):
        with xr.open_dataset(a / "runs" / exp / "annual.nc") as da, xr.open_dataset(b / "runs" / exp / "annual.nc") as db:
            assert da["NEP"].shape[0] >= 2
            for v in ("GPP", "NEP", "HR", "TOTECOSYSC"):
                np.testing.assert_array_equal(da[v].values, db[v].values)
