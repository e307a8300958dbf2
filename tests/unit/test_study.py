import pytest

from tpcarbon.errors import ConfigError
from tpcarbon.experiments.study import EXAMPLE_STUDY, EXPERIMENTS, load_study, study_from_dict


def test_example_study_loads_with_defaults(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(EXAMPLE_STUDY)
    cfg = load_study(p)
    assert cfg.experiments.run == EXPERIMENTS
    assert cfg.years.historical == (1979, 2018)
    assert cfg.spinup.cycle_years == (1979, 1988)
    assert cfg.spinup.max_years == 40 and cfg.model.nitrogen == "coupled"
    assert len(cfg.config_hash()) == 16


def test_config_hash_ignores_output_folder_but_not_science():
    a = study_from_dict({})
    assert a.config_hash() == a.with_changes(output={"folder": "elsewhere"}).config_hash()
    assert a.config_hash() != a.with_changes(model={"n_substeps": 3}).config_hash()
    assert a.config_hash() != a.with_changes(model={"nitrogen": "fun-lite"}).config_hash()
    assert a.experiment_hash("S1") != a.experiment_hash("S2")


@pytest.mark.parametrize("data,key,text", [
    ({"regoin": {}}, "regoin", "did you mean 'region'"),
    ({"region": {"resolutoin": 1.0}}, "region.resolutoin", "did you mean 'resolution'"),
    ({"region": {"resolution": "fine"}}, "region.resolution", "expected a number"),
    ({"experiments": {"run": ["S5"]}}, "experiments.run", "unknown experiment 'S5'"),
    ({"spinup": {"cycle_years": [1970, 1975]}}, "spinup.cycle_years", "not inside the historical period"),
    ({"forcing": {"source": "cmfd"}}, "forcing.path", "forcing path is required"),
    ({"compute": {"scheduler": "mpi"}}, "compute.scheduler", "unknown scheduler"),
    ({"region": {"bbox": [40, 26, 73, 105]}}, "region.bbox", "invalid box"),
    ({"experiments": {"hold_mode": "frozen"}}, "experiments.hold_mode", "unknown mode"),
    ({"model": {"nitrogen": "off"}}, "model.nitrogen", "unknown mode 'off'"),
])
def test_bad_study_keys_are_one_line_errors(data, key, text):
    with pytest.raises(ConfigError) as err:
        study_from_dict(data, "study.toml")
    msg = str(err.value)
    assert msg.startswith(f"study.toml: {key}:") and text in msg and "Fix:" in msg and "\n" not in msg


def test_missing_and_invalid_study_files(tmp_path):
    with pytest.raises(ConfigError, match="study file not found"):
        load_study(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[region\nresolution = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_study(bad)


@pytest.mark.parametrize("changes", [
    {},
    {"forcing": {"source": "cf", "path": ".", "mapping": {"temp": "tas", "prec": "pr"}}},
    {"spinup": {"co2": 284.7}, "name": 'quoted "name" \\ with backslash'},
    {"region": {"bbox": (29.0, 33.0, 88.0, 96.0), "resolution": 0.5}, "experiments": {"run": ("S1", "ssp585")}},
    {"output": {"zarr": True, "folder": "a folder/with spaces"}, "compute": {"scheduler": "tcp://h:8786"}},
])
def test_dump_then_load_gives_the_same_study(tmp_path, changes):
    from tpcarbon.experiments.study import StudyConfig, dump_study

    cfg = StudyConfig().with_changes(**changes)
    p = tmp_path / "study.toml"
    p.write_text(dump_study(cfg))
    back = load_study(p)
    assert back == cfg.__class__(**{**cfg.__dict__, "source": str(p)})
    assert back.config_hash() == cfg.config_hash()


def test_example_study_comments_every_key():
    """tpcarbon init-study: every key of every section is in the template, each with a comment."""
    import dataclasses
    import re

    from tpcarbon.experiments.study import _SECTIONS

    lines = EXAMPLE_STUDY.splitlines()
    for sec, cls in _SECTIONS.items():
        for f in dataclasses.fields(cls):
            hit = [ln for ln in lines if re.match(rf"^#? ?{f.name} = ", ln)]
            assert hit, f"[{sec}] {f.name} missing from EXAMPLE_STUDY"
            assert "#" in hit[0].lstrip("# "), f"[{sec}] {f.name} has no comment: {hit[0]!r}"
