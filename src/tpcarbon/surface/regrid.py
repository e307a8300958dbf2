"""Conservative (area-weighted) regridding between regular latitude-longitude grids.

On a sphere the area of the overlap of two lat/lon cells is
``R^2 * overlap(lon) * overlap(sin lat)``, so the weights separate into a latitude
matrix (overlap in sin φ) and a longitude matrix (overlap in λ). A field ``F`` on the
source grid becomes

.. math:: \\bar F = \\frac{W_\\varphi (m F) W_\\lambda^T}{W_\\varphi\\, m\\, W_\\lambda^T}

with ``m`` the valid-data mask (NaN cells are excluded from both sums). The result is
the exact area-weighted mean over each target cell of the valid source area.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def edges_from_centres(centres: NDArray[np.float64]) -> NDArray[np.float64]:
    """Cell edges of a regular axis from its (ascending) centres.

    Examples
    --------
    >>> edges_from_centres(np.array([0.5, 1.5, 2.5])).tolist()
    [0.0, 1.0, 2.0, 3.0]
    """
    c = np.asarray(centres, dtype=np.float64)
    if c.size == 1:
        raise ValueError("an axis with one cell has no defined spacing")
    d = np.diff(c).mean()
    return np.concatenate([c[:1] - d / 2, (c[:-1] + c[1:]) / 2, c[-1:] + d / 2])


def overlap_matrix(src_edges: NDArray[np.float64], dst_edges: NDArray[np.float64]) -> NDArray[np.float64]:
    """Length of the overlap of each destination interval with each source interval.

    Returns
    -------
    ndarray, shape (ndst, nsrc)
        ``W[i, j] = max(0, min(b_i, b_j) - max(a_i, a_j))`` in the units of the edges.
    """
    a = np.maximum(dst_edges[:-1, None], src_edges[None, :-1])
    b = np.minimum(dst_edges[1:, None], src_edges[None, 1:])
    w = np.clip(b - a, 0.0, None)
    # overlaps of rounding size (edges computed from float centres) are not overlaps
    tiny = 1e-9 * np.diff(src_edges).min()
    return np.where(w > tiny, w, 0.0)


class Regridder:
    """Area-conservative regridder from one regular lat/lon grid to another (both axes ascending).

    Parameters
    ----------
    src_lat, src_lon, dst_lat, dst_lon : ndarray
        Cell centres [degrees], ascending.
    """

    def __init__(self, src_lat, src_lon, dst_lat, dst_lon):
        s_lat = np.deg2rad(edges_from_centres(src_lat))
        d_lat = np.deg2rad(edges_from_centres(dst_lat))
        self.w_lat = overlap_matrix(np.sin(s_lat), np.sin(d_lat))
        self.w_lon = overlap_matrix(edges_from_centres(src_lon), edges_from_centres(dst_lon))

    def __call__(self, field: NDArray[np.floating]) -> NDArray[np.float64]:
        """Area-weighted mean of ``field`` (nlat_src, nlon_src) over each destination cell; NaN if no valid data."""
        f = np.asarray(field, dtype=np.float64)
        valid = np.isfinite(f)
        num = self.w_lat @ np.where(valid, f, 0.0) @ self.w_lon.T
        den = self.w_lat @ valid.astype(np.float64) @ self.w_lon.T
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)

    def fraction(self, indicator: NDArray[np.bool_]) -> NDArray[np.float64]:
        """Area fraction of each destination cell where ``indicator`` is True (over the source's footprint)."""
        return self(np.asarray(indicator, dtype=np.float64))
