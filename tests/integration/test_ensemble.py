"""Ensembles of a tiny study: member 0 equals the plain study bit for bit; killed ensembles resume."""

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from tpcarbon.ensemble.config import EnsembleConfig
from tpcarbon.ensemble.members import (
    design_members,
    execute_members,
    is_done,
    mark_done,
    member_study,
    run_ensemble,
)
from tpcarbon.experiments.runner import default_study, run_study


def tiny_study(out):
    """Four land cells, 3 historical years, a 1-year spin-up, S1 and one SSP year: seconds per run."""
    return default_study(out).with_changes(
        region={"bbox": (30.0, 32.0, 90.0, 92.0), "resolution": 1.0},
        years={"historical": (1979, 1981), "future": (2019, 2019), "analysis_future": (2019, 2019)},
        spinup={"cycle_years": (1979, 1979), "max_years": 1},
        experiments={"run": ("S1", "ssp126")},
        output={"checkpoint_years": 2},
    )


@pytest.mark.slow
def test_member_zero_is_bit_identical_to_the_plain_study(tmp_path):
    plain = run_study(tiny_study(tmp_path / "plain"), log=lambda s: None, progress=False, build_report=False)
    ens = EnsembleConfig(members=1, scheduler="serial", seed=1)
    root = run_ensemble(tiny_study(tmp_path / "ens"), ens, log=lambda s: None, build_report=False)
    m0 = root / "ensemble" / "member_000"
    for exp in ("S1", "ssp126"):
        with (
            xr.open_dataset(plain / "runs" / exp / "annual.nc") as a,
            xr.open_dataset(m0 / "runs" / exp / "annual.nc") as b,
        ):
            assert set(a.data_vars) == set(b.data_vars)
            for v in a.data_vars:
                np.testing.assert_array_equal(a[v].values, b[v].values, err_msg=f"{exp} {v}")
    # the perturbed member really differs, and the store holds both with a member dimension
    with (
        xr.open_dataset(m0 / "runs" / "S1" / "annual.nc") as a,
        xr.open_dataset(root / "ensemble" / "member_001" / "runs" / "S1" / "annual.nc") as b,
    ):
        assert not np.array_equal(a.GPP.values, b.GPP.values, equal_nan=True)
    s1 = xr.open_zarr(root / "ensemble" / "ensemble.zarr", group="S1", consolidated=False)
    assert s1.NEP.dims[0] == "member" and s1.NEP.dims[2:] == ("lat", "lon") and s1.sizes["member"] == 2
    assert s1.NEP.shape[1] == 3 and "year" in s1.coords
    top = xr.open_zarr(root / "ensemble" / "ensemble.zarr", consolidated=False)
    assert "p_leafcn" in top and np.isnan(top.p_leafcn.values[0]) and np.isfinite(top.p_leafcn.values[1])
    assert (root / "tables" / "ensemble_headline.csv").exists()


# ---------------------------------------------------------------------------------------------- resume
class FakeMembers:
    """Stands in for ``run_member``: records calls, writes the done-marker, can fail or be 'killed'."""

    def __init__(self, fail=(), kill_at=None):
        self.calls = []
        self.fail = set(fail)
        self.kill_at = kill_at

    def __call__(self, cfg, index, shared_forcing=None, threads=None):
        self.calls.append(index)
        if index == self.kill_at:
            raise KeyboardInterrupt  # the process is stopped while this member runs
        if index in self.fail:
            raise RuntimeError(f"member {index} crashed")
        return mark_done(cfg, index, 1.0, 1.0)


def _jobs(tmp_path, n=4):
    ens = EnsembleConfig(members=n, scheduler="serial", retries=1, seed=2)
    base = tiny_study(tmp_path / "e")
    members = design_members(ens)
    return ens, [(m, member_study(base, m, tmp_path / "e")) for m in members]


