"""Small hand-made domains for tests and examples (no surface-data files needed)."""

from __future__ import annotations

import numpy as np

from tpcarbon.params.vertical import NLEVSOI, Z
from tpcarbon.surface.domain import Domain
from tpcarbon.surface.grid import make_grid


def small_domain(npatch: int = 2) -> Domain:
    """Four plateau-like cells on a 1° grid (29-33°N, 88-92°E).

    Cells (row-major): alpine grass (PFT 12); grass + boreal deciduous shrub (12 + 11);
    needleleaf evergreen boreal forest (2); half bare (0) + grass (12).
    """
    grid = make_grid(1.0, bbox=(29.0, 33.0, 88.0, 92.0))
    mask = np.zeros(grid.shape, dtype=bool)
    mask[0, 0] = mask[0, 3] = mask[2, 1] = mask[3, 2] = True
    pft = np.zeros((4, npatch), dtype=np.int64)
    frac = np.zeros((4, npatch))
    pft[0, 0], frac[0, 0] = 12, 1.0
    pft[1, 0], frac[1, 0] = 12, 0.6
    pft[2, 0], frac[2, 0] = 2, 1.0
    pft[3, 0], frac[3, 0] = 12, 0.5
    if npatch > 1:
        pft[1, 1], frac[1, 1] = 11, 0.4
        pft[3, 1], frac[3, 1] = 0, 0.5
    else:
        frac[:, 0] = 1.0
    organic = np.where(Z[:NLEVSOI] < 0.3, 20.0, 2.0)[None, :].repeat(4, axis=0)
    return Domain(grid=grid, landmask=mask, elevation=np.array([4500.0, 4200.0, 3500.0, 4800.0]),
                  pft_index=pft, pft_frac=frac, sand=np.full(4, 40.0), clay=np.full(4, 20.0), organic=organic,
                  landfrac=np.ones(4), source="tpcarbon.testing.small_domain")
