"""Surface data of a run: grid, land mask, elevation, PFT map, soil texture (the ``Domain``)."""

from tpcarbon.surface.domain import Domain
from tpcarbon.surface.grid import Grid, make_grid

__all__ = ["Domain", "Grid", "make_grid"]
