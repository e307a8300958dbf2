"""Precision control of vegetation pools (CLM5 ``CNPrecisionControlMod``, ccrit = ncrit = 1e-8 g m-2)."""

import numpy as np
import pytest

from tpcarbon.model.daily import truncate_small_pools


def _patch():
    vc = np.zeros(20)
    vn = np.zeros(22)
    vc[0], vn[0] = 50.0, 2.0                # a living leaf pool: kept
    vc[3], vn[3] = 3.9e-285, 6.1e-160       # a subnormal pair (what ~930 years of decay left): truncated
    vc[9], vn[9] = 5.0, 5.0e-9              # C above ccrit, N below ncrit: truncated with N
    vc[18] = -15.2                          # xsmrpool may be negative in CLM: never truncated
    return vc, vn


@pytest.mark.reference
@pytest.mark.parametrize("with_n", [True, False])
def test_pools_below_the_thresholds_go_to_litter_and_mass_is_conserved(with_n):
    vc, vn = _patch()
    c0, n0 = vc.copy(), vn.copy()
    nlev = 3
    dz = np.array([0.02, 0.04, 0.06])
    surf = np.array([0.7, 0.2, 0.1])
    soilc = np.zeros((7, nlev))
    soiln = np.zeros((7, nlev))
    fp = 0.4
    ctr, ntr = truncate_small_pools(vc, vn, fp, soilc, soiln, surf, dz, nlev, with_n)
    assert vc[0] == 50.0 and vn[0] == 2.0 and vc[18] == -15.2
    assert vc[3] == 0.0 and vn[3] == 0.0
    if with_n:
        assert vc[9] == 0.0 and vn[9] == 0.0 and ctr == pytest.approx(5.0 + 3.9e-285)
    else:
        assert vc[9] == 5.0 and ctr == pytest.approx(3.9e-285, rel=1e-12)
    # what left the patch (patch area × fraction) arrived in the metabolic litter L1 (per m3 × layer thickness)
    assert fp * (c0 - vc).sum() == pytest.approx((soilc[1] * dz).sum(), rel=1e-12, abs=1e-300)
    assert fp * (n0 - vn).sum() == pytest.approx((soiln[1] * dz).sum(), rel=1e-12, abs=1e-300)
