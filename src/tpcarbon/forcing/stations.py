"""Station climate normals of the plateau and the residual interpolation that anchors the weather generator.

The bundled table ``data/tp_station_normals.csv`` holds published monthly (or Jan / Jul / annual) normals of
mean, maximum and minimum air temperature, precipitation and sunshine duration, one row per number, each with
its period and source (``data/PROVENANCE.md``, section "Station normals"). Stations whose coordinates or
elevation are not in the cited page are kept for the record but not used on the map.

The generator's climatology is *background + interpolated station residuals* (the scheme of climate-surface
products and of optimal interpolation): the residual of each station against the background, taken at the
station's own elevation, is spread by simple kriging with a Gaussian correlation of length
:data:`CORRELATION_LENGTH_KM` and zero mean, so the correction fades back to the background away from the
stations. Residuals are interpolated for the annual mean temperature [K], the half-range of the seasonal cycle
(July minus January, halved) [K] and the logarithm of annual precipitation [-].

Sunshine: the relative sunshine duration ``s = n / N`` (``N`` astronomical day length) of the stations that
publish monthly sunshine is regressed on the monthly precipitation rate, ``s = a - b ln(1 + p)`` with ``p`` in
mm d-1 (:func:`fit_sunshine_precipitation`); the generator's cloud fraction is ``1 - s``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
from numpy.typing import NDArray

#: Correlation length of the station residuals [km] (a few hundred km, the spacing of plateau stations).
CORRELATION_LENGTH_KM = 300.0
#: Residual variance share that is station noise (nugget / sill) [-].
NUGGET = 0.3
#: Earth radius for great-circle distances [km].
_R_EARTH_KM = 6371.0
_MID_DOY = np.array([16.5, 46.0, 75.5, 106.0, 136.5, 167.0, 197.5, 228.5, 259.0, 289.5, 320.0, 350.5])
_DAYS = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@lru_cache(maxsize=1)
def load_station_normals() -> pd.DataFrame:
    """The bundled station normals, long format (one published number per row; see the module docstring)."""
    with resources.files("tpcarbon.data").joinpath("tp_station_normals.csv").open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, comment="#", dtype={"wmo": str})
    bad = set(df.variable) - {"tmean", "tmax", "tmin", "prec", "sunshine"}
    if bad or not df.month.between(1, 13).all():
        raise ValueError(f"tp_station_normals.csv: unknown variables {bad} or months outside 1-13")
    return df


def period_centre(period: str) -> float:
    """Centre year of a normals period ``"1981-2010"`` -> 1995.5; ``NaN`` when the period is not stated."""
    try:
        a, b = (int(x) for x in str(period).split("-"))
    except ValueError:
        return float("nan")
    return 0.5 * (a + b)


@dataclass(frozen=True)
class Station:
    """One station's normals as arrays (NaN where not published); temperatures [°C], totals [mm], [h].

    Where several sources give the same quantity for a station, one is used (:func:`stations`): a published
    normal with all 12 months, else a mean computed from a published monthly series with all 12 months, else
    the published source with the most months. ``t_source`` / ``p_source`` / ``sun_source`` and the matching
    periods say which.
    """

    name: str
    wmo: str
    lat: float
    lon: float
    elev: float
    region: str
    t_period: str
    t_source: str
    t_month: NDArray[np.float64]      # mean temperature, 12 months (mean of max and min if no mean published)
    t_month_from_maxmin: NDArray[np.bool_]
    t_ann: float
    p_period: str
    p_source: str
    p_month: NDArray[np.float64]
    p_ann: float
    sun_month: NDArray[np.float64]
    sun_ann: float

    @property
    def located(self) -> bool:
        """Coordinates and elevation are published: the station can inform the map."""
        return bool(np.isfinite([self.lat, self.lon, self.elev]).all())

    @property
    def half_range(self) -> float:
        """Seasonal half-range (July minus January, halved) [K]; NaN without both months."""
        return 0.5 * (self.t_month[6] - self.t_month[0])


def _series(g: pd.DataFrame, var: str) -> tuple[NDArray[np.float64], float]:
    s = g[g.variable == var].set_index("month")["value"]
    months = np.array([s.get(m, np.nan) for m in range(1, 13)], dtype=np.float64)
    return months, float(s.get(13, np.nan))


def _rank(g: pd.DataFrame, months: NDArray[np.float64]) -> float:
    """Preference of one source's series: full published > full computed > partial (by months published)."""
    computed = g.note.fillna("").str.startswith("computed").any()
    full = bool(np.isfinite(months).all())
    return (3.0 if full and not computed else 2.0 if full else 1.0) + np.isfinite(months).sum() / 100.0


