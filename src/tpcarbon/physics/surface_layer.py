"""Surface layer and canopy turbulent exchange: CLM5's Monin–Obukhov scheme and the leaf Newton step.

Everything here restates CTSM ``release-clm5.0`` (the code wins over the Tech Note):

* ``FrictionVelocityMod.F90``: ``FrictionVelocity`` (u*, the profile factors of heat and vapour and
  their 2 m versions), ``StabilityFunc1/2`` (ψ_m, ψ_h for ζ < 0), ``MoninObukIni`` (first Obukhov length);
  the scheme of Zeng et al. (1998), with its matching branches for ζ < −1.574 (momentum) and ζ < −0.465
  (heat) and the stable (0 < ζ ≤ 1) and very stable (ζ > 1) forms.
* ``BareGroundFluxesMod.F90``: the fixed three-pass stability iteration over bare ground and the Zeng &
  Wang (2007) scalar roughness of soil/snow.
* ``CanopyFluxesMod.F90``: sparse-canopy roughness, canopy-air wind u_af, leaf boundary layer, the
  under-canopy resistance (``csoilc``/``csoilb`` blend of Zeng et al. 2005, optional Sakaguchi & Zeng 2009
  stability), dry-litter resistance, the conductance weights of heat and vapour, the canopy-air temperature
  and humidity, the Newton update of the leaf temperature with its 1 K limit and the fluxes it implies,
  the convergence test, and the 2 m diagnostics.
* ``SurfaceResistanceMod.F90``: the dry-surface-layer soil resistance of Swenson & Lawrence (2014), the
  CLM5 default (``soil_resis_method = 1``).

Every kernel is scalar (floats in, float or tuple of floats out). Names follow CLM's variables where
they help a reader hold the Fortran beside the Python (``wtl0``, ``wtgq0``, ``temp1``...). Constants are in
:mod:`tpcarbon.params.fixed` (block "Monin–Obukhov surface layer") and :mod:`tpcarbon.constants`.
"""

from __future__ import annotations

import math

from tpcarbon.constants import CPAIR, DENH2O, DENICE, EPS_H2O, GRAV, HVAP, STEFAN, VKC
from tpcarbon.params.fixed import (
    ALPHA_AERO,
    AVMUIR,
    CONV_BETA,
    CONV_EXP,
    CONV_ZII,
    CS_DENSE,
    DELMAX,
    DLEMIN,
    DSL_D0,
    DSL_DMAX,
    DSL_EFFPOR_MIN,
    DSL_FLOOR,
    DSL_FRAC,
    DSL_LIQ_MIN,
    DSL_MAX_MM,
    DSL_MM_PER_M,
    DSL_PSI_AIRDRY,
    DSL_R_MAX,
    DSL_R_MIN,
    DSL_T0,
    DSL_TEXP,
    DSL_TORT_BMIN,
    DTMIN,
    EFE_DAMP,
    FWET_EXP,
    ITMAX,
    ITMIN,
    LEAF_BL_COEF,
    LITTER_CD,
    LITTER_LAI,
    LITTER_Z,
    MO_RIB_CAP,
    MO_STABLE_BETA,
    MO_UM_MIN,
    MO_UNSTABLE_GAMMA,
    MO_VU_EXP,
    MO_VU_H_COEF,
    MO_VU_M_COEF,
    MO_WC_INIT,
    MO_ZETA_H,
    MO_ZETA_M,
    MO_ZETA_MIN_ABS,
    MO_ZETA_MIN_UNSTABLE,
    NMOZSGN_MAX,
    NU_AIR,
    REF2M_HEIGHT,
    THM_LAPSE,
    TLSAI_CRIT,
    UNDERCAN_RI_MAX,
    UNDERCAN_RIA,
    VIRTUAL_COEF,
    WIND_MIN,
    ZETAMAXSTABLE,
    ZW07_A,
    ZW07_EXP,
)
from tpcarbon.physics import kernel
from tpcarbon.physics.atmosphere import calc_desat_dt, calc_esat

# ============================================================================ stability functions


@kernel
def calc_psi_m_unstable(zeta):
    """Integrated stability function of momentum for unstable stratification, ψ_m(ζ), ζ < 0.

    .. math:: x = (1 - 16\\zeta)^{1/4},\\qquad
              \\psi_m = 2\\ln\\frac{1 + x}{2} + \\ln\\frac{1 + x^2}{2} - 2\\arctan x + \\frac{\\pi}{2}

    Parameters
    ----------
    zeta : float
        Dimensionless height ζ = (z − d)/L ≤ 0 [-].

    Returns
    -------
    float
        ψ_m [-] (0 at ζ = 0, positive for ζ < 0).

    References
    ----------
    Paulson (1970); Zeng et al. (1998). CLM5 Tech Note eq. 5.36 (ψ_m);
    ``FrictionVelocityMod.F90::StabilityFunc1``
    (release-clm5.0 l.735-756).

    Examples
    --------
    >>> round(calc_psi_m_unstable(-1.0), 6)
    1.116232
    """
    x2 = math.sqrt(1.0 - MO_UNSTABLE_GAMMA * zeta)
    x = math.sqrt(x2)
    return 2.0 * math.log((1.0 + x) / 2.0) + math.log((1.0 + x2) / 2.0) - 2.0 * math.atan(x) + math.pi / 2.0


@kernel
def calc_psi_h_unstable(zeta):
    """Integrated stability function of heat and vapour for unstable stratification, ψ_h(ζ), ζ < 0.

    .. math:: \\psi_h = 2\\ln\\frac{1 + (1 - 16\\zeta)^{1/2}}{2}

    Parameters
    ----------
    zeta : float
        Dimensionless height ζ ≤ 0 [-].

    Returns
    -------
    float
        ψ_h [-].

    References
    ----------
    Paulson (1970); CLM5 Tech Note eq. 5.45; ``FrictionVelocityMod.F90::StabilityFunc2`` (l.759-778).

    Examples
    --------
    >>> round(calc_psi_h_unstable(-1.0), 6)
    1.881227
    """
    return 2.0 * math.log((1.0 + math.sqrt(1.0 - MO_UNSTABLE_GAMMA * zeta)) / 2.0)


@kernel
def calc_profile_momentum(zldis, obu, z0m):
    """Stability-corrected log-profile factor of momentum, F_m = k u_m / u*, in CLM's four branches.

    With ζ = z/L (z = reference height above the displacement height):

    .. math::
       F_m = \\begin{cases}
       \\ln\\frac{-\\zeta_m L}{z_{0m}} - \\psi_m(-\\zeta_m) + \\psi_m(\\frac{z_{0m}}{L})
          + 1.14[(-\\zeta)^{0.333} - \\zeta_m^{0.333}] & \\zeta < -\\zeta_m = -1.574\\\\
       \\ln\\frac{z}{z_{0m}} - \\psi_m(\\zeta) + \\psi_m(\\frac{z_{0m}}{L}) & -\\zeta_m \\le \\zeta < 0\\\\
       \\ln\\frac{z}{z_{0m}} + 5\\zeta - 5\\frac{z_{0m}}{L} & 0 \\le \\zeta \\le 1\\\\
       \\ln\\frac{L}{z_{0m}} + 5 - 5\\frac{z_{0m}}{L} + (5\\ln\\zeta + \\zeta - 1) & \\zeta > 1
       \\end{cases}

    Parameters
    ----------
    zldis : float
        Reference height minus displacement height z − d [m].
    obu : float
        Obukhov length L [m] (≠ 0).
    z0m : float
        Roughness length of momentum [m].

    Returns
    -------
    float
        F_m [-] (→ ln(z/z0m) as |L| → ∞).

    References
    ----------
    Zeng et al. (1998); CLM5 Tech Note eqs 5.32-5.35; ``FrictionVelocityMod.F90::FrictionVelocity`` l.471-488.

    Examples
    --------
    >>> round(calc_profile_momentum(30.0, 1.0e9, 0.01), 6)   # neutral: ln(3000)
    8.006368
    """
    return _profile_momentum(zldis, obu, z0m, math.log(zldis / z0m))


@kernel
def _profile_momentum(zldis, obu, z0m, log_z):
    """:func:`calc_profile_momentum` with ``log_z`` = ln(zldis/z0m) given (constant within an iteration)."""
    zeta = zldis / obu
    if zeta < -MO_ZETA_M:
        return (math.log(-MO_ZETA_M * obu / z0m) - calc_psi_m_unstable(-MO_ZETA_M)
                + calc_psi_m_unstable(z0m / obu)
                + MO_VU_M_COEF * ((-zeta) ** MO_VU_EXP - MO_ZETA_M ** MO_VU_EXP))
    if zeta < 0.0:
        return log_z - calc_psi_m_unstable(zeta) + calc_psi_m_unstable(z0m / obu)
    if zeta <= 1.0:
        return log_z + MO_STABLE_BETA * zeta - MO_STABLE_BETA * z0m / obu
    return (math.log(obu / z0m) + MO_STABLE_BETA - MO_STABLE_BETA * z0m / obu
            + (MO_STABLE_BETA * math.log(zeta) + zeta - 1.0))


@kernel
def calc_profile_scalar(zldis, obu, z0h):
    """Stability-corrected log-profile factor of heat (or vapour), F_h = k/``temp1``, in CLM's four branches.

    .. math::
       F_h = \\begin{cases}
       \\ln\\frac{-\\zeta_h L}{z_{0h}} - \\psi_h(-\\zeta_h) + \\psi_h(\\frac{z_{0h}}{L})
          + 0.8[\\zeta_h^{-0.333} - (-\\zeta)^{-0.333}] & \\zeta < -\\zeta_h = -0.465\\\\
       \\ln\\frac{z}{z_{0h}} - \\psi_h(\\zeta) + \\psi_h(\\frac{z_{0h}}{L}) & -\\zeta_h \\le \\zeta < 0\\\\
       \\ln\\frac{z}{z_{0h}} + 5\\zeta - 5\\frac{z_{0h}}{L} & 0 \\le \\zeta \\le 1\\\\
       \\ln\\frac{L}{z_{0h}} + 5 - 5\\frac{z_{0h}}{L} + (5\\ln\\zeta + \\zeta - 1) & \\zeta > 1
       \\end{cases}

    Parameters
    ----------
    zldis : float
        Reference height of temperature (or humidity) minus displacement height [m].
    obu : float
        Obukhov length L [m].
    z0h : float
        Roughness length of heat (or vapour) [m].

    Returns
    -------
    float
        F_h [-].

    References
    ----------
    Zeng et al. (1998); CLM5 Tech Note eqs 5.37-5.40 (heat), 5.41-5.44 (vapour);
    ``FrictionVelocityMod.F90::FrictionVelocity`` l.570-587
    (the same form at 2 m, l.636-676).

    Examples
    --------
    >>> round(calc_profile_scalar(30.0, 50.0, 0.01), 6)
    11.005368
    """
    return _profile_scalar(zldis, obu, z0h, math.log(zldis / z0h))


