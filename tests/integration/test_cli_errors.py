"""The CLI turns user errors into one line on stderr and a non-zero exit code, with no traceback."""

import os

import pytest
from click.testing import CliRunner

from tpcarbon.cli import main


def run(args):
    return CliRunner().invoke(main, args, catch_exceptions=False)


def one_line_error(res, *fragments):
    assert res.exit_code != 0
    err = res.stderr.strip()
    assert err.count("\n") == 0, err
    assert "Traceback" not in res.output + res.stderr
    for f in fragments:
        assert f in err, err


def test_missing_study_file(tmp_path):
    res = run(["run", str(tmp_path / "none.toml")])
    one_line_error(res, "none.toml", "study file not found", "Fix:")
    assert res.exit_code == 2


def test_unknown_key_in_study(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('[region]\nresolutoin = 1.0\n')
    one_line_error(run(["run", str(p)]), "s.toml", "region.resolutoin", "did you mean 'resolution'")


def test_bad_year_range():
    one_line_error(run(["forcing", "generate", "/tmp/x", "--years", "2018-1979"]), "--years", "ends before")


def test_unwritable_output_folder(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere; covered by a read-only path below")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    p = tmp_path / "s.toml"
    p.write_text("")
    one_line_error(run(["run", str(p), "--out", str(ro / "sub")]), "not writable")


def test_output_path_that_is_a_file(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text("")
    f = tmp_path / "afile"
    f.write_text("x")
    one_line_error(run(["run", str(p), "--out", str(f / "sub")]), "not writable", "Fix:")


def test_init_study_refuses_overwrite(tmp_path):
    p = tmp_path / "study.toml"
    assert run(["init-study", str(p)]).exit_code == 0
    one_line_error(run(["init-study", str(p)]), "file exists", "--force")


def test_debug_shows_traceback(tmp_path):
    res = CliRunner().invoke(main, ["--debug", "run", str(tmp_path / "none.toml")])
    assert res.exit_code == 2
    assert "Traceback" in res.stderr
