"""The soil column: CLM5's ``20SL_8.5m`` layer structure with bedrock below 3.26 m.

CLM5 (spec §6.1, ``initVerticalMod.F90`` l.259-281) defines 20 soil layers to 8.6 m
and 5 bedrock layers to 49.6 m; the surface dataset's ``zbedrock`` then marks the
layers below the depth to bedrock as bedrock for hydrology and biogeochemistry.
tpcarbon keeps all 25 layers for heat conduction and, as a documented departure,
uses one depth to bedrock everywhere: the first ``NLEVSOI = 14`` layers (to 3.26 m,
the ~3 m the plateau literature gives) carry water and soil carbon; layers 15-25
conduct heat with bedrock properties. Its effect: no water or carbon below 3.26 m,
as in a CLM5 cell whose ``zbedrock`` is 3.26 m.
"""

from __future__ import annotations

import numpy as np

#: Number of ground layers that conduct heat (CLM ``nlevgrnd``).
NLEVGRND = 25
#: Number of hydrologically and biogeochemically active layers above bedrock (``nbedrock``).
NLEVSOI = 14
#: Index (0-based) of CLM's "soil layer 3" (node 0.09 m) used by phenology (spec §3.3).
PHENO_LAYER = 2


def _layer_thickness() -> np.ndarray:
    """Layer thicknesses Δz_j [m] of ``20SL_8.5m`` + 5 bedrock layers (spec §6.1)."""
    dz = np.empty(NLEVGRND, dtype=np.float64)
    for j in range(1, 5):
        dz[j - 1] = 0.02 * j
    for j in range(5, 14):
        dz[j - 1] = dz[3] + 0.04 * (j - 4)
    for j in range(14, 21):
        dz[j - 1] = dz[12] + 0.10 * (j - 13)
    for j in range(21, 26):
        dz[j - 1] = dz[19] + (25.0 * (j - 20)) ** 1.5 / 100.0
    return dz


#: Layer thicknesses [m], shape (NLEVGRND,).
DZ = _layer_thickness()
#: Interface depths (bottom of each layer) [m], shape (NLEVGRND,).
ZI = np.cumsum(DZ)
#: Node depths (layer centres) [m], shape (NLEVGRND,).
Z = ZI - 0.5 * DZ
#: Top interface of each layer [m], shape (NLEVGRND,).
ZI_TOP = ZI - DZ

for _a in (DZ, ZI, Z, ZI_TOP):
    _a.setflags(write=False)
