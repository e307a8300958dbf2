"""CLM5 parameters read from the default parameter file ``clm5_params.c171117.nc``.

``PftParams`` is a struct-of-arrays (one float64 array per trait, indexed by CLM PFT
0-14, the natural PFTs) and ``ScalarParams`` holds the all-PFT scalars (spec §2, tables
T-A ... T-K). Both are ``NamedTuple`` so numba kernels take them as arguments.
Names are CLM's. The file is read with ``scipy.io.netcdf_file`` (netCDF-3 classic).

The few tpcarbon-specific parameters (the FUN-lite N-acquisition cost, spec §4.4
option 2) are set here too, with their calibration stated.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np
from scipy.io import netcdf_file

from tpcarbon.errors import InputError

#: Number of natural PFTs (0 bare ... 14 C4 grass) tpcarbon simulates.
NPFT = 15

#: CLM PFT names of the parameter file (``pftname``), indices 0-14.
PFT_NAMES: tuple[str, ...] = (
    "not_vegetated",
    "needleleaf_evergreen_temperate_tree",
    "needleleaf_evergreen_boreal_tree",
    "needleleaf_deciduous_boreal_tree",
    "broadleaf_evergreen_tropical_tree",
    "broadleaf_evergreen_temperate_tree",
    "broadleaf_deciduous_tropical_tree",
    "broadleaf_deciduous_temperate_tree",
    "broadleaf_deciduous_boreal_tree",
    "broadleaf_evergreen_shrub",
    "broadleaf_deciduous_temperate_shrub",
    "broadleaf_deciduous_boreal_shrub",
    "c3_arctic_grass",
    "c3_non-arctic_grass",
    "c4_grass",
)

#: PFT traits read from the file (CLM names), all indexed by PFT.
_PFT_FIELDS = (
    "c3psn", "woody", "evergreen", "season_decid", "stress_decid",
    "slatop", "dsladlai", "leaf_long",
    "leafcn", "lflitcn", "frootcn", "livewdcn", "deadwdcn",
    "froot_leaf", "stem_leaf", "croot_stem", "flivewd", "grperc", "grpnow",
    "lf_flab", "lf_fcel", "lf_flig", "fr_flab", "fr_fcel", "fr_flig",
    "i_vcad", "s_vcad", "lmr_intercept_atkin", "medlynslope", "medlynintercept",
    "smpso", "smpsc", "z0mr", "displar", "dleaf", "xl",
    "rholvis", "rholnir", "taulvis", "taulnir", "rhosvis", "rhosnir", "tausvis", "tausnir",
    # nitrogen (FUN, CNFUNMod.F90; read per PFT by pftconMod.F90 l.757-802)
    "perecm", "FUN_fracfixers", "kc_nonmyc", "kn_nonmyc", "akc_active", "akn_active", "ekc_active",
    "ekn_active", "kr_resorb", "fun_cn_flex_a", "fun_cn_flex_b", "fun_cn_flex_c",
    "a_fix", "b_fix", "c_fix", "s_fix",
)


class PftParams(NamedTuple):
    """Per-PFT parameters (arrays of shape (NPFT,), float64), CLM names (spec §2)."""

    c3psn: np.ndarray
    woody: np.ndarray
    evergreen: np.ndarray
    season_decid: np.ndarray
    stress_decid: np.ndarray
    slatop: np.ndarray
    dsladlai: np.ndarray
    leaf_long: np.ndarray
    leafcn: np.ndarray
    lflitcn: np.ndarray
    frootcn: np.ndarray
    livewdcn: np.ndarray
    deadwdcn: np.ndarray
    froot_leaf: np.ndarray
    stem_leaf: np.ndarray
    croot_stem: np.ndarray
    flivewd: np.ndarray
    grperc: np.ndarray
    grpnow: np.ndarray
    lf_flab: np.ndarray
    lf_fcel: np.ndarray
    lf_flig: np.ndarray
    fr_flab: np.ndarray
    fr_fcel: np.ndarray
    fr_flig: np.ndarray
    i_vcad: np.ndarray
    s_vcad: np.ndarray
    lmr_intercept_atkin: np.ndarray
    medlynslope: np.ndarray
    medlynintercept: np.ndarray
    smpso: np.ndarray
    smpsc: np.ndarray
    z0mr: np.ndarray
    displar: np.ndarray
    dleaf: np.ndarray
    xl: np.ndarray
    rholvis: np.ndarray
    rholnir: np.ndarray
    taulvis: np.ndarray
    taulnir: np.ndarray
    rhosvis: np.ndarray
    rhosnir: np.ndarray
    tausvis: np.ndarray
    tausnir: np.ndarray
    rootbeta_water: np.ndarray
    """Jackson (1996) root distribution β for water (``rootprof_beta`` variant 1, Table T-G)."""
    rootbeta_carbon: np.ndarray
    """Jackson (1996) root distribution β for carbon (``rootprof_beta`` variant 2, Table T-G)."""
    shrub: np.ndarray
    """1 for shrubs (PFT 9-11: taper 10, snow burial as woody), else 0 (``pftconMod.F90``)."""
    fun_kappa: np.ndarray
    """FUN-lite effective N-acquisition cost κ [g C g-1 N] (spec §4.4 option 2; tpcarbon calibration)."""
    perecm: np.ndarray
    """Fraction of N uptake through ectomycorrhizal (ECM) fungi; 1 − perecm through arbuscular (AM) [-]."""
    FUN_fracfixers: np.ndarray
    """Largest fraction of available C that can pay for symbiotic N fixation [-] (0.25; bare 0)."""
    kc_nonmyc: np.ndarray
    """Non-mycorrhizal uptake cost constant on root C, k_c [g C m-2 per g C g-1 N] (file units "gC/m3")."""
    kn_nonmyc: np.ndarray
    """Non-mycorrhizal uptake cost constant on soil N, k_n [g C m-2 per g C g-1 N] (file units "gC/m2")."""
    akc_active: np.ndarray
    """AM active uptake cost constant on root C [as kc_nonmyc]."""
    akn_active: np.ndarray
    """AM active uptake cost constant on soil N [as kn_nonmyc]."""
    ekc_active: np.ndarray
    """ECM active uptake cost constant on root C [as kc_nonmyc]."""
    ekn_active: np.ndarray
    """ECM active uptake cost constant on soil N [as kn_nonmyc]."""
    kr_resorb: np.ndarray
    """Retranslocation cost constant on file (24). Read by CLM5.0 ``pftconMod`` but not used: FUN's
    ``fun_retranslocation`` uses 1/leafcn instead (``CNFUNMod.F90`` l.1740)."""
    fun_cn_flex_a: np.ndarray
    """FUN–flexible C:N link, cost offset a [g C g-1 N] (5)."""
    fun_cn_flex_b: np.ndarray
    """FUN–flexible C:N link, cost scale b [g C g-1 N] (100)."""
    fun_cn_flex_c: np.ndarray
    """FUN–flexible C:N link, leaf C:N excess scale c [g C g-1 N] (8)."""
    a_fix: np.ndarray
    """Houlton et al. (2008) fixation temperature response a [-] (−3.62; float32 on file)."""
    b_fix: np.ndarray
    """Houlton et al. (2008) fixation temperature response b [°C-1] (0.27)."""
    c_fix: np.ndarray
    """Houlton et al. (2008) fixation temperature response c [°C] (25.15)."""
    s_fix: np.ndarray
    """Baseline cost of symbiotic fixation s [g C g-1 N] (−6; the cost is −s/(1.25 f(T)))."""


    def as_matrix(self) -> np.ndarray:
        """The parameters packed as a float64 matrix (NPFT, NFIELD) for numba kernels; column k is field k,
        named by the ``PFT_<FIELD>`` constants of this module."""
        return np.ascontiguousarray(np.stack([np.asarray(getattr(self, f), dtype=np.float64) for f in self._fields],
                                             axis=1))


class ScalarParams(NamedTuple):
    """All-PFT scalar parameters (floats) from the file (spec §2 Table T-K)."""

    br_mr: float
    q10_mr: float
    froz_q10: float
    minpsi_hr: float
    maxpsi_hr: float
    mino2lim: float
    decomp_depth_efolding: float
    tau_l1: float
    tau_l2_l3: float
    tau_s1: float
    tau_s2: float
    tau_s3: float
    tau_cwd: float
    rf_l1s1_bgc: float
    rf_l2s1_bgc: float
    rf_l3s2_bgc: float
    rf_s2s1_bgc: float
    rf_s2s3_bgc: float
    rf_s3s1_bgc: float
    cwd_fcel: float
    cwd_flig: float
    crit_dayl: float
    ndays_on: float
    ndays_off: float
    fstor2tran: float
    crit_onset_fdd: float
    crit_onset_swi: float
    soilpsi_on: float
    crit_offset_fdd: float
    crit_offset_swi: float
    soilpsi_off: float
    lwtop_ann: float
    gddfunc_p1: float
    gddfunc_p2: float
    r_mort: float
    dayscrecover: float
    som_diffus: float
    cryoturb_diffusion_k: float
    max_altdepth_cryoturbation: float
    max_altmultiplier_cryoturb: float
    organic_max: float
    # ---- nitrogen cycle (CLM5 BGC with use_nitrif_denitrif; read as CTSM reads them)
    cn_s1_bgc: float
    """C:N of SOM 1 [g C g-1 N] (8; ``SoilBiogeochemDecompCascadeBGCMod.F90`` l.215)."""
    cn_s2_bgc: float
    """C:N of SOM 2 [g C g-1 N] (11)."""
    cn_s3_bgc: float
    """C:N of SOM 3 [g C g-1 N] (11)."""
    rf_cwdl2_bgc: float
    """Respired fraction of CWD → L2 [-] (0)."""
    rf_cwdl3_bgc: float
    """Respired fraction of CWD → L3 [-] (0)."""
    compet_plant_no3: float
    """Relative competitiveness of plants for NO3 [-] (1; ``SoilBiogeochemCompetitionMod.F90`` l.110)."""
    compet_plant_nh4: float
    """Relative competitiveness of plants for NH4 [-] (1)."""
    compet_decomp_no3: float
    """Relative competitiveness of immobilisers for NO3 [-] (1)."""
    compet_decomp_nh4: float
    """Relative competitiveness of immobilisers for NH4 [-] (1)."""
    compet_denit: float
    """Relative competitiveness of denitrifiers for NO3 [-] (1)."""
    compet_nit: float
    """Relative competitiveness of nitrifiers for NH4 [-] (1)."""
    sf_no3: float
    """Soluble fraction of NO3 for leaching [-] (1; ``SoilBiogeochemNLeachingMod.F90`` l.60)."""
    surface_tension_water: float
    """Surface tension of water [J m-2] (0.073; Arah & Vinten 1995; ``SoilBiogeochemNitrifDenitrifMod``)."""
    rij_kro_a: float
    """Arah & Vinten (1995) anoxic-fraction parameter a [-] (1.5e-10)."""
    rij_kro_alpha: float
    """Arah & Vinten (1995) α [-] (1.26)."""
    rij_kro_beta: float
    """Arah & Vinten (1995) β [-] (0.6)."""
    rij_kro_gamma: float
    """Arah & Vinten (1995) γ [-] (0.6)."""
    rij_kro_delta: float
    """Arah & Vinten (1995) δ [-] (0.85)."""


#: Column indices of :meth:`PftParams.as_matrix` (kernels index ``pftm[ip, PFT_SLATOP]``).
PFT_C3PSN = 0
PFT_WOODY = 1
PFT_EVERGREEN = 2
PFT_SEASON_DECID = 3
PFT_STRESS_DECID = 4
PFT_SLATOP = 5
PFT_DSLADLAI = 6
PFT_LEAF_LONG = 7
PFT_LEAFCN = 8
PFT_LFLITCN = 9
PFT_FROOTCN = 10
PFT_LIVEWDCN = 11
PFT_DEADWDCN = 12
PFT_FROOT_LEAF = 13
PFT_STEM_LEAF = 14
PFT_CROOT_STEM = 15
PFT_FLIVEWD = 16
PFT_GRPERC = 17
PFT_GRPNOW = 18
PFT_LF_FLAB = 19
PFT_LF_FCEL = 20
PFT_LF_FLIG = 21
PFT_FR_FLAB = 22
PFT_FR_FCEL = 23
PFT_FR_FLIG = 24
PFT_I_VCAD = 25
PFT_S_VCAD = 26
PFT_LMR_INTERCEPT_ATKIN = 27
PFT_MEDLYNSLOPE = 28
PFT_MEDLYNINTERCEPT = 29
PFT_SMPSO = 30
PFT_SMPSC = 31
PFT_Z0MR = 32
PFT_DISPLAR = 33
PFT_DLEAF = 34
PFT_XL = 35
PFT_RHOLVIS = 36
PFT_RHOLNIR = 37
PFT_TAULVIS = 38
PFT_TAULNIR = 39
PFT_RHOSVIS = 40
PFT_RHOSNIR = 41
PFT_TAUSVIS = 42
PFT_TAUSNIR = 43
PFT_ROOTBETA_WATER = 44
PFT_ROOTBETA_CARBON = 45
PFT_SHRUB = 46
PFT_FUN_KAPPA = 47
PFT_PERECM = 48
PFT_FUN_FRACFIXERS = 49
PFT_KC_NONMYC = 50
PFT_KN_NONMYC = 51
PFT_AKC_ACTIVE = 52
PFT_AKN_ACTIVE = 53
PFT_EKC_ACTIVE = 54
PFT_EKN_ACTIVE = 55
PFT_KR_RESORB = 56
PFT_FUN_CN_FLEX_A = 57
PFT_FUN_CN_FLEX_B = 58
PFT_FUN_CN_FLEX_C = 59
PFT_A_FIX = 60
PFT_B_FIX = 61
PFT_C_FIX = 62
PFT_S_FIX = 63
NFIELD = 64


class Params(NamedTuple):
    """Everything the model reads from the parameter file, plus its source path."""

    pft: PftParams
    scalar: ScalarParams
    source: str

    @property
    def pft_matrix(self) -> np.ndarray:
        """:meth:`PftParams.as_matrix` (what kernels receive)."""
        return self.pft.as_matrix()


#: FUN-lite effective N-acquisition cost κ [g C g-1 N] by PFT (spec §4.4 option 2).
#: CLM5 has no single default value (FUN computes costs from soil mineral N and root C).
#: tpcarbon calibration: κ chosen so that the C spent on N uptake is ~25 % of available
#: C for grasses and shrubs and ~20 % for trees (C_N = availc / [(1+g1) CN_plant/κ + 1]),
#: in the middle of the 15-30 % FUN cost share CLM5 simulates for cold, N-poor biomes
#: (Shi et al. 2016, GCB 22:1299). A departure; see docs/model.md.
FUN_KAPPA_DEFAULT = {"tree": 12.0, "shrub": 12.0, "grass": 13.0}


def _default_paramfile() -> Path:
    return Path(str(resources.files("tpcarbon.data").joinpath("clm5_params.c171117.nc")))


def _read(f: netcdf_file, name: str, path: Path) -> np.ndarray:
    if name not in f.variables:
        raise InputError(path, f"variable '{name}' is missing from the CLM5 parameter file",
                         "use the CLM5.0 default file clm5_params.c171117.nc or one derived from it", variable=name)
    return np.array(f.variables[name].data, dtype=np.float64)


@lru_cache(maxsize=4)
def load_params(paramfile: str | None = None) -> Params:
    """Read PFT and scalar parameters from a CLM5 parameter file.

    Parameters
    ----------
    paramfile : str, optional
        Path to a CLM5 parameter file; default the bundled ``clm5_params.c171117.nc``.

    Returns
    -------
    Params

    Examples
    --------
    >>> p = load_params()
    >>> float(p.pft.slatop[12]), float(p.pft.medlynslope[12]), p.scalar.q10_mr
    (0.04024, 2.22, 1.5)
    """
    path = Path(paramfile) if paramfile else _default_paramfile()
    if not path.exists():
        raise InputError(path, "parameter file not found", "give an existing CLM5 parameter file")
    try:
        f = netcdf_file(path, "r", mmap=False)
    except Exception as exc:  # noqa: BLE001 - any read failure is a bad input
        raise InputError(path, f"cannot read the parameter file ({exc})", "give a netCDF-3 CLM5 parameter file") \
            from None
    with f:
        pft = {name: _read(f, name, path)[:NPFT] for name in _PFT_FIELDS}
        beta = _read(f, "rootprof_beta", path)
        pft["rootbeta_water"] = beta[0, :NPFT].copy()
        pft["rootbeta_carbon"] = beta[1, :NPFT].copy()
        shrub = np.zeros(NPFT)
        shrub[9:12] = 1.0
        pft["shrub"] = shrub
        kappa = np.full(NPFT, FUN_KAPPA_DEFAULT["grass"])
        kappa[1:9] = FUN_KAPPA_DEFAULT["tree"]
        kappa[9:12] = FUN_KAPPA_DEFAULT["shrub"]
        kappa[0] = 0.0
        pft["fun_kappa"] = kappa
        # 'medlynslope' etc. are float32 on file: round-trip through float32 repr to keep CLM's values
        for k in ("medlynslope", "slatop", "leaf_long"):
            pft[k] = np.array([float(np.format_float_positional(np.float32(v), unique=True)) for v in pft[k]])
        scalars = {name: float(_read(f, name, path).ravel()[0]) for name in ScalarParams._fields}
    return Params(pft=PftParams(**pft), scalar=ScalarParams(**scalars), source=str(path))


def pft_index_from_name(name: str) -> int:
    """CLM PFT index from its name or an unambiguous prefix.

    Examples
    --------
    >>> pft_index_from_name("c3_arctic_grass"), pft_index_from_name("needleleaf_evergreen_boreal")
    (12, 2)
    """
    key = name.strip().lower()
    if key in PFT_NAMES:
        return PFT_NAMES.index(key)
    hits = [i for i, n in enumerate(PFT_NAMES) if n.startswith(key)]
    if len(hits) == 1:
        return hits[0]
    what = "matches no PFT" if not hits else f"is ambiguous ({', '.join(PFT_NAMES[i] for i in hits)})"
    raise InputError(None, f"PFT name '{name}' {what}", f"use one of: {', '.join(PFT_NAMES[1:])}", variable="--pft")