@kernel
def _profile_scalar(zldis, obu, z0h, log_z):
    """:func:`calc_profile_scalar` with ``log_z`` = ln(zldis/z0h) given (constant within an iteration)."""
    zeta = zldis / obu
    if zeta < -MO_ZETA_H:
        return (math.log(-MO_ZETA_H * obu / z0h) - calc_psi_h_unstable(-MO_ZETA_H)
                + calc_psi_h_unstable(z0h / obu)
                + MO_VU_H_COEF * (MO_ZETA_H ** (-MO_VU_EXP) - (-zeta) ** (-MO_VU_EXP)))
    if zeta < 0.0:
        return log_z - calc_psi_h_unstable(zeta) + calc_psi_h_unstable(z0h / obu)
    if zeta <= 1.0:
        return log_z + MO_STABLE_BETA * zeta - MO_STABLE_BETA * z0h / obu
    return (math.log(obu / z0h) + MO_STABLE_BETA - MO_STABLE_BETA * z0h / obu
            + (MO_STABLE_BETA * math.log(zeta) + zeta - 1.0))


@kernel
def calc_friction_velocity_mo(um, obu, zldis_u, zldis_t, zldis_q, z0m, z0h, z0q):
    """Friction velocity and the heat/vapour profile factors at the reference and the 2 m heights.

    .. math:: u_* = \\frac{k\\,u_m}{F_m(z_u, L, z_{0m})},\\quad
              \\mathrm{temp1} = \\frac{k}{F_h(z_t, L, z_{0h})},\\quad
              \\mathrm{temp2} = \\frac{k}{F_h(z_q, L, z_{0q})}

    and ``temp12m`` = k/F_h(2 + z_0h, L, z_0h), ``temp22m`` = k/F_h(2 + z_0q, L, z_0q) (2 m above the
    roughness height, without displacement, as CLM has it).

    Parameters
    ----------
    um : float
        Wind speed including the convective velocity u_m [m s-1].
    obu : float
        Obukhov length L [m].
    zldis_u, zldis_t, zldis_q : float
        Reference heights of wind, temperature and humidity minus displacement height [m]
        (CLM ``forc_hgt_[utq]_patch − displa``).
    z0m, z0h, z0q : float
        Roughness lengths of momentum, heat and vapour [m].

    Returns
    -------
    (float, float, float, float, float)
        u* [m s-1]; temp1, temp2, temp12m, temp22m [-] (θ* = temp1 Δθ, q* = temp2 Δq; r_ah = 1/(temp1 u*)).

    References
    ----------
    CLM5 Tech Note eqs 5.32-5.44; ``FrictionVelocityMod.F90::FrictionVelocity`` l.372-732 (u* l.471-488,
    temp1 l.570-587, temp2 l.589-634, temp12m l.636-655, temp22m l.656-676).

    Examples
    --------
    >>> [round(x, 5) for x in calc_friction_velocity_mo(3.0, -50.0, 30.0, 30.0, 30.0, 0.01, 0.01, 0.01)]
    [0.16819, 0.06155, 0.06155, 0.07935, 0.07935]
    """
    ustar = VKC * um / calc_profile_momentum(zldis_u, obu, z0m)
    temp1 = VKC / calc_profile_scalar(zldis_t, obu, z0h)
    temp2 = VKC / calc_profile_scalar(zldis_q, obu, z0q)
    temp12m = VKC / calc_profile_scalar(REF2M_HEIGHT + z0h, obu, z0h)
    temp22m = VKC / calc_profile_scalar(REF2M_HEIGHT + z0q, obu, z0q)
    return ustar, temp1, temp2, temp12m, temp22m


@kernel
def calc_friction_velocity_one_height(um, obu, zldis, z0, log_z):
    """u* and temp1 (= temp2) of :func:`calc_friction_velocity_mo` when wind, temperature and humidity share one
    reference height and one roughness length (CLM's ``CanopyFluxes`` call), with ``log_z`` = ln(zldis/z0).

    Bit-identical to ``calc_friction_velocity_mo(um, obu, zldis, zldis, zldis, z0, z0, z0)[:2]``; the 2-m factors
    are needed only after the leaf iteration (:func:`calc_friction_velocity_2m`).

    Examples
    --------
    >>> import math
    >>> [round(x, 5) for x in calc_friction_velocity_one_height(3.0, -50.0, 30.0, 0.01, math.log(3000.0))]
    [0.16819, 0.06155]
    """
    return VKC * um / _profile_momentum(zldis, obu, z0, log_z), VKC / _profile_scalar(zldis, obu, z0, log_z)


@kernel
def calc_friction_velocity_2m(obu, z0h):
    """temp12m of :func:`calc_friction_velocity_mo`: k/F_h(2 + z0h, L, z0h) [-].

    Examples
    --------
    >>> round(calc_friction_velocity_2m(-50.0, 0.01), 5)
    0.07935
    """
    return VKC / calc_profile_scalar(REF2M_HEIGHT + z0h, obu, z0h)


@kernel
def calc_aerodynamic_resistances(ustar, um, temp1, temp2):
    """Aerodynamic resistances of momentum, heat and vapour between the surface (z0) and the reference height.

    .. math:: r_{am} = \\frac{u_m}{u_*^2},\\quad r_{ah} = \\frac{1}{\\mathrm{temp1}\\,u_*},\\quad
              r_{aw} = \\frac{1}{\\mathrm{temp2}\\,u_*}

    Parameters
    ----------
    ustar : float
        Friction velocity [m s-1].
    um : float
        Wind speed including the convective velocity [m s-1].
    temp1, temp2 : float
        Profile factors of heat and vapour [-] (:func:`calc_friction_velocity_mo`).

    Returns
    -------
    (float, float, float)
        r_am, r_ah, r_aw [s m-1].

    References
    ----------
    CLM5 Tech Note eqs 5.55-5.57; ``BareGroundFluxesMod.F90`` l.319-321; ``CanopyFluxesMod.F90`` l.780-782.

    Examples
    --------
    >>> [round(x, 3) for x in calc_aerodynamic_resistances(0.2, 3.0, 0.05, 0.05)]
    [75.0, 100.0, 100.0]
    """
    ram = 1.0 / (ustar * ustar / um)
    rah = 1.0 / (temp1 * ustar)
    raw = 1.0 / (temp2 * ustar)
    return ram, rah, raw


@kernel
def calc_virtual_potential_temperature(forc_th, forc_q):
    """Virtual potential temperature of the forcing air.

    .. math:: \\theta_v = \\theta_{atm}(1 + 0.61 q_{atm})

    Parameters
    ----------
    forc_th : float
        Potential temperature of the forcing air θ_atm [K].
    forc_q : float
        Specific humidity q_atm [kg kg-1].

    Returns
    -------
    float
        θ_v [K].

    References
    ----------
    ``CanopyTemperatureMod.F90`` l.393.

    Examples
    --------
    >>> round(calc_virtual_potential_temperature(280.0, 0.005), 3)
    280.854
    """
    return forc_th * (1.0 + VIRTUAL_COEF * forc_q)


@kernel
def calc_thm(forc_t, hgt_t_patch):
    """Potential temperature at the forcing height referred to the surface, CLM's ``thm``.

    .. math:: \\theta_m = T_{atm} + 0.0098\\, z_t

    Parameters
    ----------
    forc_t : float
        Air temperature at the forcing height [K].
    hgt_t_patch : float
        Patch temperature forcing height (forcing height + z0m + d) [m].

    Returns
    -------
    float
        θ_m [K].

    References
    ----------
    ``CanopyTemperatureMod.F90`` l.495.

    Examples
    --------
    >>> round(calc_thm(280.0, 30.0), 3)
    280.294
    """
    return forc_t + THM_LAPSE * hgt_t_patch


@kernel
def calc_forcing_height_patch(forc_hgt, z0m, displa):
    """Patch-level forcing height: the atmospheric forcing height counted from the patch's z0m + d.

    .. math:: z_{patch} = z_{atm} + z_{0m} + d

    Over bare or snow-buried ground CLM passes ``z0mg`` as z0m (and the patch ``displa``, 0 for bare soil).

    Parameters
    ----------
    forc_hgt : float
        Observational height of wind, temperature or humidity [m].
    z0m : float
        Momentum roughness length of the patch (vegetated) or the ground (no exposed vegetation) [m].
    displa : float
        Displacement height [m].

    Returns
    -------
    float
        Patch forcing height [m].

    References
    ----------
    ``CanopyTemperatureMod.F90`` l.458-473.

    Examples
    --------
    >>> calc_forcing_height_patch(30.0, 0.05, 0.5)
    30.55
    """
    return forc_hgt + z0m + displa


@kernel
def calc_obukhov_length_init(ur, thv, dthv, zldis, z0m):
    """CLM's first guess of the Obukhov length from the bulk Richardson number.

    .. math:: u_m = \\begin{cases}\\max(u_r, 0.1) & \\Delta\\theta_v \\ge 0\\\\
              \\sqrt{u_r^2 + 0.5^2} & \\text{else}\\end{cases},
              \\qquad Ri_b = \\frac{g z\\,\\Delta\\theta_v}{\\theta_v u_m^2}

    .. math:: \\zeta = \\begin{cases}
              \\mathrm{clamp}\\left(\\frac{Ri_b \\ln(z/z_{0m})}{1 - 5\\min(Ri_b, 0.19)},
              0.01, \\zeta_{max}\\right)
              & Ri_b \\ge 0\\\\
              \\mathrm{clamp}(Ri_b \\ln(z/z_{0m}), -100, -0.01) & Ri_b < 0 \\end{cases},\\qquad L = z/\\zeta

    Parameters
    ----------
    ur : float
        Wind speed at the reference height, max(|u|, 1) [m s-1].
    thv : float
        Virtual potential temperature of the air [K].
    dthv : float
        θ_v(air) − θ_v(surface) [K] (positive: stable).
    zldis : float
        Wind reference height minus displacement height [m].
    z0m : float
        Momentum roughness length [m].

    Returns
    -------
    (float, float)
        u_m [m s-1] and L [m].

    References
    ----------
    Zeng et al. (1998); CLM5 Tech Note eqs 5.46-5.48; ``FrictionVelocityMod.F90::MoninObukIni`` l.781-832 (ζ_max = ``zetamaxstable`` = 0.5).

    Examples
    --------
    >>> [round(x, 4) for x in calc_obukhov_length_init(3.0, 280.0, -2.0, 30.0, 0.01)]
    [3.0414, -16.4944]
    """
    if dthv >= 0.0:
        um = max(ur, MO_UM_MIN)
    else:
        um = math.sqrt(ur * ur + MO_WC_INIT * MO_WC_INIT)
    rib = GRAV * zldis * dthv / (thv * um * um)
    if rib >= 0.0:
        zeta = rib * math.log(zldis / z0m) / (1.0 - MO_STABLE_BETA * min(rib, MO_RIB_CAP))
        zeta = min(ZETAMAXSTABLE, max(zeta, MO_ZETA_MIN_ABS))
    else:
        zeta = rib * math.log(zldis / z0m)
        zeta = max(MO_ZETA_MIN_UNSTABLE, min(zeta, -MO_ZETA_MIN_ABS))
    return um, zldis / zeta


