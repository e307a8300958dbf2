"""Model state: a NamedTuple of packed float64 arrays, with named indices into each.

Cells are the leading axis. Patches (PFTs sharing a cell's soil column, as CLM's natural
vegetation land unit) are the second axis of the vegetation arrays. Packing keeps the
numba time loop fast (one contiguous block per cell) and checkpoints simple; the index
names below are the only way code refers to a slot.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tpcarbon.params.vertical import NLEVGRND, NLEVSOI
from tpcarbon.physics.soil_bgc import NDECOMP

# ---------------------------------------------------------------- vegetation carbon (g C m-2 of patch)
#: Tissues in CLM order; each has a displayed, a storage and a transfer pool.
TISSUES = ("leaf", "froot", "livestem", "deadstem", "livecroot", "deadcroot")
NTISSUE = len(TISSUES)
LEAF, FROOT, LIVESTEM, DEADSTEM, LIVECROOT, DEADCROOT = range(NTISSUE)
#: Offsets of the displayed, storage and transfer pool of a tissue t: index = 3 t + offset.
DISP, STOR, XFER = 0, 1, 2
LEAFC, LEAFC_STOR, LEAFC_XFER = 0, 1, 2
FROOTC, FROOTC_STOR, FROOTC_XFER = 3, 4, 5
LIVESTEMC, LIVESTEMC_STOR, LIVESTEMC_XFER = 6, 7, 8
DEADSTEMC, DEADSTEMC_STOR, DEADSTEMC_XFER = 9, 10, 11
LIVECROOTC, LIVECROOTC_STOR, LIVECROOTC_XFER = 12, 13, 14
DEADCROOTC, DEADCROOTC_STOR, DEADCROOTC_XFER = 15, 16, 17
#: Excess maintenance respiration pool (may be negative; spec §4.1).
XSMRPOOL = 18
#: Carbon available for allocation accumulated over the day (CLM ``cpool``): GPP − MR − xsmr recovery of each
#: step, allocated (FUN/N cost, growth respiration, new tissue) once a day (departure D21).
CPOOL = 19
NVEGC = 20
VEGC_NAMES = tuple(f"{t}c{s}" for t in TISSUES for s in ("", "_storage", "_xfer")) + ("xsmrpool", "cpool")

# ---------------------------------------------------------------- vegetation nitrogen (g N m-2 of patch)
#: N beside every tissue C pool, with the same index as the C pool (leafn = LEAFC, ...), then CLM's
#: retranslocated-N pool, the plant N pool, and today's leaf litterfall awaiting FUN's retranslocation split
#: (its N and its C).
RETRANSN = 18
NPOOL = 19
LEAFN_FALL = 20           # N of today's leaf litterfall, not yet split into litter and retranslocation [g N m-2]
LEAFC_FALL = 21           # C of today's leaf litterfall (for FUN's falling-leaf C) [g C m-2]
NVEGN = 22
VEGN_NAMES = tuple(f"{t}n{s}" for t in TISSUES for s in ("", "_storage", "_xfer")) + (
    "retransn", "npool", "leafn_fall_day", "leafc_fall_day")

# ---------------------------------------------------------------- phenology and structure (per patch)
P_DORMANT = 0
P_ONSET_FLAG = 1
P_OFFSET_FLAG = 2
P_ONSET_COUNTER = 3       # s remaining
P_OFFSET_COUNTER = 4      # s remaining
P_ONSET_GDDFLAG = 5
P_ONSET_GDD = 6           # °C d
P_ONSET_FDD = 7           # d
P_ONSET_SWI = 8           # d
P_OFFSET_FDD = 9          # d
P_OFFSET_SWI = 10         # d
P_DAYS_ACTIVE = 11        # d
P_PREV_LEAF_LITTER = 12   # g C m-2 s-1 (offset litterfall of the previous step)
P_PREV_FROOT_LITTER = 13  # g C m-2 s-1
P_TLAI = 14               # m2 m-2
P_TSAI = 15               # m2 m-2
P_HTOP = 16               # m
P_HBOT = 17               # m
# canopy energy balance and water (CanopyFluxesMod, CanopyHydrologyMod)
P_TVEG = 18               # leaf temperature T_v [K]
P_H2OCAN = 19             # intercepted water on the canopy [kg m-2]
# LUNA (LunaMod): photosynthetic capacity of the sunlit leaf at 25 °C and its 24-h / 10-day accumulators
P_VCMX25 = 20             # µmol m-2 s-1
P_JMX25 = 21              # µmol m-2 s-1
P_PNLC = 22               # fraction of functional N in light capture [-]
P_ENZS = 23               # enzyme status [-]
P_TVEG_DAY_SUM = 24       # Σ T_v over daytime steps of the day [K]
P_NDAY = 25               # daytime steps
P_TVEG_NIGHT_SUM = 26     # Σ T_v over night steps [K]
P_NNIGHT = 27             # night steps
P_PAR24D = 28             # Σ Δt PAR absorbed per sunlit leaf area [J m-2]
P_PAR24X = 29             # daily maximum of that PAR [W m-2]
P_FPSN24 = 30             # Σ Δt canopy gross photosynthesis [µmol m-2]
P_PAR240D = 31            # 10-day filter of the daytime mean PAR [W m-2] (NaN = unset)
P_PAR240X = 32            # 10-day filter of the daily maximum PAR [W m-2]
P_TVEG10_DAY = 33         # 10-day filter of the daytime mean T_v [K]
P_TVEG10_NIGHT = 34       # 10-day filter of the night mean T_v [K]
P_RH10 = 35               # 10-day filter of the canopy-air relative humidity [-]
P_RB10 = 36               # 10-day filter of the leaf boundary-layer resistance [s m-1]
P_RB_LAST = 37            # r_b of the latest (sub-)step [s m-1]
P_RHAF_LAST = 38          # canopy-air relative humidity of the latest (sub-)step [-]
NPHENO = 39
PHENO_NAMES = ("dormant_flag", "onset_flag", "offset_flag", "onset_counter", "offset_counter", "onset_gddflag",
               "onset_gdd", "onset_fdd", "onset_swi", "offset_fdd", "offset_swi", "days_active",
               "prev_leafc_to_litter", "prev_frootc_to_litter", "tlai", "tsai", "htop", "hbot", "t_veg", "h2ocan",
               "vcmx25", "jmx25", "pnlc", "enzs", "t_veg_day_sum", "ndaysteps", "t_veg_night_sum", "nnightsteps",
               "par24d", "par24x", "fpsn24", "par240d", "par240x", "t_veg10_day", "t_veg10_night", "rh10_af",
               "rb10", "rb_last", "rhaf_last")

# ---------------------------------------------------------------- column (cell) scalars
C_SNOW_W = 0          # snow water equivalent [kg m-2]
C_SNOW_H = 1          # snow depth [m]
C_SNOW_T = 2          # snow node temperature [K]
C_T10 = 3             # 10-day running mean air temperature [K]
C_PREC10 = 4          # 10-day running mean precipitation [kg m-2 s-1]
C_ANNAVG_T2M = 5      # annual mean air temperature of last year [K]
C_ANN_TSUM = 6        # running sum of T this year [K]
C_ANN_N = 7           # steps summed this year
C_ALTMAX = 8          # maximum thaw depth this year [m]
C_ALTMAX_LAST = 9     # maximum thaw depth last year [m]
C_NALT_LAST = 10      # layers thawed last year (≥ 1)
C_PREV_DAYL = 11      # daylength of the previous day [s]
C_DAYL = 12           # daylength today [s]
C_DAY_N = 13          # steps accumulated today for the soil BGC scalars
C_SPIN_NDAYS = 14     # days recorded in the spin-up record
C_PCO2_240 = 15       # 10-day running mean CO2 partial pressure [Pa] (LUNA)
C_PO2_240 = 16        # 10-day running mean O2 partial pressure [Pa]
C_PBOT240 = 17        # 10-day running mean surface pressure [Pa]
C_RUNMEAN_N = 18      # steps in those running means (CLM ``runmean`` count)
C_SNOW_AGE = 19       # non-dimensional snow age of the BATS snow albedo [-]
C_QDRAI_DAY = 20      # drainage out of the soil column accumulated today [kg m-2]
C_QSURF_DAY = 21      # surface runoff accumulated today [kg m-2]
C_ANNET = 22          # 365-day running mean of total evapotranspiration [kg m-2 s-1] (CLM ``AnnET``)
C_ANNET_N = 23        # steps in that running mean
C_ET_DAY = 24         # evapotranspiration accumulated today [kg m-2]
C_FPI = 25            # fraction of potential immobilisation met on the last day (column) [-]
C_N_SUPPLEMENT = 26   # 1: mineral N is topped up to every day's demand (CLM suplnitro = 'ALL'; spin-up only), else 0
NCOL = 27
COL_NAMES = ("snow_w", "snow_h", "snow_t", "t10", "prec10", "annavg_t2m", "ann_tsum", "ann_n", "altmax",
             "altmax_lastyear", "nalt_lastyear", "prev_dayl", "dayl", "day_n", "spin_ndays", "pco2_240",
             "po2_240", "pbot240", "runmean_n", "snow_age", "qdrai_day", "qsurf_day", "annet", "annet_n",
             "et_day", "fpi", "n_supplement")
assert len(COL_NAMES) == NCOL

# ---------------------------------------------------------------- soil nitrogen (per layer, g N m-3)
#: rows 0-6: N of the decomposing pools CWD, L1, L2, L3, S1, S2, S3 (same order as ``soilc``);
#: rows 7, 8: mineral NH4+ and NO3-.
SN_NH4 = 7
SN_NO3 = 8
NSOILN = 9

# ---------------------------------------------------------------- soil BGC daily accumulators (per layer)
#: rows 0-3: litter inputs to CWD, L1, L2, L3 accumulated today [g C m-3]; row 4: Σ f_T f_W over today's steps;
#: rows 5-8: the N of those inputs [g N m-3]; rows 9, 10: Σ f_T and Σ f_W (nitrification); row 11: Σ liquid
#: water [kg m-2] (for the day-mean soil moisture of denitrification / leaching).
A_IN_CWD, A_IN_L1, A_IN_L2, A_IN_L3, A_XI = 0, 1, 2, 3, 4
A_INN_CWD, A_INN_L1, A_INN_L2, A_INN_L3 = 5, 6, 7, 8
A_TSCAL, A_WSCAL = 9, 10
NACC = 11
#: Rows of the daily spin-up record (per day and layer, float32; ``experiments.spinup``): the effective loss
#: fraction of each decomposing pool over the day (N limitation included), the day's C and N inputs to CWD, L1, L2,
#: L3 [g m-3], and the vertical mixing coefficient at the layer's bottom interface [m2 s-1] (not AD-scaled).
REC_LAM0 = 0
REC_INC0 = 7
REC_INN0 = 11
REC_DIFF = 15
NREC = 16


class State(NamedTuple):
    """The full model state of ``ncell`` cells (all float64, C-contiguous).

    Attributes
    ----------
    vegc : ndarray, shape (ncell, npatch, NVEGC)
        Vegetation carbon pools [g C m-2 of patch].
    pheno : ndarray, shape (ncell, npatch, NPHENO)
        Phenology flags, counters and canopy structure.
    col : ndarray, shape (ncell, NCOL)
        Column scalars (snow, running means, active layer, daylength).
    tsoi : ndarray, shape (ncell, NLEVGRND)
        Ground temperature [K].
    h2oliq, h2oice : ndarray, shape (ncell, NLEVSOI)
        Soil liquid water and ice [kg m-2].
    soilc : ndarray, shape (ncell, NDECOMP, NLEVSOI)
        Litter, CWD and SOM pools [g C m-3].
    bgc_acc : ndarray, shape (ncell, NACC, NLEVSOI)
        Today's litter inputs and decomposition scalars (carbon in transit is part of the budget).
    veg_spin : ndarray, shape (ncell, npatch, 2)
        Spin-up accumulators of the carbon flowing into dead stem and dead coarse root [g C m-2].
    vegn : ndarray, shape (ncell, npatch, NVEGN)
        Vegetation nitrogen pools [g N m-2 of patch] (zero in the carbon-only ``fun-lite`` mode).
    soiln : ndarray, shape (ncell, NSOILN, NLEVSOI)
        Decomposing-pool N and mineral NH4, NO3 [g N m-3].
    """

    vegc: np.ndarray
    pheno: np.ndarray
    col: np.ndarray
    tsoi: np.ndarray
    h2oliq: np.ndarray
    h2oice: np.ndarray
    soilc: np.ndarray
    bgc_acc: np.ndarray
    veg_spin: np.ndarray
    vegn: np.ndarray
    soiln: np.ndarray

    @property
    def ncell(self) -> int:
        """Number of cells."""
        return int(self.col.shape[0])

    def copy(self) -> State:
        """Deep copy."""
        return State(*(a.copy() for a in self))

    def take(self, cells: np.ndarray) -> State:
        """The state of a subset of cells (copies)."""
        return State(*(np.ascontiguousarray(a[cells]) for a in self))

    def put(self, cells: np.ndarray, part: State) -> None:
        """Write a subset's state back (inverse of :meth:`take`)."""
        for dst, src in zip(self, part, strict=True):
            dst[cells] = src


