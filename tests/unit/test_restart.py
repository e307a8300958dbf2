import numpy as np
import pytest

from tpcarbon.errors import InputError
from tpcarbon.experiments.checkpoint import load_checkpoint, save_checkpoint
from tpcarbon.model.driver import Model
from tpcarbon.model.restart import read_restart, write_restart
from tpcarbon.testing.domains import small_domain


@pytest.fixture()
def model_state():
    d = small_domain()
    m = Model(d)
    s = m.init_state(t_init=272.0)
    rng = np.random.default_rng(0)
    for a in s:
        a[...] = rng.random(a.shape)
    return m, s


def test_restart_round_trip_is_exact(tmp_path, model_state):
    m, s = model_state
    write_restart(tmp_path / "r.nc", s, m.domain, "1979-01-01", ad_mode=False, attrs={"config_hash": "abc"})
    back, attrs = read_restart(tmp_path / "r.nc", m.domain)
    for a, b in zip(s, back, strict=True):
        np.testing.assert_array_equal(a, b)
    assert attrs["config_hash"] == "abc" and attrs["valid_time"] == "1979-01-01"
    assert not list(tmp_path.glob("*.part"))


def test_restart_for_another_domain_is_refused(tmp_path, model_state):
    m, s = model_state
    write_restart(tmp_path / "r.nc", s, m.domain, "1979-01-01", ad_mode=False)
    other = m.domain.subset(np.array([0, 1]))
    with pytest.raises(InputError, match="restart cells do not match"):
        read_restart(tmp_path / "r.nc", other)
    with pytest.raises(InputError, match="restart file not found"):
        read_restart(tmp_path / "missing.nc", m.domain)


def test_checkpoint_round_trip_and_hash_guard(tmp_path, model_state):
    m, s = model_state
    annual = {"NEP": [np.arange(4.0), np.arange(4.0) + 1]}
    save_checkpoint(tmp_path / "c.nc", s, m.domain, 1981, annual, [1979, 1980], "h1")
    state, nxt, ann, years = load_checkpoint(tmp_path / "c.nc", m.domain, "h1")
    assert nxt == 1981 and years == [1979, 1980]
    np.testing.assert_array_equal(ann["NEP"][1], annual["NEP"][1])
    np.testing.assert_array_equal(state.soilc, s.soilc)
    assert load_checkpoint(tmp_path / "c.nc", m.domain, "other-config") is None
    (tmp_path / "broken.nc").write_bytes(b"not a netcdf")
    assert load_checkpoint(tmp_path / "broken.nc", m.domain, "h1") is None