@kernel
def calc_obukhov_length_update(ustar, temp1, temp2, dth, dqh, forc_q, forc_th, thv, zldis, ur):
    """Scales θ*, q* and the new Obukhov length and wind after a flux evaluation (one CLM stability update).

    .. math:: \\theta_* = \\mathrm{temp1}\\,\\Delta\\theta,\\quad q_* = \\mathrm{temp2}\\,\\Delta q,\\quad
              \\theta_{v*} = \\theta_*(1 + 0.61 q) + 0.61\\,\\theta\\, q_*,\\quad
              \\zeta = \\frac{z\\,k\\,g\\,\\theta_{v*}}{u_*^2\\,\\theta_v}

    ζ ≥ 0: ζ ← clamp(ζ, 0.01, ζ_max), u_m = max(u_r, 0.1); ζ < 0: ζ ← clamp(ζ, −100, −0.01),
    w_c = β(−g u* θ_v* z_i/θ_v)^{0.333}, u_m = √(u_r² + w_c²); L = z/ζ.

    Parameters
    ----------
    ustar : float
        Friction velocity [m s-1].
    temp1, temp2 : float
        Profile factors of heat and vapour [-].
    dth : float
        θ_m − T_surface (CLM ``dth``: forcing-height minus surface/canopy-air temperature) [K].
    dqh : float
        q_atm − q_surface [kg kg-1].
    forc_q, forc_th : float
        Forcing specific humidity [kg kg-1] and potential temperature [K].
    thv : float
        Virtual potential temperature of the forcing air [K].
    zldis : float
        Wind reference height minus displacement height [m].
    ur : float
        Wind speed max(|u|, 1) [m s-1].

    Returns
    -------
    (float, float, float, float, float)
        L [m], u_m [m s-1], θ* [K], q* [kg kg-1], ζ [-] (clamped).

    References
    ----------
    Zeng et al. (1998); CLM5 Tech Note eqs 5.17, 5.28-5.29, 5.49-5.50; ``BareGroundFluxesMod.F90`` l.288-307;
    ``CanopyFluxesMod.F90`` l.1080-1098.

    Examples
    --------
    >>> [round(x, 4) for x in calc_obukhov_length_update(0.2, 0.05, 0.05, -2.0, -0.001, 0.005, 280.0, 280.85,
    ...                                                   30.0, 3.0)][:2]
    [-26.3128, 3.1358]
    """
    tstar = temp1 * dth
    qstar = temp2 * dqh
    thvstar = tstar * (1.0 + VIRTUAL_COEF * forc_q) + VIRTUAL_COEF * forc_th * qstar
    zeta = zldis * VKC * GRAV * thvstar / (ustar * ustar * thv)
    if zeta >= 0.0:
        zeta = min(ZETAMAXSTABLE, max(zeta, MO_ZETA_MIN_ABS))
        um = max(ur, MO_UM_MIN)
    else:
        zeta = max(MO_ZETA_MIN_UNSTABLE, min(zeta, -MO_ZETA_MIN_ABS))
        wc = CONV_BETA * (-GRAV * ustar * thvstar * CONV_ZII / thv) ** CONV_EXP
        um = math.sqrt(ur * ur + wc * wc)
    return zldis / zeta, um, tstar, qstar, zeta


@kernel
def calc_surface_layer_step(ur, um, obu, zldis_u, zldis_t, zldis_q, z0m, z0h, z0q, dth, dqh, forc_q, forc_th,
                            thv):
    """One CLM update of (u*, θ*, q*, L) for given surface–air differences of θ and q.

    ``FrictionVelocity`` at the current (L, u_m) gives u* and the profile factors; the scales θ*, q* and the
    new L, u_m follow from :func:`calc_obukhov_length_update`.

    .. math:: u_* = k u_m/F_m(L),\\ \\theta_* = k\\Delta\\theta/F_h(L),\\ q_* = k\\Delta q/F_q(L),\\
              L' = z/\\zeta(u_*, \\theta_*, q_*)

    Parameters
    ----------
    ur : float
        Wind speed max(|u|, 1) [m s-1].
    um : float
        Current wind including convective velocity [m s-1].
    obu : float
        Current Obukhov length [m].
    zldis_u, zldis_t, zldis_q : float
        Reference heights minus displacement height [m].
    z0m, z0h, z0q : float
        Roughness lengths [m].
    dth, dqh : float
        θ_m − T_s [K] and q_atm − q_s [kg kg-1].
    forc_q, forc_th, thv : float
        Forcing humidity [kg kg-1], potential temperature and virtual potential temperature [K].

    Returns
    -------
    (float, float, float, float, float, float, float, float, float)
        u* [m s-1], θ* [K], q* [kg kg-1], new L [m], new u_m [m s-1], temp1, temp2, temp12m, temp22m [-].

    References
    ----------
    ``FrictionVelocityMod.F90::FrictionVelocity``; ``BareGroundFluxesMod.F90`` l.278-308 (one pass).

    Examples
    --------
    >>> r = calc_surface_layer_step(3.0, 3.0, -50.0, 30.0, 30.0, 30.0, 0.01, 0.01, 0.01, -2.0, -0.001,
    ...                             0.005, 280.0, 280.85)
    >>> [round(x, 4) for x in r[:5]]
    [0.1682, -0.1231, -0.0001, -15.1171, 3.1389]
    """
    ustar, temp1, temp2, temp12m, temp22m = calc_friction_velocity_mo(um, obu, zldis_u, zldis_t, zldis_q,
                                                                      z0m, z0h, z0q)
    obu_new, um_new, tstar, qstar, _ = calc_obukhov_length_update(ustar, temp1, temp2, dth, dqh, forc_q,
                                                                  forc_th, thv, zldis_u, ur)
    return ustar, tstar, qstar, obu_new, um_new, temp1, temp2, temp12m, temp22m


@kernel
def calc_z0h_zeng_wang(z0mg, ustar):
    """Scalar roughness of bare soil or snow from the roughness Reynolds number (Zeng & Wang 2007).

    .. math:: z_{0h} = z_{0q} = \\frac{z_{0m}}{\\exp[0.13\\,(u_* z_{0m}/\\nu)^{0.45}]},\\quad
              \\nu = 1.5\\times10^{-5}

    Parameters
    ----------
    z0mg : float
        Momentum roughness of the ground (``zlnd`` 0.01 m, ``zsno`` 0.0024 m) [m].
    ustar : float
        Friction velocity [m s-1].

    Returns
    -------
    float
        z_0h [m].

    References
    ----------
    Zeng & Wang (2007) J. Hydrometeorol. 8:730; CLM5 Tech Note eq. 5.82; ``BareGroundFluxesMod.F90`` l.293.

    Examples
    --------
    >>> round(calc_z0h_zeng_wang(0.01, 0.3), 6)
    0.00244
    """
    return z0mg / math.exp(ZW07_A * (ustar * z0mg / NU_AIR) ** ZW07_EXP)


@kernel
def calc_t_ref2m(thm, dth, temp1, temp12m):
    """2 m air temperature diagnostic.

    .. math:: T_{2m} = \\theta_m + \\mathrm{temp1}\\,\\Delta\\theta\\left(\\frac{1}{\\mathrm{temp12m}}
              - \\frac{1}{\\mathrm{temp1}}\\right)

    Parameters
    ----------
    thm : float
        Forcing-height potential temperature θ_m [K].
    dth : float
        θ_m − T_s (ground, or canopy air) [K].
    temp1, temp12m : float
        Profile factors at the forcing height and at 2 m [-].

    Returns
    -------
    float
        T_2m [K].

    References
    ----------
    CLM5 Tech Note eq. 5.58; ``BareGroundFluxesMod.F90`` l.378; ``CanopyFluxesMod.F90`` l.1182.

    Examples
    --------
    >>> round(calc_t_ref2m(280.0, -2.0, 0.05, 0.07), 4)
    280.5714
    """
    return thm + temp1 * dth * (1.0 / temp12m - 1.0 / temp1)


@kernel
def calc_q_ref2m(forc_q, dqh, temp2, temp22m):
    """2 m specific humidity diagnostic.

    .. math:: q_{2m} = q_{atm} + \\mathrm{temp2}\\,\\Delta q\\left(\\frac{1}{\\mathrm{temp22m}}
              - \\frac{1}{\\mathrm{temp2}}\\right)

    Parameters
    ----------
    forc_q : float
        Forcing specific humidity [kg kg-1].
    dqh : float
        q_atm − q_s [kg kg-1].
    temp2, temp22m : float
        Vapour profile factors at the forcing height and at 2 m [-].

    Returns
    -------
    float
        q_2m [kg kg-1].

    References
    ----------
    CLM5 Tech Note eq. 5.59; ``BareGroundFluxesMod.F90`` l.380; ``CanopyFluxesMod.F90`` l.1187.

    Examples
    --------
    >>> round(calc_q_ref2m(0.005, -0.001, 0.05, 0.07), 6)
    0.005286
    """
    return forc_q + temp2 * dqh * (1.0 / temp22m - 1.0 / temp2)


