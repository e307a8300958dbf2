"""Designs of the ensemble: uniform marginals (KS test), strata, seeds, ranges."""

import numpy as np
import pytest
from scipy import stats

from tpcarbon.ensemble.parameters import DEFAULT_PARAMETERS
from tpcarbon.ensemble.sampling import scale_unit, unit_design, unscale
from tpcarbon.errors import ConfigError


@pytest.mark.parametrize("method", ["lhs", "sobol"])
def test_marginals_uniform_on_the_unit_interval(method):
    u = unit_design(256, 6, method, seed=11)
    assert u.shape == (256, 6)
    assert ((u >= 0) & (u < 1)).all()
    for j in range(u.shape[1]):
        assert stats.kstest(u[:, j], "uniform").pvalue > 0.05


def test_lhs_has_one_point_per_stratum_in_every_dimension():
    n = 37
    u = unit_design(n, 8, "lhs", seed=3)
    for j in range(8):
        assert sorted(np.floor(u[:, j] * n).astype(int).tolist()) == list(range(n))


def test_lhs_marginals_uniform_within_the_parameter_ranges():
    """Every default parameter's sampled quantity is uniform (or log-uniform) on its range (KS test)."""
    n = 200
    u = unit_design(n, len(DEFAULT_PARAMETERS), "lhs", seed=2025)
    for j, spec in enumerate(DEFAULT_PARAMETERS):
        x = np.array([spec.sampled_value(v) for v in u[:, j]])
        if spec.mode == "pft_table":  # the sampled quantity is the quantile itself
            lo, hi, log = 0.0, 1.0, False
        else:
            lo, hi, log = spec.low, spec.high, spec.log
        assert x.min() >= lo and x.max() <= hi, spec.name
        z = (np.log(x) - np.log(lo)) / (np.log(hi) - np.log(lo)) if log else (x - lo) / (hi - lo)
        assert stats.kstest(z, "uniform").pvalue > 0.05, spec.name
        if not log:
            assert stats.kstest(x, "uniform", args=(lo, hi - lo)).pvalue > 0.05, spec.name


def test_same_seed_same_design_other_seed_other_design():
    a = unit_design(16, 4, "lhs", seed=5)
    np.testing.assert_array_equal(a, unit_design(16, 4, "lhs", seed=5))
    assert not np.allclose(a, unit_design(16, 4, "lhs", seed=6))
    np.testing.assert_array_equal(unit_design(16, 4, "sobol", seed=5), unit_design(16, 4, "sobol", seed=5))


@pytest.mark.parametrize("log", [False, True])
def test_scale_and_unscale_are_inverse(log):
    u = np.linspace(0.0, 0.999, 11)
    x = scale_unit(u, 0.1, 10.0, log=log)
    np.testing.assert_allclose(unscale(x, 0.1, 10.0, log=log), u, atol=1e-12)
    assert x[0] == pytest.approx(0.1) and x[-1] < 10.0


def test_errors_are_one_line_config_errors():
    with pytest.raises(ConfigError, match="ensemble.method"):
        unit_design(4, 2, "halton")
    with pytest.raises(ConfigError, match="at least one member"):
        unit_design(0, 2)
    with pytest.raises(ValueError, match="positive"):
        scale_unit(np.array([0.5]), -1.0, 1.0, log=True)
