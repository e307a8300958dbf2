"""Time-invariant column properties derived once from the ``Domain`` and the parameters.

Soil hydraulic and thermal properties per layer (spec §6.2-§6.3), root profiles per
patch (Jackson 1996, spec §1.10), texture terms of the cascade (spec §5.3), AD
latitude factors (spec §5.7), depth scalars (spec §5.4) and the maximum daylength.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tpcarbon.params.fixed import SOIL_COLOR_DEFAULT
from tpcarbon.params.pft import Params
from tpcarbon.params.vertical import DZ, NLEVSOI, ZI, Z
from tpcarbon.physics.soil_bgc import calc_ad_latitude_factor, calc_depth_scalar, calc_texture_t
from tpcarbon.physics.soil_thermal import calc_soil_solids
from tpcarbon.physics.soil_water import calc_hydraulic_properties
from tpcarbon.physics.solar import calc_daylength, calc_declination
from tpcarbon.surface.domain import Domain


class Columns(NamedTuple):
    """Static per-cell data (float64 unless noted)."""

    lat: np.ndarray          # (ncell,) degrees
    lon: np.ndarray          # (ncell,) degrees
    pft: np.ndarray          # (ncell, npatch) int64
    frac: np.ndarray         # (ncell, npatch)
    watsat: np.ndarray       # (ncell, NLEVSOI) m3 m-3
    bsw: np.ndarray          # (ncell, NLEVSOI) -
    sucsat: np.ndarray       # (ncell, NLEVSOI) mm
    hksat: np.ndarray        # (ncell, NLEVSOI) mm s-1
    tksol: np.ndarray        # (ncell, NLEVSOI) W m-1 K-1
    tkdry: np.ndarray        # (ncell, NLEVSOI) W m-1 K-1
    csol: np.ndarray         # (ncell, NLEVSOI) J m-3 K-1
    texture_t: np.ndarray    # (ncell,) respired fraction of S1 decay
    f13: np.ndarray          # (ncell,) S1 -> S3 path fraction
    ad_lat: np.ndarray       # (ncell,) AD latitude multiplier
    dayl_max: np.ndarray     # (ncell,) s
    rootfr_w: np.ndarray     # (ncell, npatch, NLEVSOI) water root fractions
    rootfr_c: np.ndarray     # (ncell, npatch, NLEVSOI) carbon root fractions
    fdepth: np.ndarray       # (NLEVSOI,) depth scalar of decomposition
    soil_color: np.ndarray   # (ncell,) int64 CLM soil colour class (1-20) of the soil albedo


def jackson_root_fractions(beta: float, nlev: int = NLEVSOI) -> np.ndarray:
    """Jackson et al. (1996) root fractions per layer, normalised above bedrock.

    .. math:: r_j = \\beta^{100 z_{h,j-1}} - \\beta^{100 z_{h,j}}

    Examples
    --------
    >>> r = jackson_root_fractions(0.914)
    >>> round(float(r.sum()), 12), round(float(r[0]), 4)
    (1.0, 0.1646)
    """
    zi = np.concatenate([[0.0], ZI[:nlev]])
    r = beta ** (100.0 * zi[:-1]) - beta ** (100.0 * zi[1:])
    return r / r.sum()


def build_columns(domain: Domain, params: Params) -> Columns:
    """Derive the static column data of every cell of ``domain``."""
    n = domain.ncell
    pft = domain.pft_index.astype(np.int64)
    frac = domain.pft_frac.astype(np.float64)
    props = np.zeros((7, n, NLEVSOI))
    om_frac = np.clip(domain.organic / params.scalar.organic_max, 0.0, 1.0)
    for c in range(n):
        for j in range(NLEVSOI):
            ws, b, psi, k = calc_hydraulic_properties(domain.sand[c], domain.clay[c], om_frac[c, j], Z[j])
            tks, tkd, cs = calc_soil_solids(domain.sand[c], domain.clay[c], om_frac[c, j], ws)
            props[:, c, j] = (ws, b, psi, k, tks, tkd, cs)
    tex = np.array([calc_texture_t(s) for s in domain.sand])
    beta_w = params.pft.rootbeta_water
    beta_c = params.pft.rootbeta_carbon
    rw = np.zeros((n, pft.shape[1], NLEVSOI))
    rc = np.zeros_like(rw)
    for i in np.unique(pft):
        sel = pft == i
        rw[sel] = jackson_root_fractions(beta_w[i])
        rc[sel] = jackson_root_fractions(beta_c[i])
    lat = domain.lat.astype(np.float64)
    decl_max = max(calc_declination(float(d)) for d in np.arange(150.0, 200.0, 0.25))
    dayl_max = np.array([calc_daylength(la, decl_max) for la in lat])
    fdepth = np.array([calc_depth_scalar(z, params.scalar.decomp_depth_efolding) for z in Z[:NLEVSOI]])
    return Columns(
        lat=lat, lon=domain.lon.astype(np.float64), pft=pft, frac=frac,
        watsat=props[0], bsw=props[1], sucsat=props[2], hksat=props[3], tksol=props[4], tkdry=props[5],
        csol=props[6], texture_t=tex[:, 0].copy(), f13=tex[:, 1].copy(),
        ad_lat=np.array([calc_ad_latitude_factor(la) for la in lat]), dayl_max=dayl_max,
        rootfr_w=rw, rootfr_c=rc, fdepth=fdepth,
        soil_color=(np.full(n, SOIL_COLOR_DEFAULT, dtype=np.int64) if domain.soil_color is None
                    else np.asarray(domain.soil_color, dtype=np.int64)),
    )


#: Soil layer geometry for the kernels (copies so numba sees plain arrays).
LAYER_DZ = np.array(DZ, dtype=np.float64)
LAYER_Z = np.array(Z, dtype=np.float64)
LAYER_ZI = np.array(ZI, dtype=np.float64)