@kernel
def calc_bare_ground_surface_layer(wind, forc_t, forc_th, forc_q, t_grnd, qg, hgt_u, hgt_t, hgt_q, z0mg,
                                   n_iter):
    """Stability iteration over ground without exposed vegetation, as ``BareGroundFluxes`` does it.

    Order (CLM5): θ_m = T + 0.0098 z_t; Δθ = θ_m − T_g and Δq = q − q_g are fixed; (u_m, L) from
    :func:`calc_obukhov_length_init` with z0mg; then ``n_iter`` passes of [u*, temp1, temp2 from
    :func:`calc_friction_velocity_mo` with (z0mg, z0hg, z0qg); z0hg = z0qg ← Zeng–Wang(u*); new (L, u_m)].
    The first pass uses z0hg = z0qg = z0mg. CLM uses ``n_iter`` = ``BARE_NITERS`` = 3, without a convergence
    test.

    Parameters
    ----------
    wind : float
        Forcing wind speed √(u² + v²) [m s-1] (u_r = max(wind, 1)).
    forc_t, forc_th, forc_q : float
        Forcing temperature [K], potential temperature [K] and specific humidity [kg kg-1].
    t_grnd, qg : float
        Ground temperature [K] and ground specific humidity [kg kg-1].
    hgt_u, hgt_t, hgt_q : float
        Patch forcing heights (forcing height + z0mg + d) [m] (:func:`calc_forcing_height_patch`); d = 0 here.
    z0mg : float
        Ground momentum roughness [m].
    n_iter : int
        Number of passes (CLM: 3).

    Returns
    -------
    (float, float, float, float, float, float, float, float, float)
        u* [m s-1], r_am, r_ah, r_aw [s m-1], L [m], u_m [m s-1], T_2m [K], q_2m [kg kg-1], z0hg [m]
        (the z0hg after the last pass; the resistances use the one before it, as in CLM).

    References
    ----------
    CLM5 Tech Note §5.2 "Sensible and latent heat fluxes for non-vegetated surfaces";
    ``BareGroundFluxesMod.F90`` l.248-381.

    Examples
    --------
    >>> r = calc_bare_ground_surface_layer(3.0, 280.0, 281.0, 0.004, 285.0, 0.006, 30.01, 30.01, 30.01,
    ...                                    0.01, 3)
    >>> [round(x, 3) for x in r[:4]]
    [0.208, 75.703, 78.183, 78.183]
    """
    ur = max(wind, WIND_MIN)
    thm = calc_thm(forc_t, hgt_t)
    thv = calc_virtual_potential_temperature(forc_th, forc_q)
    dth = thm - t_grnd
    dqh = forc_q - qg
    dthv = dth * (1.0 + VIRTUAL_COEF * forc_q) + VIRTUAL_COEF * forc_th * dqh
    zldis = hgt_u
    um, obu = calc_obukhov_length_init(ur, thv, dthv, zldis, z0mg)
    z0hg = z0mg
    z0qg = z0mg
    ustar = temp1 = temp2 = temp12m = temp22m = 0.0
    for _ in range(n_iter):
        ustar, temp1, temp2, temp12m, temp22m = calc_friction_velocity_mo(um, obu, zldis, hgt_t, hgt_q, z0mg,
                                                                          z0hg, z0qg)
        z0hg = calc_z0h_zeng_wang(z0mg, ustar)
        z0qg = z0hg
        obu, um, _, _, _ = calc_obukhov_length_update(ustar, temp1, temp2, dth, dqh, forc_q, forc_th, thv,
                                                      zldis, ur)
    ram, rah, raw = calc_aerodynamic_resistances(ustar, um, temp1, temp2)
    t2 = calc_t_ref2m(thm, dth, temp1, temp12m)
    q2 = calc_q_ref2m(forc_q, dqh, temp2, temp22m)
    return ustar, ram, rah, raw, obu, um, t2, q2, z0hg


# ============================================================================ canopy-level pieces


@kernel
def calc_canopy_roughness_sparse(elai, esai, z0m, displa, z0mg):
    """Roughness and displacement of a sparse canopy, blended toward the ground (X. Zeng).

    .. math:: L_t = \\min(L + S, 2),\\quad e = \\frac{1 - \\alpha e^{-L_t}}{1 - \\alpha e^{-2}},\\quad
              d' = e\\,d,\\quad z_{0mv}' = \\exp[e \\ln z_{0m} + (1 - e)\\ln z_{0mg}]

    (z_0hv = z_0qv = z_0mv'; α = ``alpha_aero`` = 1, 2 = ``tlsai_crit``.)

    Parameters
    ----------
    elai, esai : float
        Exposed leaf and stem area index [m2 m-2].
    z0m : float
        z0mr·htop of the patch [m].
    displa : float
        displar·htop of the patch [m].
    z0mg : float
        Ground momentum roughness [m].

    Returns
    -------
    (float, float)
        z_0mv' [m] and d' [m].

    References
    ----------
    CLM5 Tech Note §5.3 (eqs 5.125-5.127 "vegetation roughness"); ``CanopyFluxesMod.F90`` l.667-677.

    Examples
    --------
    >>> [round(x, 5) for x in calc_canopy_roughness_sparse(0.5, 0.1, 0.06, 0.33, 0.01)]
    [0.02547, 0.1722]
    """
    lt = min(elai + esai, TLSAI_CRIT)
    egvf = (1.0 - ALPHA_AERO * math.exp(-lt)) / (1.0 - ALPHA_AERO * math.exp(-TLSAI_CRIT))
    return math.exp(egvf * math.log(z0m) + (1.0 - egvf) * math.log(z0mg)), egvf * displa


@kernel
def calc_canopy_air_wind(um, ram):
    """Wind speed in the canopy air space, CLM's ``uaf``.

    .. math:: u_{af} = u_m\\sqrt{\\frac{1}{r_{am} u_m}}\\ (= u_*)

    Parameters
    ----------
    um : float
        Wind including convective velocity [m s-1].
    ram : float
        Aerodynamic resistance of momentum u_m/u*² [s m-1].

    Returns
    -------
    float
        u_af [m s-1].

    References
    ----------
    CLM5 Tech Note eq. 5.117; ``CanopyFluxesMod.F90`` l.786.

    Examples
    --------
    >>> round(calc_canopy_air_wind(3.0, 75.0), 6)
    0.2
    """
    return um * math.sqrt(1.0 / (ram * um))


@kernel
def calc_undercanopy_resistance(uaf, z0mg, elai, esai, htop, taf, t_grnd, use_stability):
    """Aerodynamic resistance between the ground and the canopy air, r_ah' = r_aw'.

    Bare-soil transfer coefficient (Zeng & Wang 2007 roughness Reynolds number) blended with the
    dense-canopy value ``csoilc`` by the canopy gap W = exp(−(L+S)) (Zeng et al. 2005):

    .. math:: C_{s,bare} = \\frac{k}{0.13\\,(z_{0mg} u_{af}/\\nu)^{0.45}},\\quad
              C_s = C_{s,bare} W + C_{s,dense}(1 - W),\\quad r_{ah}' = \\frac{1}{C_s u_{af}}

    With ``use_stability`` and T_af > T_g: C_s,dense ← C_s,dense/(1 + γ min(S, 10)),
    S = g h_top (T_af − T_g)/(T_af u_af²), γ = 0.5 (Sakaguchi & Zeng 2009; off in CLM5 by default).

    Parameters
    ----------
    uaf : float
        Canopy-air wind [m s-1].
    z0mg : float
        Ground momentum roughness [m].
    elai, esai : float
        Exposed leaf and stem area index [m2 m-2].
    htop : float
        Canopy top height [m].
    taf, t_grnd : float
        Canopy-air and ground temperature [K].
    use_stability : bool
        CLM namelist ``use_undercanopy_stability`` (CLM5 default False).

    Returns
    -------
    (float, float)
        r_ah' [s m-1] and the blended coefficient C_s [-].

    References
    ----------
    Zeng et al. (2005) J. Clim. 18:5103; Sakaguchi & Zeng (2009) JGR 114:D01107;
    CLM5 Tech Note eqs 5.116, 5.118-5.121;
    ``CanopyFluxesMod.F90`` l.800-828; ``clm_varcon.F90`` ``csoilc`` = 0.004 (l.115).

    Examples
    --------
    >>> [round(x, 4) for x in calc_undercanopy_resistance(0.3, 0.01, 2.0, 0.5, 0.5, 280.0, 281.0, False)]
    [123.6945, 0.0269]
    """
    w = calc_canopy_gap(elai, esai)
    csoilc = CS_DENSE
    if use_stability and (taf - t_grnd) > 0.0:
        ri = GRAV * htop * (taf - t_grnd) / (taf * uaf * uaf)
        csoilc = CS_DENSE / (1.0 + UNDERCAN_RIA * min(ri, UNDERCAN_RI_MAX))
    return _undercanopy_resistance(uaf, z0mg, w, csoilc)


@kernel
def calc_canopy_gap(elai, esai):
    """Canopy gap fraction W = exp(−(L + S)) of the under-canopy transfer coefficient [-].

    Examples
    --------
    >>> round(calc_canopy_gap(2.0, 0.5), 6)
    0.082085
    """
    return math.exp(-(elai + esai))


@kernel
def _undercanopy_resistance(uaf, z0mg, w, csoilc):
    """:func:`calc_undercanopy_resistance` with the gap W and the dense-canopy coefficient given."""
    csoilb = VKC / (ZW07_A * (z0mg * uaf / NU_AIR) ** ZW07_EXP)
    csoilcn = csoilb * w + csoilc * (1.0 - w)
    return 1.0 / (csoilcn * uaf), csoilcn


@kernel
def calc_litter_resistance(snow_depth, uaf):
    """Resistance of the dry plant-litter layer to ground evaporation (used in CLM5 only for dew, or with β).

    .. math:: L_{dl} = 0.5\\,[1 - \\min(z_{sno}/0.05, 1)],\\qquad
              r_{dl} = \\frac{1 - e^{-L_{dl}}}{0.004\\,u_{af}}

    Parameters
    ----------
    snow_depth : float
        Snow depth [m].
    uaf : float
        Canopy-air wind [m s-1].

    Returns
    -------
    float
        r_dl [s m-1].

    References
    ----------
    Sakaguchi & Zeng (2009) (not written out in the CLM5 Tech Note); ``CanopyFluxesMod.F90`` l.962-967.

    Examples
    --------
    >>> round(calc_litter_resistance(0.0, 0.3), 3)
    327.891
    """
    return _litter_resistance(calc_litter_opacity(snow_depth), uaf)


@kernel
def _litter_resistance(opacity, uaf):
    """:func:`calc_litter_resistance` with 1 − exp(−L_dl) (:func:`calc_litter_opacity`) given."""
    return opacity / (LITTER_CD * uaf)