def _temperature(g: pd.DataFrame) -> tuple[NDArray, NDArray, float]:
    tm, ta = _series(g, "tmean")
    tx, txa = _series(g, "tmax")
    tn, tna = _series(g, "tmin")
    # the mean of max and min only where no mean temperature at all is published (it differs from the
    # CMA four-observation mean by up to 1 K: Yushu 1971-2000, January -6.6 against -7.6 °C)
    from_mm = np.zeros(12, dtype=bool)
    if not np.isfinite(tm).any() and not np.isfinite(ta):
        from_mm = np.isfinite(tx) & np.isfinite(tn)
        tm = np.where(from_mm, 0.5 * (tx + tn), tm)
        ta = 0.5 * (txa + tna)
    if not np.isfinite(ta) and np.isfinite(tm).all():
        ta = float(np.mean(tm))
    return tm, from_mm, float(ta)


def _total(g: pd.DataFrame, var: str) -> tuple[NDArray, float]:
    pm, pa = _series(g, var)
    if not np.isfinite(pa) and np.isfinite(pm).all():
        pa = float(pm.sum())
    return pm, float(pa)


#: Year that equal-rank sources are compared with: the centre of the generator's period 1979-2018.
_PREFERRED_CENTRE = 1998.5


def _best(g: pd.DataFrame, fn, months_of) -> tuple[str, str, tuple | None]:
    """The preferred source of a station for one quantity: (source id, period, fn result).

    Sources are ranked by :func:`_rank`; among sources of equal rank the one whose period centre is nearest to
    1998.5 (the centre of the generator's period) wins, a period that is not stated counting as farthest.
    ``("", "", None)`` when no source gives the quantity.
    """
    best, key = ("", "", None), (-1.0, 0.0)
    for src, gs in g.groupby("source", sort=True):
        res = fn(gs)
        months = months_of(res)
        has = np.isfinite(months).any() or np.isfinite(res[-1])
        centre = period_centre(str(gs.period.iloc[0]))
        k = (_rank(gs, months), -abs(centre - _PREFERRED_CENTRE) if np.isfinite(centre) else -np.inf)
        if has and k > key:
            best, key = (str(src), str(gs.period.iloc[0]), res), k
    return best


@lru_cache(maxsize=1)
def stations() -> tuple[Station, ...]:
    """All stations of the bundled table (see :class:`Station`), one per WMO id (or name without an id)."""
    out = []
    df = load_station_normals()
    key = df.wmo.fillna("").where(df.wmo.fillna("") != "", df.station)
    for _, g in df.groupby(key, sort=True):
        r = g.iloc[0]
        t_src, t_per, tres = _best(g[g.variable.isin(["tmean", "tmax", "tmin"])], _temperature,
                                   lambda res: res[0])
        tm, from_mm, ta = tres if t_src else (np.full(12, np.nan), np.zeros(12, dtype=bool), float("nan"))
        p_src, p_per, pres = _best(g[g.variable == "prec"], lambda gs: _total(gs, "prec"), lambda res: res[0])
        pm, pa = pres if p_src else (np.full(12, np.nan), float("nan"))
        s_src, _, sres = _best(g[g.variable == "sunshine"], lambda gs: _total(gs, "sunshine"), lambda res: res[0])
        sm, sa = sres if s_src else (np.full(12, np.nan), float("nan"))
        fnum = lambda v: float(v) if pd.notna(v) else float("nan")  # noqa: E731
        out.append(Station(name=str(r.station), wmo="" if pd.isna(r.wmo) else str(r.wmo), lat=fnum(r.lat),
                           lon=fnum(r.lon), elev=fnum(r.elev_m), region=str(r.region), t_period=t_per,
                           t_source=t_src, t_month=tm, t_month_from_maxmin=from_mm, t_ann=float(ta),
                           p_period=p_per, p_source=p_src, p_month=pm, p_ann=float(pa), sun_month=sm,
                           sun_ann=float(sa)))
    return tuple(sorted(out, key=lambda s: s.name))


