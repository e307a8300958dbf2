"""Solar geometry: declination, zenith angle, interval-mean cosine of the zenith, daylength.

Sources: Spencer (1971) for declination, eccentricity and equation of time (a
departure from CLM's orbital routine ``shr_orb_mod``, |Δδ| < 0.035°); CLM5
daylength formula (spec §3, ``DaylengthMod.F90``); CDEPS ``coszen`` time
interpolation of shortwave (spec §7.1, ``dshr_strdata_mod.F90``).
"""

from __future__ import annotations

import math

from tpcarbon.params.fixed import DAYL_COEF, SPENCER_DECL, SPENCER_ECC, SPENCER_EOT
from tpcarbon.physics import kernel

_TWO_PI = 2.0 * math.pi


@kernel
def calc_day_angle(calday):
    """Day angle Γ of a (fractional, 1-based) day of year.

    .. math:: \\Gamma = 2\\pi (d - 1) / 365

    Parameters
    ----------
    calday : float
        Day of year, 1.0 = 1 January 00:00 UTC [day].

    Returns
    -------
    float
        Γ [rad].

    References
    ----------
    Spencer (1971), Search 2(5):172.

    Examples
    --------
    >>> round(calc_day_angle(1.0), 6)
    0.0
    """
    return _TWO_PI * (calday - 1.0) / 365.0


@kernel
def calc_declination(calday):
    """Solar declination from Spencer's Fourier series.

    .. math:: \\delta = a_0 + \\sum_{k=1}^{3} a_k \\cos k\\Gamma + b_k \\sin k\\Gamma

    Parameters
    ----------
    calday : float
        Day of year (1-based, fractional) [day].

    Returns
    -------
    float
        Declination δ [rad].

    References
    ----------
    Spencer (1971); departure from CLM ``shr_orb_decl`` (|Δδ| < 6e-4 rad).

    Examples
    --------
    >>> round(math.degrees(calc_declination(172.0)), 0)   # June solstice
    23.0
    """
    g = calc_day_angle(calday)
    c = SPENCER_DECL
    return (c[0] + c[1] * math.cos(g) + c[2] * math.sin(g) + c[3] * math.cos(2.0 * g)
            + c[4] * math.sin(2.0 * g) + c[5] * math.cos(3.0 * g) + c[6] * math.sin(3.0 * g))


@kernel
def calc_eccentricity_factor(calday):
    """Earth-Sun distance factor (r0/r)².

    .. math:: E_0 = 1.00011 + 0.034221\\cos\\Gamma + 0.00128\\sin\\Gamma + 0.000719\\cos2\\Gamma + 0.000077\\sin2\\Gamma

    Parameters
    ----------
    calday : float
        Day of year [day].

    Returns
    -------
    float
        E_0 [-].

    References
    ----------
    Spencer (1971).

    Examples
    --------
    >>> round(calc_eccentricity_factor(3.0), 3)   # perihelion
    1.035
    """
    g = calc_day_angle(calday)
    c = SPENCER_ECC
    return c[0] + c[1] * math.cos(g) + c[2] * math.sin(g) + c[3] * math.cos(2.0 * g) + c[4] * math.sin(2.0 * g)


@kernel
def calc_hour_angle(calday, lon_deg):
    """Local solar hour angle at a UTC instant, with the equation of time.

    .. math:: h = 2\\pi\\,\\mathrm{frac}(d) + \\lambda + E_t - \\pi

    Parameters
    ----------
    calday : float
        Day of year with UTC fraction (1.5 = 1 Jan 12:00 UTC) [day].
    lon_deg : float
        Longitude [degrees_east].

    Returns
    -------
    float
        Hour angle h [rad], 0 at local solar noon.

    References
    ----------
    Spencer (1971) equation of time.

    Examples
    --------
    >>> abs(calc_hour_angle(80.5, 0.0)) < 0.05   # about noon at Greenwich
    True
    """
    g = calc_day_angle(calday)
    c = SPENCER_EOT
    eot_min = c[0] * (c[1] + c[2] * math.cos(g) + c[3] * math.sin(g) + c[4] * math.cos(2.0 * g)
                      + c[5] * math.sin(2.0 * g))
    frac = calday - math.floor(calday)
    return _TWO_PI * frac + math.radians(lon_deg) + _TWO_PI * eot_min / 1440.0 - math.pi


@kernel
def calc_coszen(calday, lat_deg, lon_deg):
    """Cosine of the solar zenith angle at a UTC instant.

    .. math:: \\mu = \\sin\\varphi\\sin\\delta + \\cos\\varphi\\cos\\delta\\cos h

    Parameters
    ----------
    calday : float
        Day of year with UTC fraction [day].
    lat_deg, lon_deg : float
        Latitude [degrees_north], longitude [degrees_east].

    Returns
    -------
    float
        μ [-] (negative at night).

    References
    ----------
    CLM5 ``shr_orb_cosz``; Spencer (1971) declination.

    Examples
    --------
    >>> round(calc_coszen(80.5, 0.0, 0.0), 2)   # equinox noon on the equator
    1.0
    """
    phi = math.radians(lat_deg)
    d = calc_declination(calday)
    h = calc_hour_angle(calday, lon_deg)
    return math.sin(phi) * math.sin(d) + math.cos(phi) * math.cos(d) * math.cos(h)


