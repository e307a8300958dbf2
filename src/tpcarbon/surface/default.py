"""The embedded default surface: real elevation, a plateau mask, rule-based PFTs and soil.

* **Elevation**: the bundled 1/12° grid (pvlib / Mapzen terrain tiles, see
  ``data/PROVENANCE.md``), aggregated area-conservatively to the run grid.
* **Mask** (stand-in for the Zhang et al. 2014 TP boundary, 2.54 million km²): 1/12°
  cells at or above 2500 m, in the connected region containing the plateau core (33°N,
  90°E), and north of a Himalaya-Karakoram crest line (:data:`HIMALAYA_CREST`) so the
  southern slopes of the Himalaya and the Karakoram-Hindu Kush foothills are excluded
  while the Qaidam basin (≈ 2700-3000 m) stays in. A run cell is plateau when at least
  half its area is. Area at 1/12°: 2.72 million km² (7 % above Zhang et al.).
* **PFTs** (no land-cover map ships in any package; documented rule): per cell, from
  elevation and the default climate of :class:`~tpcarbon.forcing.generator.WeatherGenerator`:
  bare soil ``f_bare = clip((200 - P)/150, 0, 0.9)`` (Qaidam, the arid north-west);
  needleleaf evergreen boreal forest (CLM PFT 2) ``0.7 clip((P-500)/300,0,1) clip((4000-z)/500,0,1)``
  in the humid south-east below the tree line; broadleaf deciduous boreal shrub (PFT 11)
  ``0.15`` where P ≥ 300 mm, else ``0.05``; C3 arctic grass (PFT 12, alpine meadow and
  steppe) the rest. P in mm yr-1, z in m.
* **Soil**: texture by aridity (desert sand 70/clay 8, steppe 50/15, meadow and forest
  40/20 % by mass); organic matter density ``ORGANIC`` 30 (meadow/forest), 12 (steppe) or
  3 (desert) kg m-3 in the top 0.3 m decaying with depth (e-folding 0.5 m).

User files replace any of these: a mask (NetCDF variable ``mask``/``landmask``, or a
GeoJSON / CSV lon,lat polygon), a CLM ``surfdata_*.nc`` (``PCT_NAT_PFT``) or a NetCDF
PFT-fraction map, a soil NetCDF with ``PCT_SAND`` and ``PCT_CLAY``
(:mod:`tpcarbon.surface.files`).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from tpcarbon.errors import InputError
from tpcarbon.params.vertical import NLEVSOI, Z
from tpcarbon.surface.domain import Domain
from tpcarbon.surface.grid import TP_BBOX, Grid, make_grid
from tpcarbon.surface.regrid import Regridder

#: Elevation threshold of the default mask [m].
MASK_ELEVATION = 2500.0
#: The plateau core the mask must be connected to (lat, lon).
MASK_CORE = (33.0, 90.0)
#: Himalaya-Karakoram crest line (lon, lat): mask cells must lie north of it.
HIMALAYA_CREST = np.array([(73.0, 36.2), (74.6, 35.6), (76.0, 35.3), (77.5, 34.4), (78.5, 32.8), (79.5, 31.0),
                           (81.0, 30.1), (83.0, 29.3), (85.5, 28.5), (87.0, 28.1), (89.0, 27.9), (91.5, 27.9),
                           (93.0, 28.1), (95.0, 28.4), (97.0, 27.6), (98.5, 26.0)])
#: The patches of the default PFT map: bare, NET boreal, BDS boreal shrub, C3 arctic grass.
DEFAULT_PATCH_PFTS = (0, 2, 11, 12)


@lru_cache(maxsize=1)
def load_dem() -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """The bundled 1/12° elevation, flipped to ascending latitude: ``(lat, lon, elev [m])``."""
    with resources.files("tpcarbon.data").joinpath("tp_dem_pvlib_1_12deg.npz").open("rb") as fh:
        d = np.load(fh)
        lat, lon, elev = d["lat"], d["lon"], d["elev"].astype(np.float64)
    if lat[0] > lat[-1]:
        lat, elev = lat[::-1], elev[::-1]
    return np.ascontiguousarray(lat), np.ascontiguousarray(lon), np.ascontiguousarray(elev)


def plateau_mask_fine(threshold: float = MASK_ELEVATION) -> NDArray[np.bool_]:
    """The default plateau mask on the 1/12° elevation grid (see the module docstring)."""
    lat, lon, elev = load_dem()
    crest = np.interp(lon, HIMALAYA_CREST[:, 0], HIMALAYA_CREST[:, 1])
    high = (elev >= threshold) & (lat[:, None] >= crest[None, :])
    labels, _ = ndimage.label(high)
    core = labels[np.argmin(abs(lat - MASK_CORE[0])), np.argmin(abs(lon - MASK_CORE[1]))]
    if core == 0:
        raise ValueError(f"the plateau core {MASK_CORE} is below {threshold} m")
    return labels == core


def aggregate_to_grid(grid: Grid) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Area-weighted elevation [m] and plateau-area fraction [-] on ``grid`` (NaN where the DEM has no data)."""
    lat, lon, elev = load_dem()
    rg = Regridder(lat, lon, grid.lat, grid.lon)
    return rg(elev), rg.fraction(plateau_mask_fine())


