"""Numerical reference for the CLM5 two-stream canopy radiation (tests/reference/test_twostream_reference.py).

Independent of ``tpcarbon``: the optical parameters are computed from the *integral* definitions of the CLM5.0
Tech Note "Surface Albedos" (eqs 3.3-3.16: μ̄ = ∫ μ'/G(μ') dμ', a_s = ω/2 ∫ μ'G(μ)/(μG(μ') + μ'G(μ)) dμ',
by ``scipy.integrate.quad``), and the two-stream equations (Tech Note eqs 3.1-3.2)

    -μ̄ dI↑/dx + [1 - (1 - β)ω] I↑ - ωβ I↓ = ω μ̄ K β0 e^{-Kx}
     μ̄ dI↓/dx + [1 - (1 - β)ω] I↓ - ωβ I↑ = ω μ̄ K (1 - β0) e^{-Kx}

are solved as a boundary-value problem by ``scipy.integrate.solve_bvp``, with two extra states that
integrate I↑ + I↓ and e^{-Kx}(I↑ + I↓) over depth. Boundary conditions (those of CTSM release-clm5.0
``SurfaceAlbedoMod.F90::TwoStream``; the direct problem reflects the diffuse flux at the ground with the
direct-beam albedo, as CLM's u1, u2, u3 do):

    direct : I↓(0) = 0,  I↑(L+S) = α_g^μ [I↓(L+S) + e^{-K(L+S)}]   (beam source on)
    diffuse: I↓(0) = 1,  I↑(L+S) = α_g   I↓(L+S)                   (beam source off)

Absorption is the depth integral of interception, (1 - ω)[K e^{-Kx} + (I↑ + I↓)/μ̄] (total) and the same
weighted by the sunlit fraction e^{-Kx} (sunlit), not a residual. CLM books the direct-beam absorption as
the residual 1 - albd - (1 - α_g^μ) ftdd - (1 - α_g) ftid, which exceeds the integral by (α_g - α_g^μ) ftid;
both are written (``fabd_integral`` and ``fabd``), and the script checks that the BVP solution closes the
energy budget (residual - integral - (α_g - α_g^μ) ftid < 1e-9).

Run:  python tests/data/twostream/make_reference.py   (writes reference.json beside this file)
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import scipy
from scipy.integrate import quad, solve_bvp

HERE = Path(__file__).parent

# Case inputs. Optics from the CLM5 parameter file clm5_params.c171117.nc (Tech Note table "Plant functional
# type optical properties"): C3 grass (PFT 13) vis rhol .11 taul .05 rhos .31 taus .12, nir .35 .34 .53 .25,
# xl -0.3; BDT temperate (7) vis .10 .05 .16 .001, xl 0.25; NET boreal (2) vis .07 .05 .16 .001, nir .35 .10
# .39 .001, xl 0.01. Ground albedos: fresh snow / dark wet soil (soil colour 20, albsat vis 0.04 nir 0.08).
CASES = [
    # name, mu, elai, esai, rhol, taul, rhos, taus, xl, albgrd, albgri, fcansno, omega_sno
    ("sparse_grass_snow_highsun_vis", 0.9, 0.4, 0.1, 0.11, 0.05, 0.31, 0.12, -0.3, 0.95, 0.95, 0.0, 0.8),
    ("dense_bdt_darksoil_highsun_vis", 0.9, 5.5, 0.5, 0.10, 0.05, 0.16, 0.001, 0.25, 0.04, 0.04, 0.0, 0.8),
    ("sparse_grass_snow_lowsun_nir", 0.15, 0.4, 0.1, 0.35, 0.34, 0.53, 0.25, -0.3, 0.70, 0.70, 0.0, 0.4),
    ("dense_net_darksoil_lowsun_nir", 0.15, 5.0, 1.0, 0.35, 0.10, 0.39, 0.001, 0.01, 0.08, 0.08, 0.0, 0.4),
    ("net_snowy_canopy_over_snow_vis", 0.4, 3.0, 1.0, 0.07, 0.05, 0.16, 0.001, 0.01, 0.90, 0.90, 0.6, 0.8),
    ("grass_snow_direct_ne_diffuse_vis", 0.3, 1.0, 0.3, 0.11, 0.05, 0.31, 0.12, -0.3, 0.92, 0.85, 0.0, 0.8),
    ("grass_vertical_moist_soil_nir", 0.6, 2.0, 0.4, 0.35, 0.34, 0.53, 0.25, -0.4, 0.25, 0.25, 0.0, 0.4),
    ("horizontal_leaves_very_low_sun_vis", 0.05, 1.0, 0.2, 0.10, 0.05, 0.16, 0.001, 0.6, 0.15, 0.15, 0.0,
     0.8),
]
FIELDS = ["name", "mu", "elai", "esai", "rhol", "taul", "rhos", "taus", "xl", "albgrd", "albgri", "fcansno",
          "omega_sno"]
#: Intercepted-snow upscatter parameters (Tech Note table "Intercepted snow optical properties").
BETA_SNO = 0.5
BETA0_SNO = 0.5


def optics(c):
    """Two-stream parameters from the Tech Note's integral definitions (eqs 3.3-3.16, 3.5-3.7, 3.11-3.12)."""
    lsai = c["elai"] + c["esai"]
    wl, ws = c["elai"] / lsai, c["esai"] / lsai
    rho = c["rhol"] * wl + c["rhos"] * ws
    tau = c["taul"] * wl + c["taus"] * ws
    chi = min(max(c["xl"], -0.4), 0.6)
    if abs(chi) <= 0.01:
        chi = 0.01
    phi1 = 0.5 - 0.633 * chi - 0.33 * chi**2
    phi2 = 0.877 * (1 - 2 * phi1)

    def gfun(m):
        return phi1 + phi2 * m

    mu = c["mu"]
    k = gfun(mu) / mu
    mubar = quad(lambda m: m / gfun(m), 0, 1, epsabs=1e-13, epsrel=1e-12)[0]
    om_v = rho + tau
    a_s = om_v / 2 * quad(lambda m: m * gfun(mu) / (mu * gfun(m) + m * gfun(mu)), 0, 1,
                          epsabs=1e-13, epsrel=1e-12)[0]
    ob0_v = (1 + mubar * k) / (mubar * k) * a_s
    cos_theta = (1 + chi) / 2
    ob_v = 0.5 * (rho + tau + (rho - tau) * cos_theta**2)
    f, om_s = c["fcansno"], c["omega_sno"]
    omega = om_v * (1 - f) + om_s * f
    beta0 = (ob0_v * (1 - f) + om_s * BETA0_SNO * f) / omega
    beta = (ob_v * (1 - f) + om_s * BETA_SNO * f) / omega
    return dict(K=k, mubar=mubar, omega=omega, beta0=beta0, beta=beta, lsai=lsai, rho=rho, tau=tau)