@kernel
def calc_litter_opacity(snow_depth):
    """1 − exp(−L_dl), the numerator of :func:`calc_litter_resistance` (constant within the leaf iteration).

    Examples
    --------
    >>> round(calc_litter_opacity(0.0), 6)
    0.393469
    """
    elai_dl = LITTER_LAI * (1.0 - min(snow_depth / LITTER_Z, 1.0))
    return 1.0 - math.exp(-elai_dl)


@kernel
def calc_ground_vapour_conductance(raw2, rdl, soilresis, soilbeta, delq, use_dsl):
    """Conductance of vapour from the ground to the canopy air, CLM's ``wtgq``.

    .. math:: c_g^w = \\begin{cases}1/(r_{aw}' + r_{dl}) & \\Delta q < 0 \\text{ (dew: no soil limit)}\\\\
              1/(r_{aw}' + r_{soil}) & \\text{DSL (CLM5 default)}\\\\
              \\beta_{soil}/(r_{aw}' + r_{dl}) & \\text{Lee \\& Pielke } \\beta \\end{cases}

    Δq = ``delq`` = q_g − q_af (as CLM's ``delq`` of the previous pass). The DSL branch omits r_dl, as
    the CLM5 code does.

    Parameters
    ----------
    raw2 : float
        Under-canopy resistance r_aw' [s m-1].
    rdl : float
        Litter resistance [s m-1].
    soilresis : float
        Soil evaporation resistance (:func:`calc_soil_resistance_dsl`) [s m-1].
    soilbeta : float
        Lee & Pielke (1992) β [-] (used when ``use_dsl`` is False).
    delq : float
        Ground minus canopy-air humidity [kg kg-1].
    use_dsl : bool
        CLM ``soil_resis_method = 1`` (Swenson & Lawrence 2014; the CLM5 default).

    Returns
    -------
    float
        c_g^w [m s-1].

    References
    ----------
    CLM5 Tech Note eqs 5.103, 5.110; ``CanopyFluxesMod.F90`` l.969-979.

    Examples
    --------
    >>> round(calc_ground_vapour_conductance(500.0, 300.0, 100.0, 0.5, 0.001, True), 6)
    0.001667
    """
    if delq < 0.0:
        return 1.0 / (raw2 + rdl)
    if use_dsl:
        return 1.0 / (raw2 + soilresis)
    return soilbeta / (raw2 + rdl)


@kernel
def calc_canopy_wet_dry_fractions(h2ocan, elai, esai, dewmx, fwet_max):
    """Wet fraction of the canopy and green dry fraction of the leaves.

    .. math:: f_{wet} = \\min\\left[\\left(\\frac{W_{can}}{dewmx\\,(L+S)}\\right)^{2/3}, f_{wet,max}\\right]
              \\ (W_{can} > 0),\\qquad f_{dry} = (1 - f_{wet})\\frac{L}{L+S}

    Parameters
    ----------
    h2ocan : float
        Canopy water W_can [kg m-2].
    elai, esai : float
        Exposed leaf and stem area index (L + S > 0) [m2 m-2].
    dewmx : float
        Maximum dew per unit L+S [kg m-2] (CLM 0.1; ``DEWMX``).
    fwet_max : float
        ``maximum_leaf_wetted_fraction`` (CLM5 0.05; ``FWET_MAX``).

    Returns
    -------
    (float, float)
        f_wet, f_dry [-].

    References
    ----------
    CLM5 Tech Note eqs 7.21-7.22; ``CanopyHydrologyMod.F90::FracWet`` l.716-735 (exponent 0.666666666666).

    Examples
    --------
    >>> [round(x, 4) for x in calc_canopy_wet_dry_fractions(0.01, 2.0, 0.5, 0.1, 1.0)]
    [0.117, 0.7064]
    """
    vegt = elai + esai
    fwet = 0.0
    if h2ocan > 0.0:
        fwet = min((h2ocan / (dewmx * vegt)) ** FWET_EXP, fwet_max)
    return fwet, (1.0 - fwet) * elai / vegt


@kernel
def calc_rppdry(fdry, rb, laisun, laisha, rssun, rssha, elai):
    """Fraction of the leaf potential evaporation that is transpiration (dry leaves through stomata).

    .. math:: r''_{dry} = \\frac{f_{dry}\\,r_b}{L}\\left(\\frac{L_{sun}}{r_b + r_{s,sun}}
              + \\frac{L_{sha}}{r_b + r_{s,sha}}\\right)

    Parameters
    ----------
    fdry : float
        Green dry fraction of the leaves [-].
    rb : float
        Leaf boundary-layer resistance [s m-1].
    laisun, laisha : float
        Sunlit and shaded leaf area index [m2 m-2].
    rssun, rssha : float
        Sunlit and shaded stomatal resistance [s m-1].
    elai : float
        Exposed LAI [m2 m-2].

    Returns
    -------
    float
        r''_dry [-] (0 when f_dry = 0).

    References
    ----------
    CLM5 Tech Note eq. 5.113; ``CanopyFluxesMod.F90`` l.906-911.

    Examples
    --------
    >>> round(calc_rppdry(0.8, 20.0, 1.0, 2.0, 200.0, 400.0, 3.0), 6)
    0.049639
    """
    if fdry > 0.0:
        return fdry * rb * (laisun / (rb + rssun) + laisha / (rb + rssha)) / elai
    return 0.0


@kernel
def calc_leaf_evaporation_fraction(efpot, rppdry, fwet, btran, h2ocan, dtime, tran_phs, use_phs):
    """Fraction r'' of the leaf potential evaporation that occurs, and the transpiration it implies.

    E_pot = ρ c_l (q_sat(T_v) − q_af) (``efpot``). For E_pot > 0:
    r'' = r''_dry + f_wet if β_t > 0 else f_wet; r'' ← min(r'', (E_tr + W_can/Δt)/E_pot); E_tr = r''_dry E_pot
    (β_t > 0; without plant hydraulics) or E_tr from plant hydraulics. For E_pot ≤ 0: r'' = 1, E_tr = 0
    (without plant hydraulics).

    Parameters
    ----------
    efpot : float
        Leaf potential evaporation [kg m-2 s-1].
    rppdry : float
        Transpiring fraction r''_dry [-] (:func:`calc_rppdry`).
    fwet : float
        Wet fraction of the canopy [-].
    btran : float
        Transpiration wetness factor β_t [-].
    h2ocan : float
        Canopy water [kg m-2].
    dtime : float
        Time step [s].
    tran_phs : float
        Transpiration from plant hydraulics [kg m-2 s-1] (used only when ``use_phs``).
    use_phs : bool
        CLM ``use_hydrstress`` (CLM5 default True; tpcarbon uses β_t, so False).

    Returns
    -------
    (float, float)
        r'' [-] and E_tr [kg m-2 s-1].

    References
    ----------
    CLM5 Tech Note eqs 5.111-5.113, 5.139; ``CanopyFluxesMod.F90`` l.922-952.

    Examples
    --------
    >>> [round(x, 8) for x in calc_leaf_evaporation_fraction(1.0e-4, 0.05, 0.1, 0.8, 0.0, 1800.0, 0.0, False)]
    [0.05, 5e-06]
    """
    if use_phs:
        tran = tran_phs
        if efpot > 0.0:
            rpp = rppdry + fwet if btran > 0.0 else fwet
            rpp = min(rpp, (tran + h2ocan / dtime) / efpot)
        else:
            rpp = 1.0
        return rpp, tran
    if efpot > 0.0:
        if btran > 0.0:
            tran = efpot * rppdry
            rpp = rppdry + fwet
        else:
            tran = 0.0
            rpp = fwet
        rpp = min(rpp, (tran + h2ocan / dtime) / efpot)
        return rpp, tran
    return 1.0, 0.0


@kernel
def calc_conductance_weights(ca, cl, cg):
    """Normalised weights of the air, leaf and ground conductances (sensible or latent).

    .. math:: w_a = \\frac{c_a}{c_a + c_l + c_g},\\ w_l = \\frac{c_l}{\\cdot},\\ w_g = \\frac{c_g}{\\cdot},
              \\qquad
              w_{ga} = w_a + w_g,\\ w_{al} = w_a + w_l

    Heat: c_a = 1/r_ah, c_l = (L+S)/r_b, c_g = 1/r_ah'; vapour: c_a = 1/r_aw, c_l = (L+S) r''/r_b,
    c_g = c_g^w.

    Parameters
    ----------
    ca, cl, cg : float
        Conductances of air (canopy air → reference height), leaf and ground [m s-1].

    Returns
    -------
    (float, float, float, float, float)
        w_a, w_l, w_g, w_ga, w_al [-] (CLM ``wta0, wtl0, wtg0, wtga, wtal`` /
        ``wtaq0, wtlq0, wtgq0, wtgaq, wtalq``).

    References
    ----------
    CLM5 Tech Note eqs 5.93-5.96, 5.107-5.110; ``CanopyFluxesMod.F90`` l.889-903 (heat), l.981-990 (vapour).

    Examples
    --------
    >>> [round(x, 4) for x in calc_conductance_weights(0.02, 0.1, 0.002)]
    [0.1639, 0.8197, 0.0164, 0.1803, 0.9836]
    """
    inv = 1.0 / (ca + cl + cg)
    wa = ca * inv
    wl = cl * inv
    wg = cg * inv
    return wa, wl, wg, wa + wg, wa + wl


@kernel
def calc_canopy_air_state(t_grnd, thm, t_veg, qsatl, qg, forc_q, wta, wtl, wtg, wtaq, wtlq, wtgq):
    """Canopy-air temperature and humidity as conductance-weighted means, and the differences CLM carries.

    .. math:: T_{af} = \\frac{c_a^h\\theta_m + c_l^h T_v + c_g^h T_g}{c_a^h + c_l^h + c_g^h},\\qquad
              q_{af} = \\frac{c_a^w q_{atm} + c_l^w q_{sat}(T_v) + c_g^w q_g}{c_a^w + c_l^w + c_g^w}

    Parameters
    ----------
    t_grnd, thm, t_veg : float
        Ground temperature, forcing potential temperature θ_m and leaf temperature [K].
    qsatl, qg, forc_q : float
        q_sat at T_v, ground and forcing humidity [kg kg-1].
    wta, wtl, wtg : float
        Heat conductances of air, leaf, ground [m s-1] (1/r_ah, (L+S)/r_b, 1/r_ah').
    wtaq, wtlq, wtgq : float
        Vapour conductances of air, leaf, ground [m s-1] (1/r_aw, (L+S) r''/r_b, c_g^w).

    Returns
    -------
    (float, float, float, float, float)
        T_af [K], q_af [kg kg-1], Δθ = θ_m − T_af [K], Δq = q_atm − q_af, ``delq`` = q_g − q_af [kg kg-1].

    References
    ----------
    CLM5 Tech Note eqs 5.93 (T_af = T_s), 5.107 (q_af = q_s); ``CanopyFluxesMod.F90`` l.1074-1080.

    Examples
    --------
    >>> r = calc_canopy_air_state(280.0, 278.0, 279.0, 0.006, 0.005, 0.004, 0.02, 0.1, 0.002, 0.02, 0.01,
    ...                           0.001)
    >>> [round(x, 4) for x in r[:2]]
    [278.8525, 0.0047]
    """
    wta0, wtl0, wtg0, _, _ = calc_conductance_weights(wta, wtl, wtg)
    wtaq0, wtlq0, wtgq0, _, wtalq = calc_conductance_weights(wtaq, wtlq, wtgq)
    taf = wtg0 * t_grnd + wta0 * thm + wtl0 * t_veg
    qaf = wtlq0 * qsatl + wtgq0 * qg + forc_q * wtaq0
    delq = wtalq * qg - wtlq0 * qsatl - wtaq0 * forc_q
    return taf, qaf, thm - taf, forc_q - qaf, delq


