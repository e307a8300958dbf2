"""The perturbed parameters: default ranges, perturb_params, the parameter-file writer."""

import numpy as np
import pytest

from tpcarbon.ensemble.parameters import (
    DEFAULT_PARAMETERS,
    EXCLUDED,
    ParameterSpec,
    params_digest,
    perturb_params,
    spec_by_name,
    write_paramfile,
)
from tpcarbon.errors import ConfigError
from tpcarbon.params.pft import NPFT, load_params


@pytest.fixture(scope="module")
def base():
    return load_params()


def test_every_default_spec_is_valid_and_names_a_source():
    for s in DEFAULT_PARAMETERS:
        s.validate()
        assert s.source and s.range_text()
    assert "jmaxb0" in EXCLUDED and "jmaxb1" in EXCLUDED
    assert not {"jmaxb0", "jmaxb1"} & set(spec_by_name())


def test_every_default_range_contains_the_clm5_default(base):
    """Sampling is centred on the model: each range holds the default (factor 1, or the file's value)."""
    for s in DEFAULT_PARAMETERS:
        if s.kind == "scalar":
            d = getattr(base.scalar, s.name)
            if s.mode == "scale":
                assert s.low <= 1.0 <= s.high, s.name
            else:
                assert s.low <= d <= s.high, s.name
        elif s.mode == "scale":
            assert s.low <= 1.0 <= s.high, s.name
        elif s.mode == "absolute":
            d = getattr(base.pft, s.name)[1:NPFT]
            assert (s.low <= d).all() and (d <= s.high).all(), s.name
        else:
            d = getattr(base.pft, s.name)
            for k, lo, hi in s.table:
                v = 1.0 if s.relative else d[k]
                assert lo <= v <= hi, (s.name, k)


def test_perturb_params_returns_new_frozen_params_and_leaves_the_loader_alone(base):
    before = base.pft.leafcn.copy()
    q = perturb_params(base, {"leafcn": 1.2, "q10_mr": 2.5, "tau_s3": 0.5})
    np.testing.assert_array_equal(load_params().pft.leafcn, before)
    np.testing.assert_allclose(q.pft.leafcn[1:NPFT], 1.2 * before[1:NPFT])
    assert q.pft.leafcn[0] == before[0]  # bare soil untouched
    assert q.scalar.q10_mr == 2.5 and q.scalar.tau_s3 == pytest.approx(0.5 * base.scalar.tau_s3)
    assert q.scalar.tau_s2 == base.scalar.tau_s2
    assert not q.pft.leafcn.flags.writeable
    with pytest.raises(ValueError):
        q.pft.leafcn[3] = 1.0


def test_pft_table_moves_every_pft_in_tandem(base):
    spec = spec_by_name()["medlynslope"]
    lo = perturb_params(base, {"medlynslope": 0.0}).pft.medlynslope
    hi = perturb_params(base, {"medlynslope": 0.999999}).pft.medlynslope
    for k, a, b in spec.table:
        assert lo[k] == pytest.approx(a, rel=1e-6) and hi[k] == pytest.approx(b, rel=1e-5)
    assert 1.55 < lo[12] < 1.65 and 3.55 < hi[12] < 3.65  # C3 arctic grass: tpcarbon's documented range


def test_empty_sample_is_the_identity(base):
    assert perturb_params(base, {}) == base


def test_written_file_reads_back_exactly(base, tmp_path):
    sample = {s.name: s.sampled_value(0.37) for s in DEFAULT_PARAMETERS}
    q = perturb_params(base, sample)
    r = load_params(str(write_paramfile(q, tmp_path / "p.nc")))
    assert params_digest(r) == params_digest(q) != params_digest(base)
    for name in q.pft._fields:
        np.testing.assert_array_equal(getattr(r.pft, name), getattr(q.pft, name), err_msg=name)
    assert r.scalar == q.scalar
    r0 = load_params(str(write_paramfile(base, tmp_path / "p0.nc")))
    assert params_digest(r0) == params_digest(base)


def test_bad_specs_and_samples_are_one_line_errors(base):
    with pytest.raises(ConfigError, match="not a parameter"):
        ParameterSpec("jmaxb1", "absolute", 0.05, 0.25).validate()
    with pytest.raises(ConfigError, match="derived"):
        ParameterSpec("fun_kappa", "scale", 0.5, 2.0).validate()
    with pytest.raises(ConfigError, match="invalid range"):
        ParameterSpec("q10_mr", "absolute", 3.0, 1.0).validate()
    with pytest.raises(ConfigError, match="positive"):
        ParameterSpec("minpsi_hr", "absolute", -10.0, -1.0, log=True).validate()
    with pytest.raises(ConfigError, match="no perturbation rule"):
        perturb_params(base, {"grperc": 1.1})
