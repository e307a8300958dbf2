"""The outputs of a real run, as a scientist opens them: the quick demo in CI, a tiny study otherwise.

``.ci/run`` runs ``tpcarbon demo --quick`` and then this module with ``TPCARBON_DEMO_DIR`` pointing at
its folder; without that variable the module runs a tiny study itself (slow: about a minute). Checks:
``xarray.open_mfdataset`` over all experiments with a resample in time; cfchecker finds no error in any
``annual.nc`` nor in ``maps.nc``; ``tpcarbon analyze runs/S1/annual.nc`` works; the ``study.toml`` written
beside the run reruns the study (everything is reused, the outputs are unchanged); the run folder has its
log and group-readable files.
"""

import importlib.util
import os
import shutil
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from click.testing import CliRunner

from tpcarbon.cli import main

ROOT = Path(__file__).parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    given = os.environ.get("TPCARBON_DEMO_DIR")
    if given:
        return Path(given)
    from tpcarbon.experiments.runner import run_study
    from tpcarbon.experiments.study import StudyConfig

    out = tmp_path_factory.mktemp("tiny") / "run"
    cfg = StudyConfig().with_changes(
        region={"bbox": (30.0, 32.0, 90.0, 92.0)},
        years={"historical": (1979, 1984), "future": (2019, 2021), "analysis_future": (2019, 2021)},
        spinup={"cycle_years": (1979, 1979), "max_years": 2},
        experiments={"run": ["S1", "S2", "S3", "S4", "ssp245"]}, output={"folder": str(out)})
    run_study(cfg, progress=False)
    return out


def _files(run_dir):
    return sorted((run_dir / "runs").glob("*/annual.nc"))


def test_open_mfdataset_over_all_experiments_and_resample(run_dir):
    files = _files(run_dir)
    ds = xr.open_mfdataset([str(f) for f in files], combine="nested", concat_dim="experiment", join="outer")
    assert ds["experiment"].values.tolist() == [f.parent.name for f in files]
    assert ds["time"].dtype.kind == "M" and ds["time"].attrs.get("bounds") == "time_bnds"
    s1 = ds["NEP"].sel(experiment="S1").dropna("time", how="all")
    two = s1.resample(time="2YS").mean()
    assert two.sizes["time"] == int(np.ceil(s1.sizes["time"] / 2)) and np.isfinite(two.values).any()


def test_cfchecker_no_errors(run_dir):
    try:
        import cfunits  # noqa: F401
    except Exception:  # noqa: BLE001
        pytest.skip("cfchecker needs the UDUNITS-2 library (apt-get install libudunits2-0)")
    spec = importlib.util.spec_from_file_location("cf_check", ROOT / "scripts" / "cf_check.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.check([*_files(run_dir), run_dir / "maps.nc"])
    bad = {f: r["messages"] for f, r in res.items() if r["FATAL"] or r["ERROR"]}
    assert not bad, bad


def test_analyze_reads_the_tools_own_output(run_dir, tmp_path):
    out = tmp_path / "analysis"
    res = CliRunner().invoke(main, ["analyze", str(run_dir / "runs" / "S1" / "annual.nc"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "report.html").exists() and (out / "maps.nc").exists()
    ours = pd.read_csv(out / "tables" / "regional_annual.csv")
    run = pd.read_csv(run_dir / "tables" / "regional_annual.csv")
    run = run[run.experiment == "S1"]
    np.testing.assert_allclose(ours["NEP [g m-2 yr-1]"], run["NEP [g m-2 yr-1]"], rtol=1e-12)


def test_written_study_toml_reruns_the_study(run_dir, tmp_path):
    copy = tmp_path / "rerun"
    shutil.copytree(run_dir, copy)
    before = {p.parent.name: xr.load_dataset(p)["NEP"].values for p in _files(copy)}
    study = copy / "study.toml"
    text = study.read_text().replace(f'folder = "{run_dir}"', f'folder = "{copy}"')
    study.write_text(text)
    res = CliRunner().invoke(main, ["--quiet", "run", str(study)])
    assert res.exit_code == 0, res.output
    assert "outputs complete for this configuration, skipped" in res.output
    assert "spin-up: reusing" in res.output
    for p in _files(copy):
        np.testing.assert_array_equal(xr.load_dataset(p)["NEP"].values, before[p.parent.name])


def test_run_folder_has_a_log_and_readable_files(run_dir):
    log = (run_dir / "tpcarbon.log").read_text()
    assert "domain:" in log and "disk: about" in log and "S1: wrote" in log
    for p in [*_files(run_dir), run_dir / "maps.nc", run_dir / "report.html", run_dir / "study.toml"]:
        assert stat.S_IMODE(p.stat().st_mode) & 0o044, f"{p} is not readable by group/others"