def solve(p, agd, agi, direct, tol):
    """solve_bvp of eqs 3.1-3.2 plus the two depth integrals; returns the flux fractions."""
    k, mb, om, b0, be, lsai = p["K"], p["mubar"], p["omega"], p["beta0"], p["beta"], p["lsai"]
    a = 1 - (1 - be) * om
    src = 1.0 if direct else 0.0

    def rhs(x, y):
        up, dn = y[0], y[1]
        e = np.exp(-k * x)
        dup = (a * up - om * be * dn - src * om * mb * k * b0 * e) / mb
        ddn = -(a * dn - om * be * up - src * om * mb * k * (1 - b0) * e) / mb
        return np.vstack([dup, ddn, up + dn, e * (up + dn)])

    def bc(y0, y1):
        beam_bottom = math.exp(-k * lsai)
        if direct:
            return np.array([y0[1], y1[0] - agd * (y1[1] + beam_bottom), y0[2], y0[3]])
        return np.array([y0[1] - 1.0, y1[0] - agi * y1[1], y0[2], y0[3]])

    x = np.linspace(0.0, lsai, 401)
    y = np.zeros((4, x.size))
    sol = solve_bvp(rhs, bc, x, y, tol=tol, bc_tol=1e-13, max_nodes=200000)
    if not sol.success:
        raise RuntimeError(sol.message)
    y0, y1 = sol.y[:, 0], sol.y[:, -1]
    s2 = math.exp(-k * lsai)
    if direct:
        intercept = (1 - om) * ((1 - s2) + y1[2] / mb)
        sun = (1 - om) * ((1 - s2) + y1[3] / mb)
        resid = 1 - y0[0] - (1 - agd) * s2 - (1 - agi) * y1[1]
        return dict(albd=y0[0], ftid=y1[1], ftdd=s2, fabd_integral=intercept, fabd_sun=sun,
                    fabd=intercept + (agi - agd) * y1[1], closure=resid - intercept - (agi - agd) * y1[1],
                    nodes=sol.x.size, rms_residual=float(np.max(sol.rms_residuals)))
    intercept = (1 - om) * y1[2] / mb
    sun = (1 - om) * y1[3] / mb
    resid = 1 - y0[0] - (1 - agi) * y1[1]
    return dict(albi=y0[0], ftii=y1[1], fabi=intercept, fabi_sun=sun, closure=resid - intercept,
                nodes=sol.x.size, rms_residual=float(np.max(sol.rms_residuals)))


