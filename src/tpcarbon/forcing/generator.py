"""The embedded default forcing: a deterministic, seeded 3-hourly weather generator for the plateau.

No package carries gridded 3-hourly forcing over the Tibetan Plateau, so the default
run uses **generated weather** (every output that uses it says so). The generator
writes the seven CMFD variables in CMFD's raw conventions (``temp`` K, ``shum`` kg kg-1,
``pres`` Pa, ``wind`` m s-1 instantaneous at the stamp; ``srad``, ``lrad`` W m-2 means
over stamp ± 1.5 h; ``prec`` mm h-1 mean over the 3 h *ending* at the stamp), so the
default run goes through the same CMFD reader as real data.

Climatology (long-term means, 1979-2018), fitted to the station normals of :mod:`tpcarbon.forcing.stations`
(issue 13; normals moved to 1979-2018 with the study's trends): for the annual mean temperature, the four
coefficients of the first two harmonics of its seasonal cycle and the log of annual precipitation, a
least-squares regression on elevation (linear and quadratic), latitude and longitude
(:func:`fit_station_climate`) plus the station residuals spread by simple kriging
(:func:`tpcarbon.forcing.stations.krige_residuals`): near the stations the climatology follows them, far
from them the regression. The study's plateau means and trends (``study.md`` Set-up: -1.43 °C with
+0.04 °C yr-1, 412 mm yr-1 with +3.45 mm yr-2) are a check, not a target (trends are imposed). With
``stations=False`` the pre-issue-13 *background* is used instead:

* annual mean temperature ``T = T0 - Γ z - a_φ (φ - 33°)`` [°C], Γ = 6.0 K km-1;
  seasonal cycle of amplitude ``9 + 0.5 (φ - 30°)`` K peaking on day 196;
* annual precipitation ``P = c exp(0.065 (λ - 90°) - 0.20 (φ - 33°))`` [mm], reduced to
  a quarter in the low northern basins (Qaidam: φ > 35.5°, z < 2900 m, rising to full at
  3800 m).

Common to both:

* diurnal range 13 K in the dry season, 9 K in the monsoon, minimum at 05 and maximum at 15 local solar time;
* monsoon seasonality of precipitation (July peak) in the east, flatter in the west;
  wet days from a spatially coherent daily field, exponential amounts, a nocturnal peak;
* relative humidity from season and wetness, ``shum = RH q_sat``, capped at saturation;
* pressure from the standard atmosphere at the cell elevation plus synoptic noise;
* shortwave = top-of-atmosphere × clear-sky transmittance ``0.75 + 2e-5 z[m]`` (FAO-56 eq. 37) ×
  Ångström-Prescott cloud factor ``1 - (2/3) c`` (FAO-56 eq. 35, a = 0.25, b = 0.50); the monthly cloud
  fraction ``c = 1 - n/N`` comes from the month's precipitation through the sunshine-precipitation
  regression of the stations (:func:`~tpcarbon.forcing.stations.fit_sunshine_precipitation`), wet days
  cloudier than dry ones; longwave from Brutsaert's clear-sky emissivity with cloud cover.

Weather noise lives on fixed global lattices (2.5° synoptic knots, interpolated; 0.1°
local knots), seeded by ``(seed, year, month, lattice tile)``: the weather at a place
does not depend on the region or resolution asked for, and the same seed gives the same
bytes on every machine. Each month is generated independently (a small discontinuity of
the daily anomalies at month boundaries).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

from tpcarbon.forcing import stations as st_mod
from tpcarbon.forcing.stream import month_times

#: CMFD variable names in file order, with their raw units.
CMFD_UNITS: dict[str, str] = {"temp": "K", "shum": "kg kg-1", "pres": "Pa", "wind": "m s-1", "srad": "W m-2",
                              "lrad": "W m-2", "prec": "mm hr-1"}

_TFRZ = 273.15
_SOLAR_CONST = 1361.0     # W m-2 (CLM uses 1361 via the orbital code; spec §1.1)
_STEFAN = 5.67e-8
_LAPSE = 6.0e-3            # K m-1

#: Background (pre-issue-13 generator, used with ``stations=False``) temperature intercept [°C] and
#: precipitation scale [mm yr-1], tuned then to the study's plateau means (-1.43 °C, 412 mm).
T0_DEFAULT = 25.46
P0_DEFAULT = 308.0
#: Trends of the study period (study.md Set-up).
T_TREND = 0.04      # K yr-1
P_TREND = 3.45      # mm yr-2 at the plateau mean (applied as a relative trend 3.45/412 yr-1)
P_MEAN_TARGET = 412.0
T_MEAN_TARGET = -1.43
REF_YEAR = 1998.5   # centre of 1979-2018
#: FAO-56 clear-sky transmittance ``TAU0 + TAU_Z z`` (Allen et al. 1998, eq. 37) [-], [m-1].
TAU0, TAU_Z = 0.75, 2.0e-5
#: Ångström-Prescott coefficients (FAO-56 defaults, eq. 35): Rs/Ra = AS + BS n/N.
AS, BS = 0.25, 0.50
#: Extra cloud fraction of a wet day over the month's mean [-].
WET_CLOUD = 0.45


def _background(t0: float, p0: float, lat: NDArray, lon: NDArray, elev: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """Background (pre-issue-13) annual temperature [°C], seasonal half-range [K] and annual precipitation [mm]."""
    temp = t0 - _LAPSE * elev - 0.45 * (lat - 33.0)
    basin = np.where(lat > 35.5, 0.25 + 0.75 * np.clip((elev - 2900.0) / 900.0, 0.0, 1.0), 1.0)
    prec = p0 * np.exp(0.065 * (lon - 90.0) - 0.20 * (lat - 33.0)) * basin
    return temp, 9.0 + 0.5 * (lat - 30.0), prec


#: Centre of the quadratic elevation term of the station regressions [km].
Z_QUAD_KM = 3.5


def _design(lat: NDArray, lon: NDArray, elev: NDArray) -> NDArray[np.float64]:
    """Regression predictors ``[1, z, φ - 33°, λ - 90°, (z - 3.5 km)²]`` (z in km), shape (..., 5).

    The quadratic elevation term lets the lapse rate differ between the basins around the plateau
    (0.5-2 km) and the plateau itself (3-5 km). Components listed in :data:`LINEAR_COMPONENTS` use the first
    four columns only (:func:`component_design`).
    """
    lat, lon, elev = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in (lat, lon, elev)))
    z = elev / 1000.0
    return np.stack([np.ones_like(lat), z, lat - 33.0, lon - 90.0, (z - Z_QUAD_KM) ** 2], axis=-1)


#: Components regressed on ``[1, z, φ - 33°, λ - 90°]`` only (no quadratic elevation term). Empty: every
#: component keeps the quadratic term (a linear log-precipitation design did no better in the nested
#: leave-one-out and lowers the plateau mean below the study's 412 ± 25 mm; docs/surface_and_default_forcing.md).
LINEAR_COMPONENTS: tuple[str, ...] = ()
#: Simple-kriging correlation length [km] and nugget share [-] per component; components not listed use
#: :data:`tpcarbon.forcing.stations.CORRELATION_LENGTH_KM` and :data:`tpcarbon.forcing.stations.NUGGET`.
#: Log precipitation: 300 km with nugget 1.0 (station-scale noise as large as the spatial signal), the nugget
#: the inner leave-one-out selects in the nested cross-validation (see the docs).
KRIGING: dict[str, tuple[float, float]] = {"p": (300.0, 1.0)}


def component_design(key: str, lat: NDArray, lon: NDArray, elev: NDArray) -> NDArray[np.float64]:
    """The regression predictors of one component (:func:`_design`, without the quadratic term for
    :data:`LINEAR_COMPONENTS`)."""
    x = _design(lat, lon, elev)
    return x[..., :4] if key in LINEAR_COMPONENTS else x


def kriging_parameters(key: str) -> tuple[float, float]:
    """Correlation length [km] and nugget share [-] of one component (:data:`KRIGING`)."""
    return KRIGING.get(key, (st_mod.CORRELATION_LENGTH_KM, st_mod.NUGGET))


#: Mid-month days of year used for the monthly normals and the harmonics.
MID_DOY = np.array([16.5, 46.0, 75.5, 106.0, 136.5, 167.0, 197.5, 228.5, 259.0, 289.5, 320.0, 350.5])
#: Components of the fitted climatology: annual mean temperature, the first two harmonics of its seasonal
#: cycle (cosine / sine coefficients [K]) and the log of annual precipitation.
COMPONENTS = ("t", "c1", "s1", "c2", "s2", "p")
_OMEGA = 2.0 * np.pi / 365.25


def harmonics(doy: NDArray) -> NDArray[np.float64]:
    """Seasonal basis ``[cos ωd, sin ωd, cos 2ωd, sin 2ωd]`` (ω = 2π / 365.25 d), shape (..., 4)."""
    d = _OMEGA * np.asarray(doy, dtype=np.float64)
    return np.stack([np.cos(d), np.sin(d), np.cos(2 * d), np.sin(2 * d)], axis=-1)


def station_harmonics(t_month: NDArray) -> NDArray[np.float64]:
    """Least-squares harmonic coefficients ``[c1, s1, c2, s2]`` [K] of 12 monthly means (NaN unless all 12)."""
    if not np.isfinite(t_month).all():
        return np.full(4, np.nan)
    x = np.column_stack([np.ones(12), harmonics(MID_DOY)])
    coef, *_ = np.linalg.lstsq(x, t_month, rcond=None)
    return coef[1:]


@dataclass(frozen=True)
class StationFit:
    """Regressions of the station normals on elevation, latitude and longitude, and the residuals to krige.

    For each component of :data:`COMPONENTS` (``t`` annual mean temperature [°C]; ``c1, s1, c2, s2`` harmonic
    coefficients of the seasonal cycle [K]; ``p`` log annual precipitation [ln mm]): ``coef[k]`` =
    ``[intercept, per km, per degree north, per degree east, per km² about 3.5 km]`` and the residuals (observation minus
    regression) ``res[k]`` at ``lat[k]``, ``lon[k]``. ``names``: the stations used.
    """

    coef: dict[str, NDArray[np.float64]]
    lat: dict[str, NDArray[np.float64]]
    lon: dict[str, NDArray[np.float64]]
    res: dict[str, NDArray[np.float64]]
    names: tuple[str, ...]

    def lapse_rate(self, elev: float | NDArray = Z_QUAD_KM * 1000.0) -> NDArray[np.float64] | float:
        """Fitted temperature lapse rate [K m-1] at an elevation [m] (positive: colder upwards)."""
        z = np.asarray(elev, dtype=np.float64) / 1000.0
        return -(self.coef["t"][1] + 2.0 * self.coef["t"][4] * (z - Z_QUAD_KM)) / 1000.0

    def field(self, key: str, lat: NDArray, lon: NDArray, elev: NDArray) -> NDArray[np.float64]:
        """Regression plus kriged residuals of one component at points (:func:`kriging_parameters`)."""
        length, nugget = kriging_parameters(key)
        return component_design(key, lat, lon, elev) @ self.coef[key] + st_mod.krige_residuals(
            self.lat[key], self.lon[key], self.res[key], lat, lon, length_km=length, nugget=nugget)


def station_observations(st: st_mod.Station) -> dict[str, float]:
    """A station's components (see :data:`COMPONENTS`), the normals moved to 1979-2018.

    Normals are moved from the centre of their period to :data:`REF_YEAR` with the study's trends; a period
    that the source does not state is taken as is. NaN where the station does not publish the quantity.
    """
    t_shift = np.nan_to_num(REF_YEAR - st_mod.period_centre(st.t_period))
    p_shift = np.nan_to_num(REF_YEAR - st_mod.period_centre(st.p_period))
    h = station_harmonics(st.t_month)
    return {"t": st.t_ann + T_TREND * t_shift, "c1": h[0], "s1": h[1], "c2": h[2], "s2": h[3],
            "p": float(np.log(st.p_ann * (1.0 + P_TREND / P_MEAN_TARGET * p_shift)))}


@lru_cache(maxsize=128)
def fit_station_climate(exclude: tuple[str, ...] = ()) -> StationFit:
    """Fit the regressions to the located stations (leaving out ``exclude``) and keep their residuals.

    Each component uses the stations that publish it: annual mean temperature (all located stations with one),
    the harmonics (stations with all 12 monthly means), log annual precipitation.
    """
    sts = [s for s in st_mod.stations() if s.located and s.name not in exclude]
    lat = np.array([s.lat for s in sts])
    lon = np.array([s.lon for s in sts])
    elev = np.array([s.elev for s in sts])
    obs = [station_observations(s) for s in sts]
    coef, la, lo, res = {}, {}, {}, {}
    for key in COMPONENTS:
        x = component_design(key, lat, lon, elev)
        y = np.array([o[key] for o in obs])
        ok = np.isfinite(y)
        if ok.sum() < 5:
            raise ValueError(f"fit_station_climate: {ok.sum()} stations for '{key}' (need >= 5)")
        c, *_ = np.linalg.lstsq(x[ok], y[ok], rcond=None)
        coef[key], la[key], lo[key], res[key] = c, lat[ok], lon[ok], y[ok] - x[ok] @ c
    return StationFit(coef=coef, lat=la, lon=lo, res=res, names=tuple(s.name for s in sts))


def esat_pa(tk: NDArray) -> NDArray:
    """Saturation vapour pressure over water/ice [Pa] (Magnus form; generator use only).

    .. math:: e_s = 611.2 \\exp\\left(\\frac{17.62\\,T_c}{243.12 + T_c}\\right)\\;(T_c \\ge 0),\\quad
              611.2 \\exp\\left(\\frac{22.46\\,T_c}{272.62 + T_c}\\right)\\;(T_c < 0)
    """
    tc = np.asarray(tk, dtype=np.float64) - _TFRZ
    return np.where(tc >= 0, 611.2 * np.exp(17.62 * tc / (243.12 + tc)), 611.2 * np.exp(22.46 * tc / (272.62 + tc)))


def qsat(tk: NDArray, pres: NDArray) -> NDArray:
    """Saturation specific humidity [kg kg-1]: ``0.622 e_s / (p - 0.378 e_s)``."""
    e = esat_pa(tk)
    return 0.622 * e / (np.asarray(pres) - 0.378 * e)


def standard_pressure(elev_m: NDArray) -> NDArray:
    """ICAO standard-atmosphere surface pressure [Pa]: ``101325 (1 - 2.25577e-5 z)^5.25588``."""
    return 101325.0 * (1.0 - 2.25577e-5 * np.asarray(elev_m, dtype=np.float64)) ** 5.25588


def coszen_interval_mean(doy_centre: NDArray, hour_utc_centre: NDArray, lat: NDArray, lon: NDArray,
                         width_h: float = 3.0, nsub: int = 12) -> NDArray:
    """Mean of max(cos Z, 0) over an interval (midpoint rule with ``nsub`` sub-steps) [-].

    .. math:: \\bar\\mu = \\frac{1}{n}\\sum_k \\max(0, \\sin\\varphi\\sin\\delta + \\cos\\varphi\\cos\\delta\\cos h_k)

    Declination and equation of time from Spencer (1971), as ``tpcarbon.physics.solar``. ``doy_centre``, ``hour_utc_centre`` shape (nt, 1);
    ``lat``, ``lon`` shape (ncell,) in degrees. Returns (nt, ncell).
    """
    g = 2 * np.pi * (doy_centre - 1) / 365.0
    decl = (0.006918 - 0.399912 * np.cos(g) + 0.070257 * np.sin(g) - 0.006758 * np.cos(2 * g)
            + 0.000907 * np.sin(2 * g) - 0.002697 * np.cos(3 * g) + 0.00148 * np.sin(3 * g))
    eot_h = 229.18 * (0.000075 + 0.001868 * np.cos(g) - 0.032077 * np.sin(g) - 0.014615 * np.cos(2 * g)
                      - 0.040849 * np.sin(2 * g)) / 60.0
    phi = np.deg2rad(lat)[None, :]
    a = np.sin(phi) * np.sin(decl)
    b = np.cos(phi) * np.cos(decl)
    acc = np.zeros(np.broadcast_shapes(np.shape(doy_centre), phi.shape))
    for k in range(nsub):
        h_utc = hour_utc_centre + width_h * ((k + 0.5) / nsub - 0.5)
        ha = np.deg2rad(15.0 * (h_utc + eot_h + lon[None, :] / 15.0 - 12.0))
        acc += np.maximum(a + b * np.cos(ha), 0.0)
    return acc / nsub


def _lattice_normals(seed: int, stream: int, year: int, month: int, lat: NDArray, lon: NDArray, n: int,
                     spacing: float, interpolate: bool) -> NDArray:
    """Standard-normal noise ``(n, ncell)`` from a fixed global lattice of knots.

    Knots sit at multiples of ``spacing``; tiles of 16 x 16 knots draw their numbers
    from ``default_rng([seed, stream, year, month, tile_i, tile_j])``. With
    ``interpolate`` the noise is bilinear between knots and renormalised to unit variance.
    """
    tile = 16
    fi = (np.asarray(lat) + 90.0) / spacing
    fj = (np.asarray(lon) + 180.0) / spacing
    if interpolate:
        i0, j0 = np.floor(fi).astype(np.int64), np.floor(fj).astype(np.int64)
        wi, wj = fi - i0, fj - j0
        corners = [(i0, j0, (1 - wi) * (1 - wj)), (i0 + 1, j0, wi * (1 - wj)), (i0, j0 + 1, (1 - wi) * wj),
                   (i0 + 1, j0 + 1, wi * wj)]
    else:
        corners = [(np.floor(fi).astype(np.int64), np.floor(fj).astype(np.int64), np.ones(np.shape(lat)))]
    cache: dict[tuple[int, int], NDArray] = {}
    out = np.zeros((n, np.size(lat)))
    wsq = np.zeros(np.size(lat))
    for ki, kj, w in corners:
        ti, tj = ki // tile, kj // tile
        vals = np.empty((n, np.size(lat)))
        for key in set(zip(ti.tolist(), tj.tolist(), strict=True)):
            if key not in cache:
                rng = np.random.default_rng([seed, stream, year, month, key[0], key[1]])
                cache[key] = rng.standard_normal((n, tile, tile))
            sel = (ti == key[0]) & (tj == key[1])
            vals[:, sel] = cache[key][:, ki[sel] % tile, kj[sel] % tile]
        out += w * vals
        wsq += w * w
    return out / np.sqrt(wsq)


def _smooth_days(x: NDArray) -> NDArray:
    """1-2-1 running filter over days (axis 0), edges reflected; keeps unit variance roughly 0.61."""
    p = np.concatenate([x[:1], x, x[-1:]])
    y = 0.25 * p[:-2] + 0.5 * p[1:-1] + 0.25 * p[2:]
    return y / np.sqrt(0.375)


@dataclass(frozen=True)
class WeatherGenerator:
    """Deterministic seeded 3-hourly weather for any point on the plateau (see the module docstring).

    Parameters
    ----------
    seed : int
        Weather seed; the same seed gives the same weather everywhere.
    t0, p0 : float
        Background temperature intercept [°C] and precipitation scale [mm yr-1] (tuned to the study).
    stations : bool
        Anchor the climatology to the bundled station normals (``False``: the background alone).
    exclude : tuple of str
        Station names left out of the anchoring (leave-one-out validation).
    """

    seed: int = 1979
    t0: float = T0_DEFAULT
    p0: float = P0_DEFAULT
    stations: bool = True
    exclude: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        """One line for provenance and reports."""
        anchor = (f", climatology fitted to {len(fit_station_climate(self.exclude).names)} station normals"
                  if self.stations else "")
        return (f"SYNTHETIC weather from tpcarbon's seeded generator (seed {self.seed}), tuned to the study's plateau "
                f"means ({T_MEAN_TARGET} °C, {P_MEAN_TARGET:.0f} mm, +{T_TREND} °C/yr, +{P_TREND} mm/yr){anchor} - "
                "generated weather, not observations")

    def temperature_at(self, temp_c: NDArray, elev_from: NDArray, elev_to: NDArray) -> NDArray[np.float64]:
        """Move temperatures [°C] from one elevation to another [m] with the climatology's elevation profile.

        With the station fit: the difference of its (quadratic) elevation terms; the background: 6 K km-1.
        """
        zf, zt = np.asarray(elev_from, dtype=np.float64) / 1000.0, np.asarray(elev_to, dtype=np.float64) / 1000.0
        if not self.stations:
            return temp_c - _LAPSE * 1000.0 * (zt - zf)
        c = fit_station_climate(self.exclude).coef["t"]
        return temp_c + c[1] * (zt - zf) + c[4] * ((zt - Z_QUAD_KM) ** 2 - (zf - Z_QUAD_KM) ** 2)

    def precipitation_at(self, prec_mm: NDArray, elev_from: NDArray, elev_to: NDArray) -> NDArray[np.float64]:
        """Move annual precipitation [mm] from one elevation to another [m] with the climatology's own elevation term.

        With the station fit: ``P exp(Δf)``, ``Δf`` the change of the fitted elevation terms of ln P (linear
        and quadratic, as :meth:`temperature_at`); the background has no elevation term outside its basin rule
        and is returned unchanged.
        """
        if not self.stations:
            return np.asarray(prec_mm, dtype=np.float64)
        c = fit_station_climate(self.exclude).coef["p"]
        dz = (np.asarray(elev_to, dtype=np.float64) - np.asarray(elev_from, dtype=np.float64)) / 1000.0
        if "p" not in LINEAR_COMPONENTS:
            zf, zt = np.asarray(elev_from) / 1000.0, np.asarray(elev_to) / 1000.0
            return prec_mm * np.exp(c[1] * dz + c[4] * ((zt - Z_QUAD_KM) ** 2 - (zf - Z_QUAD_KM) ** 2))
        return prec_mm * np.exp(c[1] * dz)

    # ------------------------------------------------------------------ climatology
    def climatology(self, lat: NDArray, lon: NDArray, elev: NDArray) -> dict[str, NDArray]:
        """Long-term (1979-2018) means at points.

        Returns
        -------
        dict
            ``temp_c`` annual mean air temperature [°C], ``prec_mm`` annual precipitation
            [mm yr-1], ``temp_harm`` (ncell, 4) harmonic coefficients of the seasonal cycle [K] (basis
            :func:`harmonics`), ``monsoon`` monsoon share weight [-].
        """
        lat, lon, elev = (np.asarray(a, dtype=np.float64) for a in (lat, lon, elev))
        if self.stations:
            f = fit_station_climate(self.exclude)
            temp = f.field("t", lat, lon, elev)
            harm = np.stack([f.field(k, lat, lon, elev) for k in ("c1", "s1", "c2", "s2")], axis=-1)
            prec = np.exp(f.field("p", lat, lon, elev))
        else:
            temp, amp, prec = _background(self.t0, self.p0, lat, lon, elev)
            # a cosine peaking on day 196 with half-range amp: c1 = amp cos(196 ω), s1 = amp sin(196 ω)
            harm = np.stack([amp * np.cos(196.0 * _OMEGA), amp * np.sin(196.0 * _OMEGA), 0 * amp, 0 * amp], -1)
        monsoon = np.clip((lon - 75.0) / 15.0, 0.3, 1.0)
        return {"temp_c": temp, "prec_mm": prec, "temp_harm": harm, "monsoon": monsoon}

    def monthly_temperature(self, lat: NDArray, lon: NDArray, elev: NDArray) -> NDArray[np.float64]:
        """Climatological monthly mean air temperature [°C], shape (12, ncell) (at the mid-month days)."""
        c = self.climatology(lat, lon, elev)
        return c["temp_c"][None, :] + np.einsum("mk,nk->mn", harmonics(MID_DOY), c["temp_harm"])

    @staticmethod
    def cloud_fraction(prec_month_mm_per_day: NDArray) -> NDArray[np.float64]:
        """Monthly mean cloud fraction ``1 - n/N`` from the month's precipitation rate [mm d-1].

        .. math:: c = 1 - \\mathrm{clip}(a - b \\ln(1 + p), 0.05, 0.95)

        with ``(a, b)`` of :func:`tpcarbon.forcing.stations.fit_sunshine_precipitation`.
        """
        a, b = st_mod.fit_sunshine_precipitation()
        return 1.0 - np.clip(a - b * np.log1p(np.asarray(prec_month_mm_per_day, dtype=np.float64)), 0.05, 0.95)

    @staticmethod
    def monthly_precip_weights(monsoon: NDArray) -> NDArray:
        """Share of annual precipitation falling in each calendar month, shape (12, ncell), columns sum to 1."""
        m = np.arange(1, 13, dtype=np.float64)[:, None]
        wet = 0.02 + np.exp(-(((m - 7.2) / 1.7) ** 2))
        flat = 0.6 + 0.4 * np.exp(-(((m - 5.0) / 3.0) ** 2))
        w = monsoon[None, :] * wet / wet.sum() + (1 - monsoon[None, :]) * flat / flat.sum()
        return w / w.sum(axis=0, keepdims=True)

    # ------------------------------------------------------------------ one month
    def generate_month(self, year: int, month: int, lat: NDArray, lon: NDArray, elev: NDArray
                       ) -> dict[str, NDArray]:
        """The seven CMFD variables for one month at points.

        Parameters
        ----------
        year, month : int
            Calendar month (any year: trends extrapolate linearly from 1998.5).
        lat, lon, elev : ndarray, shape (ncell,)
            Points [degrees_north, degrees_east, m].

        Returns
        -------
        dict
            ``time`` (datetime64[s], CMFD stamps 00..21 UTC) and the seven variables, each
            float32 (nt, ncell) in CMFD's raw units (:data:`CMFD_UNITS`).
        """
        lat, lon, elev = (np.asarray(a, dtype=np.float64).ravel() for a in (lat, lon, elev))
        t = month_times(year, month)
        nt = t.size
        ndays = nt // 8
        clim = self.climatology(lat, lon, elev)
        doy = (t - t.astype("datetime64[Y]")).astype("timedelta64[s]").astype(np.float64) / 86400.0 + 1.0
        hour = (t - t.astype("datetime64[D]")).astype("timedelta64[s]").astype(np.float64) / 3600.0
        lst = (hour[:, None] + lon[None, :] / 15.0) % 24.0
        day_of = np.repeat(np.arange(ndays), 8)
        s, y, m = self.seed, year, month

        # interannual anomalies (one number per year from a synoptic lattice)
        t_year = T_TREND * (year - REF_YEAR) + 0.45 * _lattice_normals(s, 1, y, 0, lat, lon, 1, 10.0, True)[0]
        p_year = (1.0 + P_TREND / P_MEAN_TARGET * (year - REF_YEAR)) * np.exp(
            0.10 * _lattice_normals(s, 2, y, 0, lat, lon, 1, 10.0, True)[0] - 0.005)

        # synoptic daily fields
        dT = 2.2 * _smooth_days(_lattice_normals(s, 3, y, m, lat, lon, ndays, 2.5, True))
        zwet = (0.75 * _lattice_normals(s, 4, y, m, lat, lon, ndays, 2.5, True)
                + 0.66 * _lattice_normals(s, 5, y, m, lat, lon, ndays, 0.1, False))
        amount = -np.log(ndtr(_lattice_normals(s, 6, y, m, lat, lon, ndays, 0.1, False)).clip(1e-12, 1.0))
        zdiurnal = _lattice_normals(s, 7, y, m, lat, lon, 8, 0.1, False)
        dP = 150.0 * _smooth_days(_lattice_normals(s, 8, y, m, lat, lon, ndays, 2.5, True))
        zwind = _lattice_normals(s, 9, y, m, lat, lon, ndays, 2.5, True)

        # precipitation: monthly target, wet days, amounts, 3-hourly split
        w_month = self.monthly_precip_weights(clim["monsoon"])[m - 1]
        days_in_year = 366 if calendar.isleap(year) else 365
        target_mm = clim["prec_mm"] * p_year * w_month * (ndays / (days_in_year / 12.0))
        p_wet = np.clip(target_mm / ndays / (target_mm / ndays + 2.5), 0.04, 0.85)
        wet = ndtr(zwet) < p_wet[None, :]
        daily = np.where(wet, amount, 0.0)
        tot = daily.sum(axis=0)
        none = tot <= 0
        if np.any(none):  # guarantee the month's total: one wet day on the synoptically wettest day
            k = np.argmax(np.where(none[None, :], -zwet, -np.inf), axis=0)
            daily[k[none], np.nonzero(none)[0]] = 1.0
            wet[k[none], np.nonzero(none)[0]] = True
            tot = daily.sum(axis=0)
        daily *= target_mm / tot
        # diurnal split: nocturnal-evening peak (~20 LST) with random weights, renormalised per day
        shape = np.exp(0.5 * np.cos(2 * np.pi * (lst[:8] - 20.0) / 24.0) + 0.5 * zdiurnal)
        shape /= shape.sum(axis=0, keepdims=True)
        prec_mm_3h = daily[day_of] * shape[np.arange(nt) % 8]
        prec = prec_mm_3h / 3.0  # mm h-1 over the 3 h ending at the stamp

        # cloudiness (monthly mean from the month's precipitation, wet days cloudier) and seasonality index
        season = np.exp(-(((doy[:, None] - 200.0) / 50.0) ** 2)) * clim["monsoon"][None, :]
        wet_share = wet.mean(axis=0)
        c_month = self.cloud_fraction(target_mm / ndays)
        cloud = np.clip(c_month[None, :] + WET_CLOUD * (wet[day_of] - wet_share[None, :]), 0.0, 0.95)

        # temperature (wet days 1.5 K cooler than dry ones, the month's mean kept)
        tday = (clim["temp_c"] + t_year)[None, :] + np.einsum("tk,nk->tn", harmonics(doy), clim["temp_harm"]) \
            + dT[day_of] - 1.5 * (wet[day_of] - wet_share[None, :])
        dtr = 13.0 - 4.0 * season - 3.0 * wet[day_of]
        phase = np.where((lst >= 5.0) & (lst < 15.0), np.cos(np.pi * (lst - 15.0) / 10.0),
                         np.cos(np.pi * ((lst - 15.0) % 24.0) / 14.0))
        temp = _TFRZ + tday + 0.5 * dtr * phase

        # pressure, humidity, wind
        pres = standard_pressure(elev)[None, :] * (1.0 + 0.004 * np.cos(2 * np.pi * (doy[:, None] - 15.0) / 365.25)) \
            + dP[day_of]
        rh = np.clip(0.35 + 0.35 * season + 0.2 * wet[day_of] - 0.1 * (1 - clim["monsoon"][None, :]), 0.1, 0.95)
        shum = np.minimum(rh * qsat(_TFRZ + tday, pres), qsat(temp, pres))
        wind = np.clip((2.5 + 0.6 * (elev - 3500.0) / 1000.0)[None, :]
                       * (1.0 + 0.25 * np.exp(-(((doy[:, None] - 75.0) / 45.0) ** 2)))
                       * (1.0 + 0.3 * np.cos(2 * np.pi * (lst - 15.0) / 24.0))
                       * np.exp(0.3 * zwind[day_of] - 0.045), 0.3, None)

        # radiation: shortwave mean over stamp +- 1.5 h; longwave from emissivity
        mu = coszen_interval_mean(doy[:, None], hour[:, None], lat, lon)
        ecc = 1.0 + 0.033 * np.cos(2 * np.pi * doy[:, None] / 365.0)
        tau = (TAU0 + TAU_Z * elev)[None, :] * (1.0 - BS / (AS + BS) * cloud)
        srad = _SOLAR_CONST * ecc * mu * tau
        e_hpa = shum * pres / (0.622 + 0.378 * shum) / 100.0
        eps_clear = 1.24 * (e_hpa / temp) ** (1.0 / 7.0)
        eps = eps_clear * (1.0 - cloud) + 0.98 * cloud
        lrad = eps * _STEFAN * temp**4

        f32 = lambda a: np.ascontiguousarray(a, dtype=np.float32)  # noqa: E731
        return {"time": t, "temp": f32(temp), "shum": f32(shum), "pres": f32(pres), "wind": f32(wind),
                "srad": f32(srad), "lrad": f32(lrad), "prec": f32(prec)}