@kernel
def calc_coszen_mean(calday_centre, half_width_days, lat_deg, lon_deg):
    """Mean of max(μ, 0) over an interval (exact integral over the hour angle).

    .. math:: \\bar\\mu = \\frac{1}{h_2-h_1}\\int_{h_1}^{h_2} \\max(0, a + b\\cos h)\\,dh,
              \\quad a = \\sin\\varphi\\sin\\delta,\\; b = \\cos\\varphi\\cos\\delta

    with δ held at the interval centre. This is the denominator of CDEPS's ``coszen``
    time interpolation of a 3-h mean shortwave.

    Parameters
    ----------
    calday_centre : float
        Day of year of the interval centre (UTC) [day].
    half_width_days : float
        Half of the interval length [day] (0.0625 for 3 h).
    lat_deg, lon_deg : float
        Position [degrees].

    Returns
    -------
    float
        Interval mean of max(μ, 0) [-].

    References
    ----------
    CDEPS ``dshr_strdata_mod.F90`` ``coszen`` method (spec §7.1).

    Examples
    --------
    >>> round(calc_coszen_mean(80.5, 0.5, 0.0, 0.0), 4)   # equinox, equator, whole day: 1/pi
    0.3183
    """
    phi = math.radians(lat_deg)
    d = calc_declination(calday_centre)
    a = math.sin(phi) * math.sin(d)
    b = math.cos(phi) * math.cos(d)
    hc = calc_hour_angle(calday_centre, lon_deg)
    w = _TWO_PI * half_width_days
    h1 = hc - w
    h2 = hc + w
    if b <= 0.0:
        return max(a, 0.0)
    r = -a / b
    if r >= 1.0:
        return 0.0  # polar night
    if r <= -1.0:
        # sun up all the time: exact mean of a + b cos h
        return a + b * (math.sin(h2) - math.sin(h1)) / (h2 - h1)
    h0 = math.acos(r)  # sunrise/sunset hour angle
    total = 0.0
    # sunlit windows are [-h0 + 2πk, h0 + 2πk]; shift k to cover [h1, h2]
    k = math.floor((h1 + h0) / _TWO_PI)
    while True:
        lo = -h0 + _TWO_PI * k
        hi = h0 + _TWO_PI * k
        if lo >= h2:
            break
        x1 = max(lo, h1)
        x2 = min(hi, h2)
        if x2 > x1:
            total += a * (x2 - x1) + b * (math.sin(x2) - math.sin(x1))
        k += 1
    return total / (h2 - h1)


@kernel
def calc_daylength(lat_deg, decl):
    """Daylength from latitude and declination (CLM5 formula).

    .. math:: \\mathrm{dayl} = 2 \\cdot 13750.9871 \\cdot \\arccos(-\\tan\\varphi\\tan\\delta)

    The argument of arccos is clamped to [-1, 1] (polar day/night).

    Parameters
    ----------
    lat_deg : float
        Latitude [degrees_north].
    decl : float
        Solar declination [rad].

    Returns
    -------
    float
        Daylength [s].

    References
    ----------
    CLM5 Tech Note eq. 20.45; ``DaylengthMod.F90`` (spec §3).

    Examples
    --------
    >>> round(calc_daylength(0.0, 0.3) / 3600.0, 2)
    12.0
    """
    x = -math.tan(math.radians(lat_deg)) * math.tan(decl)
    x = min(max(x, -1.0), 1.0)
    return 2.0 * DAYL_COEF * math.acos(x)


@kernel
def calc_substep_coszen(calday_centre, half_width_days, lat_deg, lon_deg, n_sub, out):
    """max(cos zenith, 0) at the centres of ``n_sub`` equal sub-steps of an interval.

    .. math:: \\mu_k = \\max(0, \\sin\\varphi\\sin\\delta + \\cos\\varphi\\cos\\delta\\cos(h_c + 2\\pi\\,o_k)),\\quad
              o_k = -w + (k + \\tfrac12)\\,2w/n

    with δ and the hour angle h_c evaluated once at the interval centre (the declination
    changes by < 0.1° within 3 h).

    Parameters
    ----------
    calday_centre : float
        Day of year of the interval centre (UTC) [day].
    half_width_days : float
        Half the interval length w [day].
    lat_deg, lon_deg : float
        Position [degrees].
    n_sub : int
        Number of sub-steps.
    out : ndarray, shape (>= n_sub,)
        Output μ_k [-].

    References
    ----------
    Spec §7.1 (CDEPS ``coszen`` interpolation); Spencer (1971).

    Examples
    --------
    >>> import numpy as np
    >>> o = np.zeros(3); calc_substep_coszen(80.5, 0.0625, 0.0, 0.0, 3, o)
    >>> [round(float(x), 3) for x in o]
    [0.957, 0.999, 0.974]
    """
    phi = math.radians(lat_deg)
    d = calc_declination(calday_centre)
    a = math.sin(phi) * math.sin(d)
    b = math.cos(phi) * math.cos(d)
    hc = calc_hour_angle(calday_centre, lon_deg)
    for k in range(n_sub):
        off = -half_width_days + (k + 0.5) * 2.0 * half_width_days / n_sub
        out[k] = max(a + b * math.cos(hc + _TWO_PI * off), 0.0)