def reference_case(c, tol=1e-10):
    """All reference outputs of one case (dict)."""
    p = optics(c)
    d = solve(p, c["albgrd"], c["albgri"], True, tol)
    i = solve(p, c["albgrd"], c["albgri"], False, tol)
    kl = p["K"] * p["lsai"]
    out = dict(c)
    out.update(K=p["K"], mubar=p["mubar"], omega=p["omega"], beta0=p["beta0"], beta=p["beta"], rho=p["rho"],
               tau=p["tau"], lsai=p["lsai"],
               albd=d["albd"], fabd=d["fabd"], fabd_integral=d["fabd_integral"], fabd_sun=d["fabd_sun"],
               fabd_sha=d["fabd"] - d["fabd_sun"], ftdd=d["ftdd"], ftid=d["ftid"],
               albi=i["albi"], fabi=i["fabi"], fabi_sun=i["fabi_sun"], fabi_sha=i["fabi"] - i["fabi_sun"],
               ftii=i["ftii"], fsun=(1 - math.exp(-kl)) / kl,
               closure_direct=d["closure"], closure_diffuse=i["closure"], nodes=max(d["nodes"], i["nodes"]))
    return out


OUTPUTS = ["albd", "fabd", "fabd_sun", "fabd_sha", "ftdd", "ftid", "albi", "fabi", "fabi_sun", "fabi_sha",
           "ftii", "fsun"]


def main():
    rows = []
    for values in CASES:
        c = dict(zip(FIELDS, values, strict=True))
        r = reference_case(c, tol=1e-10)
        coarse = reference_case(c, tol=1e-7)
        r["solver_spread"] = max(abs(r[k] - coarse[k]) for k in OUTPUTS)
        assert abs(r["closure_direct"]) < 1e-9 and abs(r["closure_diffuse"]) < 1e-9, r
        rows.append(r)
        print(f"{r['name']:38s} albd {r['albd']:.6f} fabd {r['fabd']:.6f} albi {r['albi']:.6f} "
              f"fabi {r['fabi']:.6f} spread {r['solver_spread']:.1e}")
    meta = dict(tool="scipy.integrate.solve_bvp + scipy.integrate.quad", scipy=scipy.__version__,
                numpy=np.__version__, python=sys.version.split()[0], tol=1e-10, bc_tol=1e-13,
                source="CLM5.0 Tech Note Surface Albedos eqs 3.1-3.16; CTSM release-clm5.0 fdfc03a0 "
                       "SurfaceAlbedoMod.F90::TwoStream boundary conditions")
    (HERE / "reference.json").write_text(json.dumps(dict(meta=meta, cases=rows), indent=1) + "\n")


if __name__ == "__main__":
    main()