def default_pft(prec_mm: NDArray, elev: NDArray) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Rule-based PFT patches per cell (see the module docstring).

    Parameters
    ----------
    prec_mm : ndarray, shape (ncell,)
        Annual precipitation [mm yr-1].
    elev : ndarray, shape (ncell,)
        Elevation [m].

    Returns
    -------
    pft_index, pft_frac : ndarray, shape (ncell, 4)
        CLM PFT indices (bare, 2, 11, 12) and cover fractions summing to 1.

    Examples
    --------
    >>> i, f = default_pft(np.array([60.0, 400.0, 900.0]), np.array([2900.0, 4600.0, 3200.0]))
    >>> f.round(3).tolist()
    [[0.9, 0.0, 0.05, 0.05], [0.0, 0.0, 0.15, 0.85], [0.0, 0.7, 0.15, 0.15]]
    """
    p, z = np.asarray(prec_mm, dtype=np.float64), np.asarray(elev, dtype=np.float64)
    bare = np.clip((200.0 - p) / 150.0, 0.0, 0.9)
    forest = 0.7 * np.clip((p - 500.0) / 300.0, 0.0, 1.0) * np.clip((4000.0 - z) / 500.0, 0.0, 1.0)
    shrub = np.where(p >= 300.0, 0.15, 0.05)
    shrub = np.minimum(shrub, 1.0 - bare - forest)
    grass = 1.0 - bare - forest - shrub
    frac = np.stack([bare, forest, shrub, grass], axis=1)
    idx = np.broadcast_to(np.array(DEFAULT_PATCH_PFTS, dtype=np.int64), frac.shape).copy()
    return idx, frac


def default_soil(prec_mm: NDArray) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Rule-based sand, clay [% by mass] and organic matter density [kg m-3] (ncell, nlevsoi)."""
    p = np.asarray(prec_mm, dtype=np.float64)
    sand = np.where(p < 150, 70.0, np.where(p < 350, 50.0, 40.0))
    clay = np.where(p < 150, 8.0, np.where(p < 350, 15.0, 20.0))
    top = np.where(p < 150, 3.0, np.where(p < 350, 12.0, 30.0))
    z = Z[:NLEVSOI]
    shape = np.where(z < 0.3, 1.0, np.exp(-(z - 0.3) / 0.5))
    return sand, clay, top[:, None] * shape[None, :]


def build_default_domain(res: float = 1.0, bbox: tuple[float, float, float, float] = TP_BBOX,
                         mask: str | None = None, pft: str | None = None, soil: str | None = None,
                         generator_seed: int = 1979) -> Domain:
    """The run's ``Domain``: embedded defaults, each replaceable by a user file.

    Parameters
    ----------
    res : float
        Grid spacing [degrees].
    bbox : tuple
        (south, north, west, east) [degrees].
    mask, pft, soil : str or None
        Paths of user files (``None``: the embedded default).
    generator_seed : int
        Seed of the default weather generator (its climatology drives the PFT and soil rules).
    """
    from tpcarbon.forcing.generator import WeatherGenerator

    grid = make_grid(res, bbox)
    elev_g, frac_g = aggregate_to_grid(grid)
    if mask is None:
        landmask = np.nan_to_num(frac_g) >= 0.5
    else:
        from tpcarbon.surface.files import read_mask

        landmask = read_mask(mask, grid) & np.isfinite(elev_g)
    if not landmask.any():
        raise InputError(mask, f"the region {bbox} at {res}° contains no plateau cells",
                         "check [region] bbox (south, north, west, east) and the mask", variable="mask")
    rows, cols = np.nonzero(landmask)
    elev = elev_g[rows, cols]
    lat, lon = grid.lat[rows], grid.lon[cols]
    clim = WeatherGenerator(seed=generator_seed).climatology(lat, lon, elev)
    sources = ["elevation: pvlib/Mapzen 1/12°", "mask: " + ("default (>=2500 m, connected, north of crest)"
                                                              if mask is None else str(mask))]
    if pft is None:
        pft_index, pft_frac = default_pft(clim["prec_mm"], elev)
        sources.append("PFT: rule-based default")
    else:
        from tpcarbon.surface.files import read_pft

        pft_index, pft_frac = read_pft(pft, grid, rows, cols)
        sources.append(f"PFT: {pft}")
    sand, clay, organic = default_soil(clim["prec_mm"])
    if soil is None:
        sources.append("soil: rule-based default")
    else:
        from tpcarbon.surface.files import read_soil

        sand, clay = read_soil(soil, grid, rows, cols)
        sources.append(f"soil texture: {soil}")
    return Domain(grid=grid, landmask=landmask, elevation=elev, pft_index=pft_index, pft_frac=pft_frac,
                  sand=sand, clay=clay, organic=organic, landfrac=np.ones(rows.size), source="; ".join(sources))
