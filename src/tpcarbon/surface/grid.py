"""Regular latitude-longitude grids and cell areas on a sphere."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tpcarbon.constants import CONST
from tpcarbon.errors import ConfigError

#: The default study region: the Tibetan Plateau box (south, north, west, east), degrees.
TP_BBOX: tuple[float, float, float, float] = (26.0, 40.0, 73.0, 105.0)

#: Run resolutions the embedded default supports (degrees). CMFD's native grid is 0.1°.
SUPPORTED_RESOLUTIONS: tuple[float, ...] = (1.0, 0.5, 0.25, 0.1)


@dataclass(frozen=True)
class Grid:
    """A regular lat/lon grid of cell centres, both axes ascending.

    Attributes
    ----------
    lat : ndarray, shape (nlat,)
        Cell-centre latitudes [degrees_north], ascending (CMFD convention).
    lon : ndarray, shape (nlon,)
        Cell-centre longitudes [degrees_east], ascending.
    res : float
        Grid spacing [degrees].
    """

    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    res: float

    @property
    def shape(self) -> tuple[int, int]:
        """``(nlat, nlon)``."""
        return (self.lat.size, self.lon.size)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """Outer edges ``(south, north, west, east)`` in degrees."""
        h = self.res / 2.0
        return (float(self.lat[0] - h), float(self.lat[-1] + h), float(self.lon[0] - h), float(self.lon[-1] + h))

    def cell_area(self) -> NDArray[np.float64]:
        """Cell areas on a sphere of radius ``CONST.earth_radius``.

        .. math:: A = R^2 \\, \\Delta\\lambda \\, (\\sin\\varphi_2 - \\sin\\varphi_1)

        Returns
        -------
        ndarray, shape (nlat, nlon)
            Area [m2].
        """
        h = np.deg2rad(self.res / 2.0)
        phi = np.deg2rad(self.lat)
        band = CONST.earth_radius**2 * np.deg2rad(self.res) * (np.sin(phi + h) - np.sin(phi - h))
        return np.repeat(band[:, None], self.lon.size, axis=1)


def make_grid(res: float, bbox: tuple[float, float, float, float] = TP_BBOX) -> Grid:
    """Build the regular grid of spacing ``res`` covering ``bbox`` = (south, north, west, east).

    Cell edges fall on multiples of ``res`` from the box's south-west corner, so the
    0.1° grid coincides with CMFD's cell centres (x.x5°).

    Examples
    --------
    >>> g = make_grid(1.0)
    >>> g.shape, float(g.lat[0]), float(g.lon[-1])
    ((14, 32), 26.5, 104.5)
    """
    south, north, west, east = bbox
    if not (res > 0 and north > south and east > west):
        raise ConfigError(None, f"invalid region {bbox} or resolution {res}", "give south<north, west<east, res>0",
                          variable="region")
    nlat = int(round((north - south) / res))
    nlon = int(round((east - west) / res))
    if nlat < 1 or nlon < 1:
        raise ConfigError(None, f"region {bbox} is smaller than one {res}° cell", "enlarge the region",
                          variable="region")
    lat = np.round(south + res * (np.arange(nlat) + 0.5), 6)
    lon = np.round(west + res * (np.arange(nlon) + 0.5), 6)
    return Grid(lat=lat.astype(np.float64), lon=lon.astype(np.float64), res=float(res))