def great_circle_km(lat1: NDArray, lon1: NDArray, lat2: NDArray, lon2: NDArray) -> NDArray[np.float64]:
    """Great-circle distance [km] between broadcastable points [degrees] (haversine)."""
    p1, p2 = np.deg2rad(lat1), np.deg2rad(lat2)
    dp, dl = p2 - p1, np.deg2rad(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _R_EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def krige_residuals(lat_s: NDArray, lon_s: NDArray, resid: NDArray, lat: NDArray, lon: NDArray,
                    length_km: float = CORRELATION_LENGTH_KM, nugget: float = NUGGET) -> NDArray[np.float64]:
    """Simple kriging (zero mean, Gaussian correlation) of station residuals to points.

    .. math:: \\hat r(x) = \\mathbf k(x)^T (\\mathbf K + \\nu \\mathbf I)^{-1} \\mathbf r,\\quad
              K_{ij} = e^{-d_{ij}^2 / 2L^2}

    Stations with a NaN residual are skipped. Returns the correction at the points (0 without stations).

    Examples
    --------
    >>> float(krige_residuals(np.array([30.0]), np.array([90.0]), np.array([2.0]), np.array([30.0]),
    ...                       np.array([90.0]), nugget=0.0)[0])
    2.0
    """
    lat, lon = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    ok = np.isfinite(resid) & np.isfinite(lat_s) & np.isfinite(lon_s)
    if not ok.any():
        return np.zeros(lat.shape)
    ls, os_, r = np.asarray(lat_s)[ok], np.asarray(lon_s)[ok], np.asarray(resid)[ok]
    d_ss = great_circle_km(ls[:, None], os_[:, None], ls[None, :], os_[None, :])
    k_ss = np.exp(-0.5 * (d_ss / length_km) ** 2) + nugget * np.eye(ls.size)
    w = np.linalg.solve(k_ss, r)
    d_xs = great_circle_km(lat.ravel()[:, None], lon.ravel()[:, None], ls[None, :], os_[None, :])
    return (np.exp(-0.5 * (d_xs / length_km) ** 2) @ w).reshape(lat.shape)


def day_length_hours(lat: NDArray, doy: NDArray) -> NDArray[np.float64]:
    """Astronomical day length N [h] (FAO-56 eqs. 24-25, 34): ``N = 24/π ω_s``.

    Examples
    --------
    >>> round(float(day_length_hours(np.array(30.0), np.array(172.0))), 1)
    13.9
    """
    decl = 0.409 * np.sin(2 * np.pi * np.asarray(doy, dtype=np.float64) / 365.0 - 1.39)
    ws = np.arccos(np.clip(-np.tan(np.deg2rad(lat)) * np.tan(decl), -1.0, 1.0))
    return 24.0 / np.pi * ws


def relative_sunshine(st: Station) -> NDArray[np.float64]:
    """Monthly relative sunshine n/N [-] of a station (NaN where not published or latitude unknown)."""
    lat = st.lat if np.isfinite(st.lat) else np.nan
    return st.sun_month / (day_length_hours(lat, _MID_DOY) * _DAYS)


#: Stations below this elevation [m] are left out of the sunshine-precipitation fit (basins around the plateau,
#: e.g. the Sichuan basin's persistent cloud, follow another relation).
SUNSHINE_FIT_MIN_ELEV = 2000.0


@lru_cache(maxsize=1)
def fit_sunshine_precipitation() -> tuple[float, float]:
    """Least-squares ``(a, b)`` of ``n/N = a - b ln(1 + p)`` (p monthly precipitation rate [mm d-1]).

    Uses every located station at or above :data:`SUNSHINE_FIT_MIN_ELEV` with monthly sunshine and
    precipitation (the day length at the station's latitude).
    """
    x, y = [], []
    for st in stations():
        if not (st.located and st.elev >= SUNSHINE_FIT_MIN_ELEV and np.isfinite(st.sun_month).all()
                and np.isfinite(st.p_month).all()):
            continue
        x.append(np.log1p(st.p_month / _DAYS))
        y.append(relative_sunshine(st))
    if not x:
        raise ValueError("tp_station_normals.csv: no station with monthly sunshine and precipitation")
    xx, yy = np.concatenate(x), np.concatenate(y)
    slope, intercept = np.polyfit(xx, yy, 1)
    return float(intercept), float(-slope)


def station_table() -> pd.DataFrame:
    """One row per station: metadata and the annual / January / July values used by the generator."""
    return pd.DataFrame([{"station": s.name, "wmo": s.wmo, "lat": s.lat, "lon": s.lon, "elev_m": s.elev,
                          "region": s.region, "located": s.located, "t_source": s.t_source, "t_period": s.t_period,
                          "t_months": int(np.isfinite(s.t_month).sum()), "t_ann_degC": s.t_ann,
                          "t_jan_degC": s.t_month[0], "t_jul_degC": s.t_month[6], "p_source": s.p_source,
                          "p_period": s.p_period, "p_ann_mm": s.p_ann, "sunshine_h": s.sun_ann}
                         for s in stations()])


__all__ = ["CORRELATION_LENGTH_KM", "NUGGET", "Station", "day_length_hours", "fit_sunshine_precipitation",
           "great_circle_km", "krige_residuals", "load_station_normals", "period_centre", "relative_sunshine",
           "SUNSHINE_FIT_MIN_ELEV",
           "station_table", "stations"]
