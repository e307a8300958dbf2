"""The [ensemble] table of a study file and the [scenarios] pattern-scaling keys."""

import numpy as np
import pytest

from tpcarbon.ensemble.config import EnsembleConfig, ensemble_from_dict, load_ensemble_config
from tpcarbon.ensemble.members import design_members
from tpcarbon.ensemble.parameters import DEFAULT_PARAMETERS
from tpcarbon.errors import ConfigError
from tpcarbon.experiments.scenarios import GLOBAL_WARMING, PREC_PER_K, TP_AMPLIFICATION, global_warming
from tpcarbon.experiments.study import EXAMPLE_STUDY, ScenariosConfig, load_study, study_from_dict

STUDY = """
name = "t"
[years]
historical = [1979, 1981]
[spinup]
cycle_years = [1979, 1980]
[ensemble]
members = 8
method = "sobol"
seed = 3
spread = ["parameters"]
scheduler = "serial"
[ensemble.parameters]
leafcn = "default"
q10_mr = {mode = "absolute", range = [1.3, 2.8]}
grperc = {mode = "scale", range = [0.5, 2.0], log = true}
"""


def test_study_file_with_an_ensemble_table(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(STUDY)
    study, ens = load_ensemble_config(p)
    assert (
        study.name == "t" and load_study(p).config_hash() == study.config_hash()
    )  # `run` ignores [ensemble]
    assert (ens.members, ens.method, ens.seed, ens.spread, ens.scheduler) == (
        8,
        "sobol",
        3,
        ("parameters",),
        "serial",
    )
    assert [s.name for s in ens.parameters] == ["leafcn", "q10_mr", "grperc"]
    assert ens.parameters[1].low == 1.3 and ens.parameters[2].log
    assert ens.sampled_scenario == ()


def test_defaults_without_a_table():
    ens = ensemble_from_dict(None)
    assert ens.members == 64 and ens.method == "lhs" and ens.parameters == DEFAULT_PARAMETERS
    assert {d.name for d in ens.sampled_scenario} == {"warming_quantile", "tp_amplification", "prec_per_k"}


@pytest.mark.parametrize(
    "table, match",
    [
        ({"membres": 3}, "did you mean 'members'"),
        ({"members": 0}, "at least 1"),
        ({"method": "halton"}, "unknown method"),
        ({"spread": ["params"]}, "not a subset"),
        ({"parameters": {"jmaxb1": "default"}}, "cannot be perturbed yet"),
        ({"parameters": {"q10_mr": {"mode": "absolute", "range": [3.0, 1.0]}}}, "increasing range"),
        ({"parameters": {"q10_mr": {"mode": "pft_table", "range": [1.0, 3.0]}}}, "mode must be"),
        ({"parameters": {"nonsense": {"mode": "scale", "range": [0.5, 2.0]}}}, "not a parameter"),
        ({"scenario": {"tp_amplif": [1.0, 2.0]}}, "did you mean 'tp_amplification'"),
        ({"scheduler": "cluster"}, "unknown scheduler"),
    ],
)
def test_bad_tables_are_one_line_errors(table, match):
    with pytest.raises(ConfigError, match=match) as e:
        ensemble_from_dict(table, "s.toml")
    assert "\n" not in str(e.value) and str(e.value).startswith("s.toml: ensemble")


def test_design_reference_first_and_reproducible():
    ens = EnsembleConfig(members=6, seed=4)
    a, b = design_members(ens), design_members(ens)
    assert [m.index for m in a] == list(range(7)) and a == b
    assert a[0].params == {} and a[0].scenario == {}
    assert set(a[1].params) == {s.name for s in DEFAULT_PARAMETERS}
    assert 1.3 <= a[1].scenario["tp_amplification"] <= 2.0
    only = design_members(EnsembleConfig(members=3, spread=("scenario",), reference=False))
    assert [m.index for m in only] == [1, 2, 3] and all(m.params == {} for m in only)


def test_cmip6_models_one_member_each_with_scenario_spread_only():
    ens = EnsembleConfig(members=10, spread=("scenario",))
    ms = design_members(ens, ["A-ESM", "B-ESM", "C-ESM"])
    assert [m.cmip6_model for m in ms] == ["", "A-ESM", "B-ESM", "C-ESM"]


def test_scenario_keys_default_to_the_module_constants_and_are_validated(tmp_path):
    d = ScenariosConfig()
    assert (d.tp_amplification, d.prec_per_k, d.warming_quantile) == (TP_AMPLIFICATION, PREC_PER_K, 0.5)
    with pytest.raises(ConfigError, match="scenarios.warming_quantile"):
        study_from_dict({"scenarios": {"warming_quantile": 1.5}})
    with pytest.raises(ConfigError, match="only apply to the embedded default"):
        study_from_dict({"scenarios": {"anomalies": str(tmp_path), "tp_amplification": 2.0}})
    assert "[ensemble]" in EXAMPLE_STUDY and "tp_amplification" in EXAMPLE_STUDY


def test_warming_quantile_spans_the_ar6_range():
    y = np.array([2030.5, 2050.5, 2090.5])
    np.testing.assert_array_equal(global_warming(y, "ssp245"), GLOBAL_WARMING["ssp245"])
    np.testing.assert_allclose(global_warming(y, "ssp245", 0.0), [0.35, 0.75, 1.25])
    np.testing.assert_allclose(global_warming(y, "ssp245", 1.0), [0.95, 1.65, 2.65])
    mid = global_warming(y, "ssp585", 0.75)
    assert (mid > global_warming(y, "ssp585")).all() and (mid < global_warming(y, "ssp585", 1.0)).all()


def test_the_commented_template_parses_when_uncommented(tmp_path):
    lines = EXAMPLE_STUDY.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("# [ensemble]"))
    text = "\n".join(lines[:start] + [x[2:] if x.startswith("# ") else x for x in lines[start:]])
    p = tmp_path / "s.toml"
    p.write_text(text)
    study, ens = load_ensemble_config(p)
    assert ens.members == 64 and [s.name for s in ens.parameters] == ["leafcn", "q10_mr", "slatop"]
    assert [d.low for d in ens.scenario] == [1.3, 0.005, 0.0]