@kernel
def calc_vegetation_emissivity(elai, esai):
    """Longwave emissivity (absorptance) of the vegetation layer.

    .. math:: \\varepsilon_v = 1 - \\exp[-(L + S)/\\bar\\mu_{ir}],\\quad \\bar\\mu_{ir} = 1

    Parameters
    ----------
    elai, esai : float
        Exposed leaf and stem area index [m2 m-2].

    Returns
    -------
    float
        ε_v [-].

    References
    ----------
    CLM5 Tech Note eq. 4.20; ``CanopyTemperatureMod.F90`` l.447-448.

    Examples
    --------
    >>> round(calc_vegetation_emissivity(2.0, 0.5), 4)
    0.9179
    """
    return 1.0 - math.exp(-(elai + esai) / AVMUIR)


@kernel
def calc_canopy_longwave_coefficients(emv, emg, forc_lwrad):
    """Coefficients of the longwave absorbed by the vegetation, L_v = a + b T_v⁴ + c Σ f_i T_i⁴.

    .. math:: a = \\varepsilon_v[1 + (1-\\varepsilon_v)(1-\\varepsilon_g)]L_\\downarrow,\\quad
              b = -[2 - \\varepsilon_v(1-\\varepsilon_g)]\\varepsilon_v\\sigma,\\quad
              c = \\varepsilon_v\\varepsilon_g\\sigma

    Parameters
    ----------
    emv, emg : float
        Vegetation and ground emissivity [-].
    forc_lwrad : float
        Downward longwave at the reference height [W m-2].

    Returns
    -------
    (float, float, float)
        a [W m-2], b, c [W m-2 K-4] (CLM ``air, bir, cir``).

    References
    ----------
    CLM5 Tech Note eq. 4.18 (net longwave of vegetation); ``CanopyFluxesMod.F90`` l.689-691.

    Examples
    --------
    >>> [round(x, 12) for x in calc_canopy_longwave_coefficients(0.9, 0.96, 300.0)]
    [271.08, -1.00223e-07, 4.8989e-08]
    """
    air = emv * (1.0 + (1.0 - emv) * (1.0 - emg)) * forc_lwrad
    bir = -(2.0 - emv * (1.0 - emg)) * emv * STEFAN
    cir = emv * emg * STEFAN
    return air, bir, cir


@kernel
def calc_leaf_temperature_step(t_veg, qsatl, qsatldt, sabv, air, bir, cir, lw_grnd4, rho, wta, wtl, wtg, wtaq,
                               wtlq, wtgq, thm, t_grnd, qg, forc_q, efeb, rpp, rppdry, btran, h2ocan, dtime,
                               tran_phs, use_phs):
    """One Newton update of the leaf temperature and the leaf fluxes CLM derives from it.

    With the heat weights w (``wtga`` = w_a + w_g ...) and vapour weights w^q of
    :func:`calc_conductance_weights`,
    c_1 = ρ c_p c_l^h (``dc1``) and c_2 = λ ρ c_l^w (``dc2``):

    .. math:: H_v = c_1(w_{ga}T_v - w_g T_g - w_a\\theta_m),\\qquad
              \\lambda E_v = c_2(w^q_{ga} q_{sat}(T_v) - w^q_g q_g - w^q_a q_{atm})

    (λE_v ← 0.1 λE_v when its sign differs from the previous pass ``efeb``), and

    .. math:: \\Delta T_v = \\frac{S_v + a + b T_v^4 + c\\,\\Sigma f_i T_i^4 - H_v - \\lambda E_v}
              {-4 b T_v^3 + c_1 w_{ga} + c_2 w^q_{ga}\\,dq_{sat}/dT}

    limited to |ΔT_v| ≤ 1 K (the energy imbalance of a limited step, ``err``, goes into H_v). Then
    E_pot = ρ c_l^h [w^q_ga (q_sat + q_sat' ΔT) − w^q_g q_g − w^q_a q_atm], E_v = r'' E_pot, E_tr (as in
    :func:`calc_leaf_evaporation_fraction`), interception excess e_cidif = max(0, E_v − E_tr − W_can/Δt)
    removed from E_v and added (×λ) to H_v:

    .. math:: H_v' = H_v + c_1 w_{ga}\\Delta T_v + \\mathrm{err} + \\mathrm{erre} + \\lambda e_{cidif}

    so that S_v + L_v − H_v' − λE_v' = 0 holds with L_v = a + b T_v^3(T_v + 4ΔT_v) + c Σ f_i T_i⁴.

    Parameters
    ----------
    t_veg : float
        Leaf temperature before the update T_v [K] (CLM ``tlbef``).
    qsatl, qsatldt : float
        q_sat(T_v) [kg kg-1] and dq_sat/dT [kg kg-1 K-1].
    sabv : float
        Solar radiation absorbed by the vegetation [W m-2].
    air, bir, cir : float
        Longwave coefficients (:func:`calc_canopy_longwave_coefficients`).
    lw_grnd4 : float
        Σ f_i T_i⁴ of the ground surfaces (snow, soil, surface water fractions) [K4].
    rho : float
        Air density [kg m-3].
    wta, wtl, wtg : float
        Heat conductances of air, leaf (L+S)/r_b, ground [m s-1].
    wtaq, wtlq, wtgq : float
        Vapour conductances of air, leaf (L+S) r''/r_b, ground [m s-1].
    thm, t_grnd : float
        θ_m and ground temperature [K].
    qg, forc_q : float
        Ground and forcing humidity [kg kg-1].
    efeb : float
        λE_v of the previous pass [W m-2] (0 before CLM's third pass).
    rpp, rppdry : float
        r'' and r''_dry [-].
    btran : float
        Transpiration wetness factor [-].
    h2ocan : float
        Canopy water [kg m-2].
    dtime : float
        Time step [s].
    tran_phs : float
        Transpiration from plant hydraulics [kg m-2 s-1] (when ``use_phs``).
    use_phs : bool
        Plant hydraulics on (CLM ``use_hydrstress``).

    Returns
    -------
    (float, float, float, float, float, float, float, float)
        ΔT_v [K] (limited), |ΔT_v| before the limit [K] (CLM ``del``), H_v' [W m-2], E_v' [kg m-2 s-1]
        (``qflx_evap_veg``), E_tr [kg m-2 s-1] (``qflx_tran_veg``), λE_v used in the step [W m-2] (``efe``,
        the next pass's ``efeb``), L_v [W m-2] (net longwave absorbed by the vegetation), err [W m-2].

    References
    ----------
    CLM5 Tech Note eqs 5.128-5.135, 5.138-5.139; ``CanopyFluxesMod.F90`` l.992-1063.

    Examples
    --------
    >>> r = calc_leaf_temperature_step(285.0, 0.0103, 6.6e-4, 300.0, 290.0, -1.0e-7, 4.9e-8, 2.0e10, 1.2,
    ...                                0.02, 0.2, 0.002, 0.02, 0.01, 0.001, 283.0, 284.0, 0.008, 0.006,
    ...                                0.0, 0.05, 0.05, 1.0, 0.0, 1800.0, 0.0, False)
    >>> [round(x, 4) for x in r[:3]]
    [1.0, 16.7299, 802.0862]
    """
    wta0, wtl0, wtg0, wtga, _ = calc_conductance_weights(wta, wtl, wtg)
    wtaq0, wtlq0, wtgq0, wtgaq, _ = calc_conductance_weights(wtaq, wtlq, wtgq)
    dc1 = rho * CPAIR * wtl
    dc2 = HVAP * rho * wtlq
    efsh = dc1 * (wtga * t_veg - wtg0 * t_grnd - wta0 * thm)
    efe = dc2 * (wtgaq * qsatl - wtgq0 * qg - wtaq0 * forc_q)
    erre = 0.0
    if efe * efeb < 0.0:
        efeold = efe
        efe = EFE_DAMP * efeold
        erre = efe - efeold
    tv3 = t_veg * t_veg * t_veg
    dt_veg = ((sabv + air + bir * tv3 * t_veg + cir * lw_grnd4 - efsh - efe)
              / (-4.0 * bir * tv3 + dc1 * wtga + dc2 * wtgaq * qsatldt))
    dels = dt_veg
    del_abs = abs(dels)
    err = 0.0
    if del_abs > DELMAX:
        dt_veg = DELMAX * dels / del_abs
        err = (sabv + air + bir * tv3 * (t_veg + 4.0 * dt_veg) + cir * lw_grnd4
               - (efsh + dc1 * wtga * dt_veg) - (efe + dc2 * wtgaq * qsatldt * dt_veg))
    efpot = rho * wtl * (wtgaq * (qsatl + qsatldt * dt_veg) - wtgq0 * qg - wtaq0 * forc_q)
    evap = rpp * efpot
    if use_phs:
        tran = tran_phs
    elif efpot > 0.0 and btran > 0.0:
        tran = efpot * rppdry
    else:
        tran = 0.0
    ecidif = max(0.0, evap - tran - h2ocan / dtime)
    evap = min(evap, tran + h2ocan / dtime)
    sh = efsh + dc1 * wtga * dt_veg + err + erre + HVAP * ecidif
    lwnet = air + bir * tv3 * (t_veg + 4.0 * dt_veg) + cir * lw_grnd4
    return dt_veg, del_abs, sh, evap, tran, efe, lwnet, err