def empty_state(ncell: int, npatch: int) -> State:
    """A zero-filled state of the right shapes."""
    z = np.zeros
    return State(
        vegc=z((ncell, npatch, NVEGC)),
        pheno=z((ncell, npatch, NPHENO)),
        col=z((ncell, NCOL)),
        tsoi=z((ncell, NLEVGRND)),
        h2oliq=z((ncell, NLEVSOI)),
        h2oice=z((ncell, NLEVSOI)),
        soilc=z((ncell, NDECOMP, NLEVSOI)),
        bgc_acc=z((ncell, NACC, NLEVSOI)),
        veg_spin=z((ncell, npatch, 2)),
        vegn=z((ncell, npatch, NVEGN)),
        soiln=z((ncell, NSOILN, NLEVSOI)),
    )


# ---------------------------------------------------------------- monthly output accumulators
#: Output slots accumulated per cell over a chunk; fluxes are sums [g C m-2], states are sums of
#: per-step values (divided by the step count by the driver), maxima are maxima.
OUT_FLUX = ("GPP", "NPP", "AR", "MR", "GR", "HR", "NEP", "PRECIP", "QVEGT", "QVEGE", "QSOIL", "TV_ITER_FAIL",
            "TV_ITER_STEPS", "NDEP_TO_SMINN", "NFIX", "FFIX_TO_SMINN", "F_DENIT", "F_N2O_NIT", "SMIN_NO3_LEACHED",
            "SMIN_NO3_RUNOFF", "SMINN_TO_PLANT", "NUPTAKE_C", "RETRANSN_TO_NPOOL", "SUPPLEMENT_TO_SMINN")
