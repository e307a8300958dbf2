"""Process kernels: pure numba-compiled functions, one process per module.

Canonical units inside ``physics/`` (kernels never convert):

==========================  ========================================
quantity                    unit
==========================  ========================================
temperature                 K
pressure, vapour pressure   Pa
radiation                   W m-2
leaf gas exchange           µmol m-2 (leaf) s-1
carbon pools                g C m-2 (column totals), g C m-3 (per soil layer)
carbon fluxes               g C m-2 s-1
water                       kg m-2 (= mm) and kg m-2 s-1 (= mm s-1)
soil water content          m3 m-3
soil water potential        mm (CLM ``smp``) or MPa (CLM ``soilpsi``), named in each kernel
time                        s
==========================  ========================================

Kernels hold no literals except 0, 1, 2 and exact conversions: every parameter
comes from :mod:`tpcarbon.constants` or :mod:`tpcarbon.params`.
"""

from numba import njit

#: Decorator for scalar kernels: compiled once, cached on disk, inlined by numba's optimiser.
kernel = njit(cache=True, fastmath=False, nogil=True, error_model="numpy")

__all__ = ["kernel"]
