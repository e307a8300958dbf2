"""Property tests (hypothesis) of the CLM5 two-stream canopy radiation (``physics/twostream.py``).

Laws checked (CLM5.0 Tech Note "Surface Albedos"; CTSM release-clm5.0 ``SurfaceAlbedoMod.F90::TwoStream``,
``SurfaceRadiationMod.F90``): energy conservation per unit direct and per unit diffuse incidence and for the
patch's band fluxes (reflected + absorbed by the canopy + absorbed by the ground = incident, to 1e-12), the
sunlit/shaded split of the absorption, bounds, monotonicity in the ground albedo, finiteness at K = h.
"""

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tpcarbon.params.fixed import OMEGA_SNOW
from tpcarbon.physics import twostream as ts


def fin(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


band_optics = st.tuples(fin(0.0, 0.6), fin(0.0, 0.4), fin(0.0, 0.6), fin(0.0, 0.4)).filter(
    lambda t: t[0] + t[1] < 0.99 and t[2] + t[3] < 0.99)


def budget(r, agd, agi):
    """(direct, diffuse) energy budgets: reflected + canopy + ground absorbed, per unit incident flux."""
    albd, fabd, fabd_sun, fabd_sha, ftdd, ftid, albi, fabi, fabi_sun, fabi_sha, ftii, _ = r
    direct = albd + fabd_sun + fabd_sha + (1.0 - agd) * ftdd + (1.0 - agi) * ftid
    diffuse = albi + fabi_sun + fabi_sha + (1.0 - agi) * ftii
    return direct, diffuse


@settings(max_examples=400, deadline=None)
@given(mu=fin(1e-4, 1.0), elai=fin(0.0, 10.0), esai=fin(0.0, 3.0), opt=band_optics, xl=fin(-0.6, 0.8),
       agd=fin(0.0, 1.0), agi=fin(0.0, 1.0), fcansno=fin(0.0, 1.0), band=st.sampled_from([0, 1]))
@example(mu=0.5, elai=1e-12, esai=0.0, opt=(0.1, 0.05, 0.16, 0.001), xl=0.0, agd=0.0, agi=0.0, fcansno=0.0,
         band=0)
@example(mu=1e-4, elai=10.0, esai=3.0, opt=(0.0, 0.0, 0.0, 0.0), xl=0.6, agd=1.0, agi=1.0, fcansno=1.0,
         band=1)
def test_energy_is_conserved_per_unit_incident_flux(mu, elai, esai, opt, xl, agd, agi, fcansno, band):
    """Per unit direct and unit diffuse flux (Tech Note eqs 3.21-3.22): albd + fabd_sun + fabd_sha +
    (1 − α_g^μ) ftdd + (1 − α_g) ftid = 1 and albi + fabi_sun + fabi_sha + (1 − α_g) ftii = 1 to 1e-12; all
    fractions are finite, reflected and transmitted fractions lie in [0, 1], f_sun in (0, 1]."""
    rho, tau = ts.calc_leaf_stem_optics(elai, esai, *opt)
    lsai = elai + esai
    r = ts.calc_twostream(mu, lsai, rho, tau, xl, agd, agi, fcansno, OMEGA_SNOW[band])
    assert all(math.isfinite(x) for x in r)
    direct, diffuse = budget(r, agd, agi)
    assert direct == pytest.approx(1.0, abs=1e-12)
    assert diffuse == pytest.approx(1.0, abs=1e-12)
    albd, fabd, fabd_sun, fabd_sha, ftdd, ftid, albi, fabi, fabi_sun, fabi_sha, ftii, fsun = r
    tol = 1e-12
    for x in (albd, ftdd, ftid, albi, ftii):
        assert -tol <= x <= 1.0 + tol
    assert fabd_sun >= -tol and fabi_sun >= -tol and fabi_sha >= -tol
    assert fabi_sun + fabi_sha == pytest.approx(fabi, abs=1e-15)
    if lsai > 0.0:
        assert 0.0 < fsun <= 1.0
    # shaded leaves absorb only scattered light: fabd_sha ≥ 0, except for CLM's ground bookkeeping when
    # α_g < α_g^μ, which moves (α_g − α_g^μ) ftid into fabd_sha
    assert fabd_sha >= min(agi - agd, 0.0) * ftid - tol


@settings(max_examples=300, deadline=None)
@given(mu=fin(0.01, 1.0), elai=fin(0.0, 8.0), esai=fin(0.0, 2.0), vis=band_optics, nir=band_optics,
       xl=fin(-0.4, 0.6), alb=st.tuples(fin(0.0, 1.0), fin(0.0, 1.0), fin(0.0, 1.0), fin(0.0, 1.0)),
       sol=st.tuples(fin(0.0, 600.0), fin(0.0, 300.0), fin(0.0, 600.0), fin(0.0, 300.0)),
       fcansno=fin(0.0, 1.0))
def test_patch_shortwave_budget_closes(mu, elai, esai, vis, nir, xl, alb, sol, fcansno):
    """SurfaceRadiation: sabv + sabg + fsr = incident shortwave (to 1e-12 of it); FSA = sabv + sabg ≥ 0; the
    sun/shade PAR times its leaf+stem area adds up to the visible canopy absorption;
    laisun + laisha = elai."""
    agd_v, agi_v, agd_n, agi_n = alb
    lsai = elai + esai
    rv, tv = ts.calc_leaf_stem_optics(elai, esai, *vis)
    rn, tn = ts.calc_leaf_stem_optics(elai, esai, *nir)
    t_vis = ts.calc_twostream(mu, lsai, rv, tv, xl, agd_v, agi_v, fcansno, OMEGA_SNOW[0])
    t_nir = ts.calc_twostream(mu, lsai, rn, tn, xl, agd_n, agi_n, fcansno, OMEGA_SNOW[1])
    sabv, sabg, fsr, parsun, parsha, laisun, laisha = ts.calc_canopy_shortwave(
        *sol, t_vis, t_nir, agd_v, agi_v, agd_n, agi_n, elai, esai)
    incident = sum(sol)
    assert sabv + sabg + fsr == pytest.approx(incident, abs=1e-12 * max(incident, 1.0))
    assert sabg >= -1e-12 * max(incident, 1.0)
    assert laisun + laisha == pytest.approx(elai, abs=1e-12)
    fsun = t_vis[11]
    if lsai > 0.0:
        vis_abs = sol[0] * t_vis[1] + sol[1] * t_vis[7]
        assert parsun * fsun * lsai + parsha * (1 - fsun) * lsai == pytest.approx(vis_abs, abs=1e-9 * incident
                                                                                   + 1e-12)


@settings(max_examples=300, deadline=None)
@given(mu=fin(0.01, 1.0), lsai=fin(0.01, 8.0), opt=band_optics, xl=fin(-0.4, 0.6), a=fin(0.0, 1.0),
       b=fin(0.0, 1.0))
def test_canopy_absorption_non_decreasing_in_ground_albedo(mu, lsai, opt, xl, a, b):
    """A brighter ground reflects more light back into the canopy: with α_g^μ = α_g, fabd and fabi are
    non-decreasing in the ground albedo, and the canopy albedo too."""
    lo, hi = sorted((a, b))
    rho, tau = ts.calc_leaf_stem_optics(lsai, 0.0, opt[0], opt[1], 0.0, 0.0)
    r_lo = ts.calc_twostream(mu, lsai, rho, tau, xl, lo, lo, 0.0, OMEGA_SNOW[0])
    r_hi = ts.calc_twostream(mu, lsai, rho, tau, xl, hi, hi, 0.0, OMEGA_SNOW[0])
    for i in (0, 1, 6, 7):   # albd, fabd, albi, fabi
        assert r_hi[i] >= r_lo[i] - 1e-12


@settings(max_examples=300, deadline=None)
@given(avmu=fin(0.5, 1.5), omega=fin(0.0, 0.99), betad=fin(0.0, 1.0), betai=fin(0.3, 1.0),
       lsai=fin(0.01, 10.0),
       agd=fin(0.0, 1.0), agi=fin(0.0, 1.0), log_gap=fin(-17.0, -1.0), sign=st.sampled_from([-1.0, 0.0, 1.0]))
def test_finite_and_conserving_at_and_near_k_equals_h(avmu, omega, betad, betai, lsai, agd, agi, log_gap,
                                                      sign):
    """K = h makes σ = 0 (a removable singularity): the kernel stays finite and conserving there."""
    h = math.sqrt((1 - omega) * (1 - omega + 2 * omega * betai)) / avmu
    kb = h * (1.0 + sign * 10.0**log_gap)
    r = ts.calc_twostream_fluxes(kb, avmu, omega, betad, betai, lsai, agd, agi)
    assert all(math.isfinite(x) for x in r)
    direct, diffuse = budget(r, agd, agi)
    assert direct == pytest.approx(1.0, abs=1e-12) and diffuse == pytest.approx(1.0, abs=1e-12)
    assert -1e-9 <= r[0] <= 1.0 + 1e-9   # albd