OUT_STATE = ("TLAI", "TOTVEGC", "TOTLITC", "TOTSOMC", "TOTECOSYSC", "TBOT", "FSDS", "TSOI_10CM", "H2OSOI_1M",
             "FSH", "EFLX_LH_TOT", "SNOWDP", "TV", "TG", "TSA", "FSA", "FSR", "FIRE", "FGR", "BTRAN",
             "NPOOL", "SMINN", "SMIN_NH4", "SMIN_NO3", "TOTVEGN", "TOTLITN", "TOTSOMN", "TOTECOSYSN", "FPI",
             "LEAFC", "LEAFN")
OUT_MAX = ("ALT", "EBAL_ERR_MAX")
OUT_NAMES = OUT_FLUX + OUT_STATE + OUT_MAX
NOUT = len(OUT_NAMES)
O = {name: i for i, name in enumerate(OUT_NAMES)}
(O_GPP, O_NPP, O_AR, O_MR, O_GR, O_HR, O_NEP, O_PRECIP, O_QVEGT, O_QVEGE, O_QSOIL, O_TV_ITER_FAIL,
 O_TV_ITER_STEPS, O_NDEP_TO_SMINN, O_NFIX, O_FFIX_TO_SMINN, O_F_DENIT, O_F_N2O_NIT, O_SMIN_NO3_LEACHED,
 O_SMIN_NO3_RUNOFF, O_SMINN_TO_PLANT, O_NUPTAKE_C, O_RETRANSN_TO_NPOOL, O_SUPPLEMENT_TO_SMINN) = (O[n] for n in OUT_FLUX)
(O_TLAI, O_TOTVEGC, O_TOTLITC, O_TOTSOMC, O_TOTECOSYSC, O_TBOT, O_FSDS, O_TSOI_10CM, O_H2OSOI_1M, O_FSH,
 O_EFLX_LH_TOT, O_SNOWDP, O_TV, O_TG, O_TSA, O_FSA, O_FSR, O_FIRE, O_FGR, O_BTRAN, O_NPOOL, O_SMINN, O_SMIN_NH4,
 O_SMIN_NO3, O_TOTVEGN, O_TOTLITN, O_TOTSOMN, O_TOTECOSYSN, O_FPI, O_LEAFC, O_LEAFN) = (O[n] for n in OUT_STATE)
O_ALT = O["ALT"]
O_EBAL_ERR_MAX = O["EBAL_ERR_MAX"]