def test_failed_member_is_retried_once_reported_and_the_rest_kept(tmp_path):
    ens, jobs = _jobs(tmp_path)
    status = tmp_path / "status.csv"
    fake = FakeMembers(fail={2})
    st = execute_members(jobs, ens, status, log=lambda s: None, member_fn=fake)
    assert fake.calls == [0, 1, 2, 2, 3, 4]  # member 2: first attempt + one retry
    assert {k: v.status for k, v in st.items()} == {0: "done", 1: "done", 2: "failed", 3: "done", 4: "done"}
    assert st[2].attempts == 2 and "crashed" in st[2].error
    table = pd.read_csv(status).set_index("member")
    assert table.loc[2, "status"] == "failed"
    assert "member_002" in (tmp_path / "failures.txt").read_text()
    # the rerun only runs the failed member
    again = FakeMembers()
    st = execute_members(jobs, ens, status, log=lambda s: None, member_fn=again)
    assert again.calls == [2]
    assert st[0].status == "skipped" and st[2].status == "done"


def test_killed_ensemble_resumes_without_rerunning_finished_members(tmp_path):
    ens, jobs = _jobs(tmp_path)
    status = tmp_path / "status.csv"
    killed = FakeMembers(kill_at=3)
    with pytest.raises(KeyboardInterrupt):
        execute_members(jobs, ens, status, log=lambda s: None, member_fn=killed)
    assert killed.calls == [0, 1, 2, 3]
    assert [is_done(cfg) for _, cfg in jobs] == [True, True, True, False, False]
    resumed = FakeMembers()
    st = execute_members(jobs, ens, status, log=lambda s: None, member_fn=resumed)
    assert resumed.calls == [3, 4]
    assert [st[i].status for i in range(5)] == ["skipped"] * 3 + ["done"] * 2


def test_a_changed_design_is_not_mistaken_for_a_finished_member(tmp_path):
    ens, jobs = _jobs(tmp_path, n=2)
    execute_members(jobs, ens, tmp_path / "s.csv", log=lambda s: None, member_fn=FakeMembers())
    other = EnsembleConfig(members=2, scheduler="serial", seed=99)  # another sample, same folders
    base = tiny_study(tmp_path / "e")
    jobs2 = [(m, member_study(base, m, tmp_path / "e")) for m in design_members(other)]
    assert is_done(jobs2[0][1])  # the reference did not change
    assert not any(is_done(cfg) for _, cfg in jobs2[1:])
    marker = json.loads((tmp_path / "e" / "ensemble" / "member_001" / "member.json").read_text())
    assert marker["config_hash"] != jobs2[1][1].config_hash()


def test_one_scenario_member_per_cmip6_model(tmp_path):
    from tpcarbon.ensemble.scenario import cmip6_models
    from tpcarbon.io.cmip6 import write_synthetic_cmip6

    files = tmp_path / "cmip6"
    for model, t in (("AAA-ESM", 0.02), ("BBB-ESM", 0.05)):
        write_synthetic_cmip6(
            files, "ssp126", model=model, years=(2015, 2030), trend={"tas": t}, variables=("tas", "pr")
        )
    groups = cmip6_models(files)
    assert list(groups) == ["AAA-ESM", "BBB-ESM"] and all(len(v) == 2 for v in groups.values())
    ens = EnsembleConfig(members=5, spread=("scenario",), scenario_models=str(files), scheduler="serial")
    members = design_members(ens, list(groups))
    assert [m.cmip6_model for m in members] == ["", "AAA-ESM", "BBB-ESM"]
    base = tiny_study(tmp_path / "e")
    cfg = member_study(base, members[2], tmp_path / "e", groups)
    linked = sorted(
        p.name for p in (tmp_path / "e" / "ensemble" / "member_002" / "cmip6" / "BBB-ESM").iterdir()
    )
    assert cfg.scenarios.anomalies.endswith("BBB-ESM") and linked == sorted(f.name for f in groups["BBB-ESM"])
    assert cfg.model.paramfile == "default"  # scenario spread only: parameters untouched
    assert member_study(base, members[0], tmp_path / "e").scenarios == base.scenarios


def test_cli_reports_a_bad_ensemble_table_in_one_line(tmp_path):
    from click.testing import CliRunner

    from tpcarbon.cli import main

    p = tmp_path / "s.toml"
    p.write_text('[ensemble]\nmembers = 4\nmethod = "halton"\n')
    r = CliRunner().invoke(main, ["ensemble", str(p)])
    assert r.exit_code == 2
    assert r.output.strip().count("\n") == 0 and "ensemble.method" in r.output and "Fix:" in r.output
    r = CliRunner().invoke(main, ["demo", "--help"])
    assert "--ensemble" in r.output