@kernel
def calc_leaf_iteration_converged(itlef, del_now, del_prev, efe, efeb):
    """CLM's convergence test of the leaf-temperature iteration, with its bookkeeping of ``efeb``.

    After pass ``itlef`` (counted from 1) and only if itlef > ``itmin`` = 2:
    converged ⇔ max(|ΔT_v|, |ΔT_v|_prev) < 0.01 K and |λE_v − λE_v,prev| < 0.1 W m-2; λE_v,prev ← λE_v.
    Before that, ``efeb`` stays (0 at the start), so the sign damping of λE_v cannot act in the first
    three passes.

    Parameters
    ----------
    itlef : int
        Number of completed passes (CLM ``itlef`` after its increment).
    del_now, del_prev : float
        |ΔT_v| of this and of the previous pass [K] (CLM ``del``, ``del2``).
    efe, efeb : float
        λE_v of this pass and the stored previous value [W m-2].

    Returns
    -------
    (bool, float)
        Converged; the new ``efeb`` [W m-2].

    References
    ----------
    ``CanopyFluxesMod.F90`` l.1105-1124 (``dtmin`` = 0.01 K, ``dlemin`` = 0.1 W m-2, ``itmin`` = 2); the loop
    runs
    while itlef ≤ ``itmax`` = 40, hence at most 41 passes (l.755).

    Examples
    --------
    >>> calc_leaf_iteration_converged(3, 0.005, 0.008, 100.0, 100.05)
    (True, 100.0)
    """
    if itlef > ITMIN:
        dele = abs(efe - efeb)
        det = max(del_now, del_prev)
        return (det < DTMIN and dele < DLEMIN), efe
    return False, efeb


@kernel
def calc_obukhov_sign_guard(obu, obuold, nmozsgn, zldis):
    """CLM's guard against oscillation of the stability regime within the leaf iteration.

    Count sign changes of L between passes; from the 4th on, fix L = z/(−0.01) (weakly unstable).

    Parameters
    ----------
    obu, obuold : float
        New and previous Obukhov length [m] (``obuold`` = 0 at the start).
    nmozsgn : int
        Sign changes so far.
    zldis : float
        Wind reference height minus displacement height [m].

    Returns
    -------
    (float, int)
        L [m] and the updated count.

    References
    ----------
    ``CanopyFluxesMod.F90`` l.1100-1102.

    Examples
    --------
    >>> calc_obukhov_sign_guard(50.0, -40.0, 3, 30.0)
    (-3000.0, 4)
    """
    if obuold * obu < 0.0:
        nmozsgn += 1
    if nmozsgn >= NMOZSGN_MAX:
        obu = zldis / (-MO_ZETA_MIN_ABS)
    return obu, nmozsgn


@kernel
def calc_canopy_longwave_fluxes(forc_lwrad, emv, emg, tlbef, dt_veg, lw_grnd4):
    """Downward longwave below the canopy and upward longwave above it, after the leaf iteration.

    .. math:: L_{\\downarrow,g} = (1-\\varepsilon_v)\\varepsilon_g L_\\downarrow
              + \\varepsilon_v\\varepsilon_g\\sigma T_v^3(T_v + 4\\Delta T_v)

    .. math:: L_\\uparrow = (1-\\varepsilon_g)(1-\\varepsilon_v)^2 L_\\downarrow
              + \\varepsilon_v[1 + (1-\\varepsilon_g)(1-\\varepsilon_v)]\\sigma T_v^3(T_v + 4\\Delta T_v)
              + \\varepsilon_g(1-\\varepsilon_v)\\sigma\\Sigma f_i T_i^4

    (T_v = ``tlbef``, the temperature before the last update.)

    Parameters
    ----------
    forc_lwrad : float
        Atmospheric longwave [W m-2].
    emv, emg : float
        Vegetation and ground emissivity [-].
    tlbef : float
        Leaf temperature before the last Newton step [K].
    dt_veg : float
        Last (limited) ΔT_v [K].
    lw_grnd4 : float
        Σ f_i T_i⁴ of the ground [K4].

    Returns
    -------
    (float, float)
        ``dlrad`` (absorbed by the ground from below-canopy downward longwave) and ``ulrad`` [W m-2].

    References
    ----------
    CLM5 Tech Note eqs 4.14, 4.16; ``CanopyFluxesMod.F90`` l.1231-1241.

    Examples
    --------
    >>> [round(x, 3) for x in calc_canopy_longwave_fluxes(300.0, 0.9, 0.96, 280.0, 0.0, 280.0 ** 4)]
    [329.913, 348.491]
    """
    lw_v = STEFAN * tlbef * tlbef * tlbef * (tlbef + 4.0 * dt_veg)
    dlrad = (1.0 - emv) * emg * forc_lwrad + emv * emg * lw_v
    ulrad = ((1.0 - emg) * (1.0 - emv) * (1.0 - emv) * forc_lwrad
             + emv * (1.0 + (1.0 - emg) * (1.0 - emv)) * lw_v + emg * (1.0 - emv) * STEFAN * lw_grnd4)
    return dlrad, ulrad


@kernel
def calc_ground_fluxes_under_canopy(t_grnd, t_veg, thm, qg, qsatl, forc_q, dqgdt, rho, wta, wtl, wtg, wtaq,
                                    wtlq, wtgq):
    """Sensible heat and evaporation from the ground into the canopy air, and their T_g derivatives.

    .. math:: H_g = \\rho c_p c_g^h (T_g - T_{af}),\\quad E_g = \\rho c_g^w (q_g - q_{af}),\\quad
              \\frac{\\partial H_g}{\\partial T_g} = \\rho c_p c_g^h (w_a + w_l),\\quad
              \\frac{\\partial E_g}{\\partial T_g} = \\rho c_g^w (w^q_a + w^q_l)\\frac{dq_g}{dT_g}

    Parameters
    ----------
    t_grnd, t_veg, thm : float
        Ground, leaf and forcing potential temperature [K].
    qg, qsatl, forc_q : float
        Ground humidity, q_sat(T_v) and forcing humidity [kg kg-1].
    dqgdt : float
        dq_g/dT_g [kg kg-1 K-1].
    rho : float
        Air density [kg m-3].
    wta, wtl, wtg, wtaq, wtlq, wtgq : float
        Heat and vapour conductances [m s-1] (as in :func:`calc_canopy_air_state`).

    Returns
    -------
    (float, float, float, float)
        H_g [W m-2] (``eflx_sh_grnd``), E_g [kg m-2 s-1] (``qflx_evap_soi``), ``cgrnds`` [W m-2 K-1],
        ``cgrndl`` [kg m-2 s-1 K-1].

    References
    ----------
    CLM5 Tech Note eqs 5.98, 5.115, 5.123-5.124; ``CanopyFluxesMod.F90`` l.1156-1166, 1250-1251.

    Examples
    --------
    >>> r = calc_ground_fluxes_under_canopy(280.0, 279.0, 278.0, 0.005, 0.006, 0.004, 3.0e-4, 1.2, 0.02, 0.1,
    ...                                     0.002, 0.02, 0.01, 0.001)
    >>> [round(x, 4) for x in r[:2]]
    [2.7669, 0.0]
    """
    wta0, wtl0, _, _, wtal = calc_conductance_weights(wta, wtl, wtg)
    wtaq0, wtlq0, _, _, wtalq = calc_conductance_weights(wtaq, wtlq, wtgq)
    delt = wtal * t_grnd - wtl0 * t_veg - wta0 * thm
    delq = wtalq * qg - wtlq0 * qsatl - wtaq0 * forc_q
    return (CPAIR * rho * wtg * delt, rho * wtgq * delq, CPAIR * rho * wtg * wtal,
            rho * wtgq * wtalq * dqgdt)


# ============================================================================ soil evaporation resistance


@kernel
def calc_soil_resistance_dsl(h2osoi_liq, h2osoi_ice, dz, watsat, sucsat, bsw, t_soil):
    """Soil evaporation resistance through a dry surface layer (Swenson & Lawrence 2014), CLM5's default.

    .. math:: \\theta_{air} = \\theta_s\\left(\\frac{\\psi_s}{10^7}\\right)^{1/b},\\quad
              \\varepsilon = \\theta_s - \\theta_{air},\\quad
              D_0 = 2.12\\times10^{-5}\\left(\\frac{T}{273.15}\\right)^{1.75},\\quad
              D_g = \\varepsilon D_0\\left(\\frac{\\varepsilon}{\\theta_s}\\right)^{3/\\max(3, b)}

    .. math:: d_{sl} = \\mathrm{clamp}\\left(15\\,\\frac{\\max(0.001, 0.8\\theta_{eff} - \\theta_{liq})}
              {\\max(0.001, 0.8\\theta_s - \\theta_{air})}, 0, 200\\right)\\ \\mathrm{mm},\\qquad
              r_{soil} = \\min\\left(\\frac{d_{sl}}{D_g\\,\\varepsilon\\,10^3} + 20, 10^6\\right)

    with θ_liq = max(w_liq, 1e-6)/(ρ_w Δz) and θ_eff = max(0.01, θ_s − min(θ_s, w_ice/(ρ_i Δz))).
    The code differs from the Tech Note (eqs 5.77, 5.79), and the code is followed: the numerator is floored at
    0.001 (so d_sl never reaches 0), θ_init = 0.8 θ_eff uses the ice-reduced porosity while the denominator uses
    θ_s, and the tortuosity exponent is 3/max(3, b) instead of 3/b.

    Parameters
    ----------
    h2osoi_liq, h2osoi_ice : float
        Liquid and ice water of the top soil layer [kg m-2].
    dz : float
        Thickness of the top soil layer [m].
    watsat : float
        Porosity θ_s [m3 m-3].
    sucsat : float
        Saturated suction ψ_s (positive) [mm].
    bsw : float
        Clapp–Hornberger b [-].
    t_soil : float
        Temperature of the top soil layer [K].

    Returns
    -------
    (float, float)
        d_sl [mm] and r_soil [s m-1].

    References
    ----------
    Swenson & Lawrence (2014) JGR 119:10299; CLM5 Tech Note eqs 5.76-5.81;
    ``SurfaceResistanceMod.F90::calc_soil_resistance_sl14`` (release-clm5.0 l.307-396, formulas l.361-382).

    Examples
    --------
    >>> [round(x, 3) for x in calc_soil_resistance_dsl(2.0, 0.0, 0.02, 0.45, 200.0, 6.0, 290.0)]
    [13.643, 4508.701]
    """
    vwc_liq = max(h2osoi_liq, DSL_LIQ_MIN) / (dz * DENH2O)
    eff_por = max(DSL_EFFPOR_MIN, watsat - min(watsat, h2osoi_ice / (dz * DENICE)))
    aird = watsat * (sucsat / DSL_PSI_AIRDRY) ** (1.0 / bsw)
    d0 = DSL_D0 * (t_soil / DSL_T0) ** DSL_TEXP
    eps = watsat - aird
    dg = eps * d0 * (eps / watsat) ** (DSL_TORT_BMIN / max(DSL_TORT_BMIN, bsw))
    dsl = DSL_DMAX * max(DSL_FLOOR, DSL_FRAC * eff_por - vwc_liq) / max(DSL_FLOOR, DSL_FRAC * watsat - aird)
    dsl = min(max(dsl, 0.0), DSL_MAX_MM)
    rsoil = min(DSL_R_MAX, dsl / (dg * eps * DSL_MM_PER_M) + DSL_R_MIN)
    return dsl, rsoil


