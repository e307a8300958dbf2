"""The ``Domain``: the land cells of a run and their surface properties.

The model works on a compressed list of land cells (``ncell``), each with up to
``npatch`` plant-functional-type patches sharing one soil column (as CLM's natural
vegetation land unit). ``Domain`` holds that list and maps it to and from the 2-D
grid for I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from tpcarbon.errors import InputError
from tpcarbon.surface.grid import Grid


@dataclass(frozen=True)
class Domain:
    """Land cells of a run.

    Attributes
    ----------
    grid : Grid
        The regular grid the cells live on.
    landmask : ndarray of bool, shape (nlat, nlon)
        True for a simulated land cell.
    elevation : ndarray, shape (ncell,)
        Mean surface elevation [m].
    pft_index : ndarray of int64, shape (ncell, npatch)
        CLM natural PFT index (0 bare ... 14 C4 grass) of each patch.
    pft_frac : ndarray, shape (ncell, npatch)
        Fraction of the cell's land covered by each patch [-]; rows sum to 1,
        unused patch slots have fraction 0.
    sand, clay : ndarray, shape (ncell,)
        Soil texture [% by mass], uniform with depth.
    organic : ndarray, shape (ncell, nlevsoi)
        Soil organic matter density rho_om [kg m-3] per active soil layer (CLM ``ORGANIC``).
    landfrac : ndarray, shape (ncell,)
        Land fraction of the cell [-] (1 for the embedded default).
    source : str
        Where the surface data came from (written to provenance).
    soil_color : ndarray of int64, shape (ncell,), optional
        CLM soil colour class (1-20, CLM ``SOIL_COLOR``) of the soil albedo; None = the default class
        ``SOIL_COLOR_DEFAULT`` for every cell.
    """

    grid: Grid
    landmask: NDArray[np.bool_]
    elevation: NDArray[np.float64]
    pft_index: NDArray[np.int64]
    pft_frac: NDArray[np.float64]
    sand: NDArray[np.float64]
    clay: NDArray[np.float64]
    organic: NDArray[np.float64]
    landfrac: NDArray[np.float64]
    source: str = "embedded default"
    soil_color: NDArray[np.int64] | None = None
    _rows: NDArray[np.int64] = field(init=False, repr=False)
    _cols: NDArray[np.int64] = field(init=False, repr=False)

    def __post_init__(self):
        rows, cols = np.nonzero(self.landmask)
        object.__setattr__(self, "_rows", rows.astype(np.int64))
        object.__setattr__(self, "_cols", cols.astype(np.int64))
        n = rows.size
        if n == 0:
            raise InputError(None, "the region contains no land cells", "enlarge the region or check the mask",
                             variable="landmask")
        for name in ("elevation", "sand", "clay", "landfrac"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"Domain.{name} must have shape ({n},), got {getattr(self, name).shape}")
        if self.pft_index.shape != self.pft_frac.shape or self.pft_index.shape[0] != n:
            raise ValueError("Domain.pft_index and pft_frac must both have shape (ncell, npatch)")
        if self.organic.shape[0] != n:
            raise ValueError("Domain.organic must have shape (ncell, nlevsoi)")
        if self.soil_color is not None:
            sc = np.asarray(self.soil_color)
            if sc.shape != (n,) or sc.min() < 1 or sc.max() > 20:
                raise ValueError(f"Domain.soil_color must be ({n},) integers in 1..20")

    # ------------------------------------------------------------------ sizes
    @property
    def ncell(self) -> int:
        """Number of land cells."""
        return int(self._rows.size)

    @property
    def npatch(self) -> int:
        """Maximum number of PFT patches per cell."""
        return int(self.pft_index.shape[1])

    @property
    def rows(self) -> NDArray[np.int64]:
        """Row (latitude) index of each cell in the grid, shape (ncell,)."""
        return self._rows

    @property
    def cols(self) -> NDArray[np.int64]:
        """Column (longitude) index of each cell in the grid, shape (ncell,)."""
        return self._cols

    @property
    def lat(self) -> NDArray[np.float64]:
        """Cell-centre latitude [degrees_north], shape (ncell,)."""
        return self.grid.lat[self._rows]

    @property
    def lon(self) -> NDArray[np.float64]:
        """Cell-centre longitude [degrees_east], shape (ncell,)."""
        return self.grid.lon[self._cols]

    @property
    def area(self) -> NDArray[np.float64]:
        """Cell area [m2], shape (ncell,)."""
        return self.grid.cell_area()[self._rows, self._cols]

    @property
    def land_area(self) -> NDArray[np.float64]:
        """Land area of each cell = area x landfrac [m2], shape (ncell,)."""
        return self.area * self.landfrac

    # ------------------------------------------------------------- mapping
    def to_grid(self, values: np.ndarray, fill: float = np.nan) -> np.ndarray:
        """Scatter ``(..., ncell)`` values onto ``(..., nlat, nlon)``, ``fill`` outside the mask."""
        values = np.asarray(values)
        out = np.full(values.shape[:-1] + self.grid.shape, fill, dtype=np.result_type(values.dtype, np.float64))
        out[..., self._rows, self._cols] = values
        return out

    def from_grid(self, gridded: np.ndarray) -> np.ndarray:
        """Gather ``(..., nlat, nlon)`` values at the land cells: ``(..., ncell)``."""
        return np.asarray(gridded)[..., self._rows, self._cols]

    def subset(self, cells: NDArray[np.int64]) -> Domain:
        """A domain holding only the given cell indices (for spatial chunks)."""
        cells = np.asarray(cells, dtype=np.int64)
        mask = np.zeros_like(self.landmask)
        mask[self._rows[cells], self._cols[cells]] = True
        # keep the row-major order of the new mask
        order = np.argsort(self._rows[cells] * self.grid.shape[1] + self._cols[cells], kind="stable")
        c = cells[order]
        return Domain(grid=self.grid, landmask=mask, elevation=self.elevation[c], pft_index=self.pft_index[c],
                      pft_frac=self.pft_frac[c], sand=self.sand[c], clay=self.clay[c], organic=self.organic[c],
                      landfrac=self.landfrac[c], source=self.source,
                      soil_color=None if self.soil_color is None else np.asarray(self.soil_color)[c])

    def to_dataset(self) -> xr.Dataset:
        """The surface data as a CF dataset on the 2-D grid (for outputs and restarts)."""
        lat = xr.DataArray(self.grid.lat, dims="lat", attrs={"units": "degrees_north", "standard_name": "latitude"})
        lon = xr.DataArray(self.grid.lon, dims="lon", attrs={"units": "degrees_east", "standard_name": "longitude"})
        g = self.to_grid
        ds = xr.Dataset(
            {
                "landmask": (("lat", "lon"), self.landmask.astype(np.int8),
                             {"long_name": "land mask of simulated cells", "units": "1", "flag_values": "0 1"}),
                "area": (("lat", "lon"), self.grid.cell_area(), {"long_name": "cell area", "units": "m2",
                                                                  "standard_name": "cell_area"}),
                "landfrac": (("lat", "lon"), g(self.landfrac), {"long_name": "land fraction", "units": "1"}),
                "elevation": (("lat", "lon"), g(self.elevation), {"long_name": "surface elevation", "units": "m",
                                                                  "standard_name": "surface_altitude"}),
            },
            coords={"lat": lat, "lon": lon},
        )
        return ds
