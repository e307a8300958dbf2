"""``scripts/spinup_reference.py`` end to end on a 4-cell subset: run, kill-free resume, compare.

The reference takes hours, so it must resume from its per-cycle restart bit for bit (the convention of
``tests/integration/test_kill_resume.py``), and ``--compare`` must report no difference for identical states
and a difference for different ones.
"""

import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

SCRIPT = Path(__file__).parents[2] / "scripts" / "spinup_reference.py"
ARGS = ["--cells", "4", "--cycle", "1979", "1980", "--no-progress"]


def _script():
    spec = importlib.util.spec_from_file_location("spinup_reference", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_reference_resumes_bit_identically_and_compares(tmp_path):
    """Two cycles of two years, once straight and once as one cycle + a resumed second: the same restart
    (every array bit-identical) and the same ``cycles.csv``; ``--compare`` of the reference with itself: every
    cell agrees (shares 1, differences 0); with the one-cycle state, soil carbon and ground temperature
    differ."""
    ref = _script()
    a, b = tmp_path / "a", tmp_path / "b"
    assert ref.main([str(a), "--years", "2", *ARGS]) == 0
    one_cycle = tmp_path / "one_cycle.nc"
    shutil.copy(a / "reference" / "restart.nc", one_cycle)
    assert ref.main([str(a), "--years", "4", *ARGS]) == 0               # resumes after cycle 1
    b.mkdir()
    shutil.copytree(a / "forcing", b / "forcing")
    assert ref.main([str(b), "--years", "4", *ARGS]) == 0               # straight
    ra, rb = a / "reference" / "restart.nc", b / "reference" / "restart.nc"
    with xr.open_dataset(ra) as da, xr.open_dataset(rb) as db:
        assert int(da.attrs["cycles_done"]) == 2 and int(da.attrs["years_done"]) == 4
        for name in da.data_vars:
            np.testing.assert_array_equal(da[name].values, db[name].values, err_msg=name)
    ca = pd.read_csv(a / "reference" / "cycles.csv").drop(columns="wall_s")
    cb = pd.read_csv(b / "reference" / "cycles.csv").drop(columns="wall_s")
    assert list(ca["cycle"]) == [0, 1, 2]
    pd.testing.assert_frame_equal(ca, cb)
    assert ca["TOTECOSYSC_PgC"].iloc[2] != ca["TOTECOSYSC_PgC"].iloc[0]

    assert ref.main([str(a), "--compare", str(a / "reference" / "restart.nc"), *ARGS]) == 0
    same = json.loads((a / "reference" / "compare.json").read_text())
    assert same["soil_carbon_share_within_2pct"] == 1.0 and same["soil_carbon_plateau_mean_rel_diff"] == 0.0
    assert same["vegetation_carbon_share_within_2pct"] == 1.0
    for depth in ("0.1", "1", "3"):
        assert same[f"T_{depth}m_max_abs_diff_K"] == 0.0 and same[f"T_{depth}m_share_within_0.1K"] == 1.0
        assert same[f"W_{depth}m_max_abs_diff_m3m3"] == 0.0
    assert ref.main([str(a), "--compare", str(one_cycle), *ARGS]) == 0
    diff = json.loads((a / "reference" / "compare.json").read_text())
    assert diff["soil_carbon_plateau_mean_rel_diff"] != 0.0
    assert diff["T_1m_max_abs_diff_K"] > 0.0
    cells = pd.read_csv(a / "reference" / "compare_cells.csv")
    assert len(cells) == 4 and "soil_carbon_rel_diff" in cells