# ============================================================================ reference assembly of the loop


@kernel
def _qsat_and_derivative(tk, pres):
    """q_sat and dq_sat/dT from tpcarbon's e_s (Murray 1967; departure from CLM ``QSatMod``)."""
    es = calc_esat(tk)
    den = pres - (1.0 - EPS_H2O) * es
    return EPS_H2O * es / den, EPS_H2O * pres / (den * den) * calc_desat_dt(tk)


@kernel
def calc_canopy_fluxes_fixed_rs(wind, forc_t, forc_th, forc_q, forc_pbot, forc_rho, forc_lwrad, hgt_u, hgt_t,
                                hgt_q, elai, esai, htop, z0mr, displar, dleaf, t_grnd, qg, dqgdt, z0mg, emg,
                                lw_grnd4, soilresis, snow_depth, sabv, t_veg0, fwet, fdry, h2ocan, btran,
                                laisun, laisha, rssun, rssha, dtime):
    """CLM5's leaf-temperature iteration assembled from this module's kernels, with fixed stomatal resistance.

    The order of ``CanopyFluxes`` (release-clm5.0 l.667-1124): sparse-canopy z0m, d; longwave coefficients;
    q_sat(T_v); T_af = (T_g + θ_m)/2, q_af = (q + q_g)/2; MoninObukIni; then passes of
    [``FrictionVelocity`` → r_am, r_ah, r_aw → u_af, r_b, r_ah' = r_aw' → (photosynthesis: here r_s fixed) →
    heat conductances → r''_dry, E_pot, r'', E_tr → vapour conductances (litter, DSL) → Newton step of T_v
    (≤ 1 K) → E_v, E_tr, H_v → q_sat(T_v) → T_af, q_af → θ*, q*, L, u_m → sign guard → convergence test]
    until converged (after ≥ 3 passes) or 41 passes. In CLM, photosynthesis is recomputed in every pass
    with the current T_v and canopy-air vapour pressure; the lead wires it in where this assembly keeps
    ``rssun``, ``rssha`` fixed.

    Parameters
    ----------
    wind : float
        Forcing wind speed [m s-1].
    forc_t, forc_th, forc_q : float
        Forcing temperature [K], potential temperature [K], specific humidity [kg kg-1].
    forc_pbot, forc_rho, forc_lwrad : float
        Pressure [Pa], air density [kg m-3], downward longwave [W m-2].
    hgt_u, hgt_t, hgt_q : float
        Observational heights of wind, temperature, humidity [m].
    elai, esai, htop : float
        Exposed LAI, SAI [m2 m-2] and canopy top height [m].
    z0mr, displar, dleaf : float
        PFT roughness and displacement ratios [-] and leaf dimension [m].
    t_grnd, qg, dqgdt : float
        Ground temperature [K], humidity [kg kg-1] and dq_g/dT [kg kg-1 K-1].
    z0mg, emg, lw_grnd4 : float
        Ground roughness [m], emissivity [-] and Σ f_i T_i⁴ [K4].
    soilresis, snow_depth : float
        Soil evaporation resistance [s m-1] and snow depth [m].
    sabv : float
        Solar radiation absorbed by the vegetation [W m-2].
    t_veg0 : float
        Leaf temperature of the previous time step [K].
    fwet, fdry, h2ocan : float
        Wet and dry fractions [-] and canopy water [kg m-2].
    btran, laisun, laisha, rssun, rssha : float
        Wetness factor [-], sunlit/shaded LAI [m2 m-2] and stomatal resistances [s m-1].
    dtime : float
        Time step [s].

    Returns
    -------
    (float, float, float, float, float, float, float, float, float, float, float, int, float)
        T_v [K], H_v [W m-2], E_v [kg m-2 s-1], E_tr [kg m-2 s-1], H_g [W m-2], E_g [kg m-2 s-1], T_af [K],
        q_af [kg kg-1], u* [m s-1], L [m], T_2m [K], passes, leaf energy balance error [W m-2]
        (CLM's post-loop ``err``).

    References
    ----------
    CLM5 Tech Note §5.3 "Sensible and latent heat fluxes and temperature for vegetated surfaces" (eqs 5.86-5.139);
    ``CanopyFluxesMod.F90::CanopyFluxes`` l.667-1200.

    Examples
    --------
    >>> r = calc_canopy_fluxes_fixed_rs(3.0, 283.0, 284.0, 0.006, 85000.0, 1.04, 300.0, 30.0, 30.0, 30.0, 2.0,
    ...                                 0.5, 0.5, 0.12, 0.68, 0.04, 285.0, 0.0075, 4.5e-4, 0.01, 0.96,
    ...                                 285.0 ** 4, 150.0, 0.0, 250.0, 284.0, 0.0, 0.8, 0.0, 0.9, 0.8, 1.2,
    ...                                 150.0, 400.0, 1800.0)
    >>> round(r[0], 2), r[11] <= 41, abs(r[12]) < 1e-6
    (287.07, True, True)
    """
    z0m = z0mr * htop
    displa0 = displar * htop
    hu = calc_forcing_height_patch(hgt_u, z0m, displa0)
    ht = calc_forcing_height_patch(hgt_t, z0m, displa0)
    hq = calc_forcing_height_patch(hgt_q, z0m, displa0)
    thm = calc_thm(forc_t, ht)
    thv = calc_virtual_potential_temperature(forc_th, forc_q)
    z0mv, displa = calc_canopy_roughness_sparse(elai, esai, z0m, displa0, z0mg)
    lsai = elai + esai
    emv = calc_vegetation_emissivity(elai, esai)
    air, bir, cir = calc_canopy_longwave_coefficients(emv, emg, forc_lwrad)
    t_veg = t_veg0
    qsatl, qsatldt = _qsat_and_derivative(t_veg, forc_pbot)
    taf = (t_grnd + thm) / 2.0
    qaf = (forc_q + qg) / 2.0
    ur = max(wind, WIND_MIN)
    dth = thm - taf
    dqh = forc_q - qaf
    delq = qg - qaf
    dthv = dth * (1.0 + VIRTUAL_COEF * forc_q) + VIRTUAL_COEF * forc_th * dqh
    zldis = hu - displa
    um, obu = calc_obukhov_length_init(ur, thv, dthv, zldis, z0mv)
    itlef = 0
    del_now = 0.0
    efeb = 0.0
    obuold = 0.0
    nmozsgn = 0
    ustar = temp1 = temp12m = 0.0
    wta = wtl = wtg = wtaq = wtlq = wtgq = 0.0
    dt_veg = tlbef = sh = ev = tran = 0.0
    while itlef <= ITMAX:
        ustar, temp1, temp2, temp12m, _ = calc_friction_velocity_mo(um, obu, zldis, ht - displa, hq - displa,
                                                                    z0mv, z0mv, z0mv)
        tlbef = t_veg
        del_prev = del_now
        ram, rah1, raw1 = calc_aerodynamic_resistances(ustar, um, temp1, temp2)
        uaf = calc_canopy_air_wind(um, ram)
        rb = 1.0 / (LEAF_BL_COEF * math.sqrt(uaf / dleaf))
        rah2, _ = calc_undercanopy_resistance(uaf, z0mg, elai, esai, htop, taf, t_grnd, False)
        wta = 1.0 / rah1
        wtl = lsai / rb
        wtg = 1.0 / rah2
        rppdry = calc_rppdry(fdry, rb, laisun, laisha, rssun, rssha, elai)
        efpot = forc_rho * wtl * (qsatl - qaf)
        rpp, _ = calc_leaf_evaporation_fraction(efpot, rppdry, fwet, btran, h2ocan, dtime, 0.0, False)
        wtaq = 1.0 / raw1
        wtlq = lsai / rb * rpp
        rdl = calc_litter_resistance(snow_depth, uaf)
        wtgq = calc_ground_vapour_conductance(rah2, rdl, soilresis, 1.0, delq, True)
        dt_veg, del_now, sh, ev, tran, efe, _, _ = calc_leaf_temperature_step(
            tlbef, qsatl, qsatldt, sabv, air, bir, cir, lw_grnd4, forc_rho, wta, wtl, wtg, wtaq, wtlq, wtgq,
            thm, t_grnd, qg, forc_q, efeb, rpp, rppdry, btran, h2ocan, dtime, 0.0, False)
        t_veg = tlbef + dt_veg
        qsatl, qsatldt = _qsat_and_derivative(t_veg, forc_pbot)
        taf, qaf, dth, dqh, delq = calc_canopy_air_state(t_grnd, thm, t_veg, qsatl, qg, forc_q, wta, wtl, wtg,
                                                         wtaq, wtlq, wtgq)
        obu, um, _, _, _ = calc_obukhov_length_update(ustar, temp1, temp2, dth, dqh, forc_q, forc_th, thv,
                                                      zldis, ur)
        obu, nmozsgn = calc_obukhov_sign_guard(obu, obuold, nmozsgn, zldis)
        obuold = obu
        itlef += 1
        converged, efeb = calc_leaf_iteration_converged(itlef, del_now, del_prev, efe, efeb)
        if converged:
            break
    hg, eg, _, _ = calc_ground_fluxes_under_canopy(t_grnd, t_veg, thm, qg, qsatl, forc_q, dqgdt, forc_rho,
                                                   wta, wtl, wtg, wtaq, wtlq, wtgq)
    err = (sabv + air + bir * tlbef * tlbef * tlbef * (tlbef + 4.0 * dt_veg) + cir * lw_grnd4 - sh
           - HVAP * ev)
    t2m = calc_t_ref2m(thm, dth, temp1, temp12m)
    return t_veg, sh, ev, tran, hg, eg, taf, qaf, ustar, obu, t2m, itlef, err
