"""Equilibrium before every experiment: the soil physics first, then the exact periodic carbon and nitrogen state.

Protocol (cycling the first years of the historical forcing, CO2 and N deposition fixed at their first-year
values; issue "Equilibrium before every experiment"):

1. **A physically consistent start.** Ground temperature at every depth = the first cycle year's mean air
   temperature + ``soil_t_offset`` (the snow and radiation offset of the annual-mean ground temperature), ice and
   liquid split as the model's phase change would leave them at that temperature (supercooled water).
2. **Physics to its periodic state.** Cycles of the physics alone — the step with one photosynthesis sub-step,
   carbon and nitrogen restored after the cycle, so each costs about half a full cycle — accelerated by
   Anderson mixing of the end-of-cycle physics state (ground temperature of every layer, soil water and ice,
   snow; Walker & Ni 2011), until every layer changes by less than ``physics_tol_k`` and soil water by less than
   ``physics_tol_water`` (relative) over a cycle (the JULES-style criterion).
3. **Carbon and nitrogen, exactly.** A full-model cycle records the daily effective loss fractions, inputs
   and mixing of every soil pool; the cyclo-stationary state of the linear pools X = M X + c is solved
   (``model.periodic``) for the seven carbon pools and the litter/CWD nitrogen pools (SOM N = C / C:N),
   dead wood set to its inflow / mortality; then the physics is re-equilibrated to the new vegetation.
4. **CLM's stability check** (CTSM ``SpinupStability_BGC``): per cycle, the drift of the domain totals of
   TOTECOSYSC, TOTSOMC, TOTVEGC and GPP against 0.02 Pg C yr-1 scaled by the domain's share of the global land
   area, of area-mean TLAI (0.02 m2 m-2 yr-1), total water storage (1 kg m-2 yr-1) and snow water (1 kg m-2 yr-1),
   and the share of land area whose TOTECOSYSC drifts by more than 1 g C m-2 yr-1 (< 3 %). Drift = change of the
   last-year means between consecutive cycles / cycle length. The spin-up stops when a full cycle run from a solved
   state meets every criterion, or after ``max_years`` of full-model time with a message naming what failed.

AD (accelerated decomposition) is not needed with an exact solve (``ad_cycles = 0``, the default); it remains
available (CLM5's factors, spec §5.7) for comparison.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from tpcarbon.experiments.simulate import simulate_years
from tpcarbon.forcing.stream import ForcingSource
from tpcarbon.model.bgc import ad_factor
from tpcarbon.model.columns import LAYER_DZ, LAYER_Z
from tpcarbon.model.driver import Model
from tpcarbon.model.periodic import (
    PERIODIC_RTOL,
    apply_cycle_carbon,
    apply_cycle_litter_n,
    mixing_factors,
    periodic_state,
)
from tpcarbon.model.state import (
    C_SNOW_H,
    C_SNOW_T,
    C_SNOW_W,
    C_N_SUPPLEMENT,
    C_SPIN_NDAYS,
    DEADCROOTC,
    DEADSTEMC,
    NVEGC,
    P_H2OCAN,
    State,
)
from tpcarbon.params.fixed import AD_DEADWOOD_FACTOR, INITIAL_CN_LITTER
from tpcarbon.params.vertical import NLEVGRND, NLEVSOI
from tpcarbon.physics.soil_bgc import NDECOMP
from tpcarbon.physics.soil_bgc import S1 as S1_POOL
from tpcarbon.physics.soil_bgc import S2 as S2_POOL
from tpcarbon.physics.soil_bgc import S3 as S3_POOL
from tpcarbon.physics.soil_thermal import calc_supercooled_liquid_max

#: Annual N budget outputs summed per cycle for the spin-up table [g N m-2 yr-1].
N_BUDGET = ("NDEP_TO_SMINN", "FFIX_TO_SMINN", "NFIX", "F_DENIT", "F_N2O_NIT", "SMIN_NO3_LEACHED", "SMIN_NO3_RUNOFF",
            "SUPPLEMENT_TO_SMINN")
#: Global land area the CTSM spin-up thresholds refer to [m2] (1.49e14 m2, Earth's land surface incl. Antarctica).
GLOBAL_LAND_AREA = 1.49e14
#: CTSM ``SpinupStability_BGC`` global thresholds: Pg C yr-1 of the carbon totals and GPP; area-mean TLAI
#: [m2 m-2 yr-1], total water storage [m yr-1 -> kg m-2 yr-1] and snow water [mm yr-1].
CTSM_THRESH_PGC = 0.02
CTSM_THRESH_TLAI = 0.02
CTSM_THRESH_TWS = 1.0
CTSM_THRESH_H2OSNO = 1.0


#: What follows a failed verification cycle (``SpinupConfig.resolve``).
RESOLVE_MODES = ("supplemented", "coupled", "none")


@dataclasses.dataclass(frozen=True)
class SpinupConfig:
    """Spin-up settings (the ``[spinup]`` table of a study file)."""

    cycle_years: tuple[int, int] = (1979, 1988)
    co2_ppm: float | None = None       # None: the historical CO2 of the first cycle year
    ad_cycles: int = 0
    max_years: int = 40                # full-model years
    drift_threshold: float = 1.0       # g C m-2 yr-1
    area_share: float = 0.03           # allowed share of land area above the threshold
    soil_t_offset: float = 2.0         # K added to the first-year mean air temperature for the start profile
    physics_tol_k: float = 0.01        # K per cycle, every layer
    physics_tol_water: float = 1.0e-3  # relative change of each layer's water per cycle
    physics_max_cycles: int = 6        # physics-only cycles per equilibration
    anderson_m: int = 3                # Anderson history depth
    deep_reference_layer: int = 12     # shallowest reference layer of the deep mean-temperature shift (2.5 m)
    n_supplement: bool = True          # solve cycles with mineral N topped up to demand (module docstring, step 3)
    #: after a failed verification (coupled N): "supplemented" = a new supplemented solve cycle, then verify again;
    #: "coupled" = solve the verification cycle's own record (N-limited rates taken as fixed); "none" = normal
    #: mode from then on (no further solve)
    resolve: str = "supplemented"

    def __post_init__(self) -> None:
        if self.resolve not in RESOLVE_MODES:
            raise ValueError(f"SpinupConfig.resolve = {self.resolve!r}: expected one of {', '.join(RESOLVE_MODES)}")

    @property
    def cycle_length(self) -> int:
        """Years per forcing cycle."""
        return self.cycle_years[1] - self.cycle_years[0] + 1


#: Highest published soil organic carbon density on the plateau (Zoige peatland, 75–109 kg C m-2 over 0–2 m;
#: docs/model.md D19), rounded up: a solved state above it in any cell is reported [g C m-2].
SOM_PUBLISHED_MAX_GC_M2 = 110_000.0


@dataclasses.dataclass
class SpinupResult:
    """The spun-up state and the diagnostic table."""

    state: State
    table: pd.DataFrame
    converged: bool
    years_simulated: int
    message: str
    physics_years: int = 0


def carbon_stocks(state: State, model: Model) -> dict[str, np.ndarray]:
    """Per-cell TOTVEGC, TOTLITC, TOTSOMC, TOTECOSYSC [g C m-2] of a state (inputs in transit counted as litter)."""
    frac = model.columns.frac
    veg = (state.vegc[:, :, :NVEGC].sum(axis=2) * frac).sum(axis=1)
    dz = LAYER_DZ[:NLEVSOI]
    lit = ((state.soilc[:, :4, :] + state.bgc_acc[:, :4, :]).sum(axis=1) * dz).sum(axis=1)
    som = (state.soilc[:, 4:, :].sum(axis=1) * dz).sum(axis=1)
    return {"TOTVEGC": veg, "TOTLITC": lit, "TOTSOMC": som, "TOTECOSYSC": veg + lit + som}


def water_storage(state: State, model: Model) -> tuple[np.ndarray, np.ndarray]:
    """Total water storage (soil liquid + ice + snow + canopy water) and snow water per cell [kg m-2]."""
    canopy = (state.pheno[:, :, P_H2OCAN] * model.columns.frac).sum(axis=1)
    snow = state.col[:, C_SNOW_W]
    return state.h2oliq.sum(axis=1) + state.h2oice.sum(axis=1) + snow + canopy, snow


# ----------------------------------------------------------------------------------------------- physics
def consistent_start(model: Model, state: State, t_ground: np.ndarray) -> None:
    """Set ground temperature to ``t_ground`` at every depth and split each soil layer's water into ice and
    liquid as the phase change would at that temperature (supercooled liquid below freezing; in place)."""
    cols = model.columns
    state.tsoi[:] = t_ground[:, None]
    for c in range(state.ncell):
        for j in range(NLEVSOI):
            w = state.h2oliq[c, j] + state.h2oice[c, j]
            if t_ground[c] >= 273.15:
                state.h2oliq[c, j], state.h2oice[c, j] = w, 0.0
            else:
                lmax = calc_supercooled_liquid_max(t_ground[c], LAYER_DZ[j], cols.watsat[c, j], cols.sucsat[c, j],
                                                   cols.bsw[c, j])
                liq = min(w, lmax)
                state.h2oliq[c, j], state.h2oice[c, j] = liq, w - liq


def _physics_vector(state: State) -> np.ndarray:
    """The physics state Anderson mixes: ground T (all layers), soil liquid + ice (soil layers), snow W, H, T."""
    w = state.h2oliq + state.h2oice
    snow = state.col[:, [C_SNOW_W, C_SNOW_H, C_SNOW_T]]
    return np.concatenate([state.tsoi, w, snow], axis=1)


def _set_physics(model: Model, state: State, x: np.ndarray) -> None:
    """Write a mixed physics vector back; water is re-split into ice and liquid at the new temperature."""
    cols = model.columns
    t = x[:, :NLEVGRND]
    w = np.maximum(x[:, NLEVGRND:NLEVGRND + NLEVSOI], 0.0)
    snow = x[:, NLEVGRND + NLEVSOI:]
    old_liq = state.h2oliq.copy()
    old_w = state.h2oliq + state.h2oice
    state.tsoi[:] = t
    for c in range(state.ncell):
        for j in range(NLEVSOI):
            if t[c, j] >= 273.15:
                liq = w[c, j]
            else:
                # keep the liquid fraction of the cycle's end, bounded by the supercooled maximum
                frac_l = old_liq[c, j] / old_w[c, j] if old_w[c, j] > 0 else 1.0
                lmax = calc_supercooled_liquid_max(t[c, j], LAYER_DZ[j], cols.watsat[c, j], cols.sucsat[c, j],
                                                   cols.bsw[c, j])
                liq = min(w[c, j] * frac_l, max(lmax, 0.0), w[c, j])
            state.h2oliq[c, j] = liq
            state.h2oice[c, j] = w[c, j] - liq
    sw = np.maximum(snow[:, 0], 0.0)
    sh = np.where(sw > 0, np.maximum(snow[:, 1], 0.0), 0.0)
    state.col[:, C_SNOW_W] = sw
    state.col[:, C_SNOW_H] = sh
    state.col[:, C_SNOW_T] = np.minimum(snow[:, 2], 273.15)


def anderson_update(xs: list[np.ndarray], gs: list[np.ndarray], m: int, scale: np.ndarray) -> np.ndarray:
    """Anderson mixing (type II, row by row) of the fixed-point iteration x = G(x) from its history.

    With residuals f_k = G(x_k) − x_k and differences ΔF, ΔG of the last ``m`` steps, the update is
    G(x_k) − ΔG γ with γ the least-squares solution of ΔF γ ≈ f_k (Walker & Ni 2011, SIAM J. Numer. Anal.
    49:1715); every component is divided by ``scale`` (its tolerance) in the least squares.

    Parameters
    ----------
    xs, gs : list of ndarray, each shape (nrow, n)
        Iterates x_0 … x_k and their images G(x_i) (one independent problem per row, e.g. per cell).
    m : int
        History depth (0: plain fixed-point iteration).
    scale : ndarray, shape (nrow, n)
        Scale of each component.

    Examples
    --------
    >>> a = np.array([[0.9, 0.0], [0.1, 0.5]]); b = np.array([1.0, 1.0])
    >>> g = lambda x: x @ a.T + b
    >>> xs, gs = [np.zeros((1, 2))], []
    >>> for _ in range(4):
    ...     gs.append(g(xs[-1])); xs.append(anderson_update(xs, gs, 3, np.ones((1, 2))))
    >>> bool(np.allclose(xs[-1][0], np.linalg.solve(np.eye(2) - a, b)))
    True
    """
    k = len(gs) - 1
    g = gs[k].copy()
    if k == 0 or m == 0:
        return g
    mk = min(m, k)
    f = [gs[i] - xs[i] for i in range(k - mk, k + 1)]
    out = g.copy()
    for c in range(g.shape[0]):
        df = np.stack([f[i + 1][c] - f[i][c] for i in range(mk)], axis=1)
        dg = np.stack([gs[k - mk + i + 1][c] - gs[k - mk + i][c] for i in range(mk)], axis=1)
        sc = scale[c]
        gamma, *_ = np.linalg.lstsq(df / sc[:, None], f[-1][c] / sc, rcond=None)
        out[c] = gs[k][c] - dg @ gamma
    return out


def run_physics_cycle(model: Model, state: State, source: ForcingSource, y0: int, y1: int, co2: float,
                      ndep: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run ``y0``-``y1`` once (in place) and return the cycle's mean, minimum and maximum ground temperature per
    layer [K], shape (ncell, NLEVGRND), sampled at the end of every forcing chunk (month)."""
    total = np.zeros_like(state.tsoi)
    tmin = np.full_like(state.tsoi, np.inf)
    tmax = np.full_like(state.tsoi, -np.inf)
    n = 0
    for chunk in source.iter_chunks(y0, y1):
        model.run_chunk(state, chunk, np.full(chunk.nt, co2), ndep)
        total += state.tsoi
        np.minimum(tmin, state.tsoi, out=tmin)
        np.maximum(tmax, state.tsoi, out=tmax)
        n += 1
    return total / max(n, 1), tmin, tmax


def deep_mean_shift(tmean: np.ndarray, tmin: np.ndarray, tmax: np.ndarray, first_layer: int) -> np.ndarray:
    r"""Temperature shift [K] per layer that makes the cycle-mean temperature uniform below the active zone.

    With a zero-flux bottom boundary the periodic state has no mean heat flux below the deepest layer that freezes
    and thaws within the cycle, and its conductivity is constant there, so the cycle-mean temperature is uniform
    with depth (:math:`\overline{G} = -k\,\partial\overline{T}/\partial z = 0`). The reference layer is the first
    one at or below ``first_layer`` (and below every freeze-thaw layer); every deeper layer j is shifted by
    :math:`\overline{T}_{ref} - \overline{T}_j` (the seasonal wave is kept). Diffusion alone would need the
    column's thermal time, z²/κ ≈ (42 m)² / 1e-6 m² s-1 ≈ 50 years, to do this.

    Returns
    -------
    ndarray, shape (ncell, NLEVGRND)
        Zero above and at the reference layer.
    """
    ncell, nlev = tmean.shape
    shift = np.zeros_like(tmean)
    crosses = (tmin < 273.15) & (tmax > 273.15)
    for c in range(ncell):
        deepest = np.nonzero(crosses[c])[0]
        ref = max(first_layer, int(deepest[-1]) + 1 if deepest.size else 0)
        if ref >= nlev - 1:
            continue
        shift[c, ref + 1:] = tmean[c, ref] - tmean[c, ref + 1:]
    return shift


def equilibrate_physics(model: Model, state: State, source: ForcingSource, cfg: SpinupConfig, co2: float,
                        ndep: float, progress: bool, log: Callable[[str], None], label: str) -> tuple[int, dict]:
    """Drive the physics to its periodic state over the forcing cycle (module docstring, step 2; in place).

    Each iteration runs the physics over the cycle (one photosynthesis sub-step), restores the carbon, nitrogen
    and phenology to their start, shifts the layers below the active zone to a uniform cycle-mean temperature
    (:func:`deep_mean_shift`) and mixes the end-of-cycle physics state with Anderson's method.

    Returns
    -------
    (int, dict)
        Physics-only years run, and the last cycle's largest layer changes (``max_dT_K``, ``max_dW_rel``).
    """
    y0, y1 = cfg.cycle_years
    n = cfg.cycle_length
    phys = model.with_options(n_substeps=1, ad_mode=False, spin_accumulate=False)
    xs: list[np.ndarray] = []
    gs: list[np.ndarray] = []
    years = 0
    info = {"max_dT_K": np.inf, "max_dW_rel": np.inf}
    for k in range(cfg.physics_max_cycles):
        keep = state.copy()
        x = _physics_vector(state)
        tmean, tmin, tmax = run_physics_cycle(phys, state, source, y0, y1, co2, ndep)
        years += n
        gx = _physics_vector(state)
        # the physics alone: vegetation, soil carbon and nitrogen, and the phenology return to their start
        physics = (state.tsoi.copy(), state.h2oliq.copy(), state.h2oice.copy(), state.col[:, C_SNOW_W].copy(),
                   state.col[:, C_SNOW_H].copy(), state.col[:, C_SNOW_T].copy())
        for dst, src in zip(state, keep, strict=True):
            dst[:] = src
        state.tsoi[:], state.h2oliq[:], state.h2oice[:] = physics[0], physics[1], physics[2]
        state.col[:, C_SNOW_W], state.col[:, C_SNOW_H], state.col[:, C_SNOW_T] = physics[3], physics[4], physics[5]
        dt_max = float(np.abs(gx[:, :NLEVGRND] - x[:, :NLEVGRND]).max())
        w0 = x[:, NLEVGRND:NLEVGRND + NLEVSOI]
        w1 = gx[:, NLEVGRND:NLEVGRND + NLEVSOI]
        dw_rel = float((np.abs(w1 - w0) / np.maximum(w0, 1.0)).max())
        info = {"max_dT_K": dt_max, "max_dW_rel": dw_rel}
        log(f"spin-up physics {label} cycle {k + 1}: largest change over the cycle {dt_max:.4f} K (ground "
            f"temperature), {100 * dw_rel:.3f} % (soil water); tolerance {cfg.physics_tol_k} K, "
            f"{100 * cfg.physics_tol_water:.2f} %")
        if dt_max < cfg.physics_tol_k and dw_rel < cfg.physics_tol_water:
            break
        shift = deep_mean_shift(tmean, tmin, tmax, cfg.deep_reference_layer)
        gx[:, :NLEVGRND] += shift
        xs.append(x)
        gs.append(gx)
        scale = np.concatenate([np.full((x.shape[0], NLEVGRND), cfg.physics_tol_k),
                                cfg.physics_tol_water * np.maximum(np.abs(x[:, NLEVGRND:NLEVGRND + NLEVSOI]), 1.0),
                                np.full((x.shape[0], 3), 1.0)], axis=1)
        _set_physics(model, state, anderson_update(xs, gs, cfg.anderson_m, scale))
    return years, info


# ----------------------------------------------------------------------------------------------- carbon, N
def solve_soil_periodic(model: Model, state: State, record: np.ndarray, ndays: int, ad_mode: bool) -> dict:
    """Set every cell's soil C (7 pools) and litter/CWD N (4 pools) to the periodic state of the recorded cycle,
    SOM N to C / C:N (in place). Returns solve diagnostics (largest relative residual, mean passes of the cycle map)."""
    sp = model.params.scalar
    cols = model.columns
    nl = NLEVSOI
    dz = LAYER_DZ[:nl].copy()
    z = LAYER_Z[:nl].copy()
    work = np.zeros((8, max(nl, NDECOMP)))
    worst = 0.0
    iters = []
    for c in range(state.ncell):
        rec = np.ascontiguousarray(record[c, :ndays])
        mixf = mixing_factors(sp, float(cols.ad_lat[c]), ad_mode)

        def app_c(v, with_inputs, rec=rec, c=c, mixf=mixf):
            out = np.empty(NDECOMP * nl)
            apply_cycle_carbon(np.ascontiguousarray(v, dtype=np.float64), rec, ndays, nl, with_inputs, sp,
                               float(cols.texture_t[c]), float(cols.f13[c]), mixf, dz, z, out, work)
            return out

        x, info = periodic_state(app_c, NDECOMP * nl, state.soilc[c].reshape(-1))
        worst = max(worst, info["residual"])
        iters.append(info["iterations"])
        state.soilc[c] = x.reshape(NDECOMP, nl)
        if model.with_n:
            def app_n(v, with_inputs, rec=rec, mixf=mixf):
                out = np.empty(4 * nl)
                apply_cycle_litter_n(np.ascontiguousarray(v, dtype=np.float64), rec, ndays, nl, with_inputs, sp,
                                     mixf, dz, z, out, work)
                return out

            xn, info_n = periodic_state(app_n, 4 * nl, state.soiln[c, :4].reshape(-1))
            worst = max(worst, info_n["residual"])
            state.soiln[c, :4] = xn.reshape(4, nl)
            fresh = (state.soiln[c, :4] <= 0.0) & (state.soilc[c, :4] > 0.0)
            state.soiln[c, :4] = np.where(fresh, state.soilc[c, :4] / INITIAL_CN_LITTER, state.soiln[c, :4])
            for pool, cn in ((S1_POOL, sp.cn_s1_bgc), (S2_POOL, sp.cn_s2_bgc), (S3_POOL, sp.cn_s3_bgc)):
                state.soiln[c, pool] = state.soilc[c, pool] / cn
    return {"max_residual": worst, "mean_iterations": float(np.mean(iters)) if iters else 0.0}


def solve_deadwood(model: Model, state: State, annual_inflow: list[np.ndarray], ad_mode: bool,
                   last_years: int) -> None:
    """Set dead stem and dead coarse root to the steady state of their mean inflow (in place; N follows C).

    Dead wood gains carbon from live-wood turnover and the transfer pool and loses it only by gap mortality m
    (× 10 in AD mode), so its steady state is :math:`D^* = \\bar I / m` with :math:`\\bar I` the mean inflow of
    the cycle's last ``last_years`` years (spec §3.5, §5.7).
    """
    if not annual_inflow:
        return
    recent = np.mean(annual_inflow[-last_years:], axis=0)            # (ncell, npatch, 2) g C m-2 yr-1
    m = model.params.scalar.r_mort * (AD_DEADWOOD_FACTOR if ad_mode else 1.0)   # yr-1
    woody = model.params.pft.woody[model.columns.pft] > 0.5
    live = woody & (model.columns.frac > 0)
    for k, pool in enumerate((DEADSTEMC, DEADCROOTC)):
        target = recent[:, :, k] / m
        old = state.vegc[:, :, pool].copy()
        state.vegc[:, :, pool] = np.where(live, target, state.vegc[:, :, pool])
        ratio = np.divide(state.vegc[:, :, pool], old, out=np.ones_like(old), where=old > 0.0)
        state.vegn[:, :, pool] *= ratio


def exit_ad(model: Model, state: State) -> None:
    """Rescale accelerated pools on leaving AD mode (in place): soil pool i × a_i a_lat (C and N), dead wood × 10."""
    for c in range(state.ncell):
        f = np.array([ad_factor(i, model.params.scalar, model.columns.ad_lat[c]) for i in range(NDECOMP)])[:, None]
        state.soilc[c] *= f
        state.soiln[c, :NDECOMP] *= f
    for pool in (DEADSTEMC, DEADCROOTC):
        state.vegc[:, :, pool] *= AD_DEADWOOD_FACTOR
        state.vegn[:, :, pool] *= AD_DEADWOOD_FACTOR


def _first_year_mean_temperature(source: ForcingSource, year: int) -> np.ndarray:
    total = None
    n = 0
    for chunk in source.iter_chunks(year, year):
        s = np.asarray(chunk.temp, dtype=np.float64).sum(axis=0)
        total = s if total is None else total + s
        n += chunk.nt
    return total / n


def stability_thresholds(land_area_m2: float) -> dict[str, float]:
    """CTSM's global spin-up thresholds scaled to a domain (totals by its share of the global land area)."""
    share = land_area_m2 / GLOBAL_LAND_AREA
    total = CTSM_THRESH_PGC * 1.0e15 * share     # g C yr-1
    return {"TOTECOSYSC": total, "TOTSOMC": total, "TOTVEGC": total, "GPP": total, "TLAI": CTSM_THRESH_TLAI,
            "TWS": CTSM_THRESH_TWS, "H2OSNO": CTSM_THRESH_H2OSNO}


def _report_implausible_soil_carbon(model: Model, state: State, k: int, log: Callable[[str], None]) -> dict:
    """After a solve: count the cells whose soil organic carbon exceeds the highest published plateau density
    (``SOM_PUBLISHED_MAX_GC_M2``), log a WARNING naming them, and return the two ``spinup.csv`` columns."""
    som = carbon_stocks(state, model)["TOTSOMC"]
    high = som > SOM_PUBLISHED_MAX_GC_M2
    if high.any():
        log(f"spin-up cycle {k}: WARNING the periodic soil state holds more than "
            f"{SOM_PUBLISHED_MAX_GC_M2 / 1000:.0f} kg C m-2 of soil organic carbon (the highest published plateau "
            f"density, Zoige peatland) in {int(high.sum())} of {high.size} cells (max {som.max() / 1000:.0f} kg C m-2): "
            "decomposition there is so slow (dry soil below -2 MPa, cold) that the steady state lies >> 10^4 "
            "years away; treat TOTSOMC of these cells as an upper bound (docs/model.md D19)")
    return {"cells_SOM_above_published_max": int(high.sum()), "max_solved_TOTSOMC_gC_m2": float(som.max())}


def run_spinup(model: Model, source: ForcingSource, cfg: SpinupConfig, co2_ppm: float,
               log: Callable[[str], None] = print, progress: bool = True, state: State | None = None,
               csv_path: str | Path | None = None, ndep: float | None = None) -> SpinupResult:
    """Spin the model up on cycled forcing (module docstring).

    Parameters
    ----------
    model : Model
        The model (its options' ``ad_mode``/``spin_accumulate`` are overridden per phase).
    source : ForcingSource
        Forcing covering ``cfg.cycle_years``.
    cfg : SpinupConfig
        Settings.
    co2_ppm : float
        Fixed CO2 during the spin-up [ppm].
    log : callable
        Receives one printed line per cycle.
    progress : bool
        Show progress bars.
    state : State, optional
        Start from this state instead of a cold start.
    csv_path : path, optional
        Where to write ``spinup.csv`` after every cycle.
    ndep : float, optional
        Fixed N deposition [g N m-2 yr-1]; default: the plateau default of the first cycle year.
    """
    from tpcarbon.io.ndep import default_ndep

    y0, y1 = cfg.cycle_years
    n = cfg.cycle_length
    ndep = default_ndep(y0) if ndep is None else float(ndep)
    if state is None:
        t_init = _first_year_mean_temperature(source, y0) + cfg.soil_t_offset
        state = model.init_state(t_init=t_init)
        consistent_start(model, state, t_init)
    co2 = lambda t: np.full(t.shape, co2_ppm)  # noqa: E731
    area = model.domain.land_area
    thresh = stability_thresholds(float(area.sum()))
    rows: list[dict] = []
    years = 0
    phys_years = 0
    prev_end: dict[str, np.ndarray] | None = None
    ndays = 365 * n + 10
    converged = False
    failed: list[str] = []

    def snapshot() -> dict[str, np.ndarray]:
        """Instantaneous stocks at a cycle boundary (1 January): the pools and the water."""
        snap = {key: v for key, v in carbon_stocks(state, model).items() if key != "TOTLITC"}
        snap["TWS"], snap["H2OSNO"] = water_storage(state, model)
        return snap

    def full_cycle(mode: str, ad: bool, k: int, record: bool, supplement: bool
                   ) -> tuple[dict, dict, list[np.ndarray], int, dict]:
        """Run one cycle; returns the boundary stocks at its start and end (and the last year's GPP, TLAI), the
        dead-wood inflow per year, the number of recorded days and the cycle-mean N budget terms per cell."""
        nonlocal years
        m = model.with_options(ad_mode=ad, spin_accumulate=record)
        state.col[:, C_SPIN_NDAYS] = 0.0
        state.col[:, C_N_SUPPLEMENT] = 1.0 if supplement else 0.0
        nbudget = {key: np.zeros(state.ncell) for key in N_BUDGET}
        state.veg_spin[:] = 0.0
        inflow: list[np.ndarray] = []
        start = snapshot()
        last: dict[str, np.ndarray] = {}
        for ann in simulate_years(m, state, source, y0, y1, co2, desc=f"spin-up {mode} cycle {k}",
                                  progress=progress, ndep=ndep):
            inflow.append(state.veg_spin.copy())
            state.veg_spin[:] = 0.0
            years += 1
            for key in N_BUDGET:
                if key in ann.values:
                    nbudget[key] += np.asarray(ann.values[key], dtype=np.float64) / n
            if ann.year == y1:
                last = {key: np.asarray(ann.values[key], dtype=np.float64).copy() for key in ("GPP", "TLAI")}
        state.col[:, C_N_SUPPLEMENT] = 0.0
        end = {**snapshot(), **last}
        return start, end, inflow, int(state.col[:, C_SPIN_NDAYS].max()), nbudget

    # ---- 1-2: physics first
    py, pinfo = equilibrate_physics(model, state, source, cfg, co2_ppm, ndep, progress, log, "start")
    phys_years += py
    k = 0
    solved = False
    while years + n <= cfg.max_years:
        k += 1
        ad = k <= cfg.ad_cycles
        mode = "AD" if ad else "normal"
        # solve cycles (before a solved state exists, and while the previous verification failed) run with the
        # N supplement; a cycle run from a solved state runs the experiments' coupled N cycle and verifies
        supplement = cfg.n_supplement and model.with_n and not solved
        if supplement:
            mode += ", N supplemented"
        rec = model.enable_recording(ndays)
        start, end, inflow, nd, nb = full_cycle(mode, ad, k, record=True, supplement=supplement)
        row = {"cycle": k, "mode": mode, "years_simulated": years, "physics_only_years": phys_years,
               "physics_max_dT_K": pinfo["max_dT_K"], "physics_max_dW_rel": pinfo["max_dW_rel"],
               "physics_tol_K": cfg.physics_tol_k, "physics_tol_water_rel": cfg.physics_tol_water}
        if model.with_n:
            imbalance = (nb["NDEP_TO_SMINN"] + nb["FFIX_TO_SMINN"] + nb["NFIX"] - nb["F_DENIT"] - nb["F_N2O_NIT"]
                         - nb["SMIN_NO3_LEACHED"] - nb["SMIN_NO3_RUNOFF"])
            row["mean_N_inputs_minus_losses_gN_m2_yr"] = float(np.average(imbalance, weights=area))
            row["mean_SUPPLEMENT_TO_SMINN_gN_m2_yr"] = float(np.average(nb["SUPPLEMENT_TO_SMINN"], weights=area))
        failed = []
        # stocks: change over the cycle (start and end are the same calendar instant); fluxes: last year of this
        # cycle against the last year of the previous one
        for key in ("TOTECOSYSC", "TOTSOMC", "TOTVEGC"):
            drift = float(((end[key] - start[key]) * area).sum() / n)                # g C yr-1 (domain total)
            row[f"drift_{key}_gC_yr"] = drift
            row[f"thresh_{key}_gC_yr"] = thresh[key]
            if abs(drift) >= thresh[key]:
                failed.append(key)
        for key in ("TWS", "H2OSNO"):
            drift = float(np.average(end[key] - start[key], weights=area) / n)
            row[f"drift_{key}_kg_m2_yr"] = drift
            row[f"thresh_{key}_kg_m2_yr"] = thresh[key]
            if abs(drift) >= thresh[key]:
                failed.append(key)
        if prev_end is not None:
            drift = float(((end["GPP"] - prev_end["GPP"]) * area).sum() / n)
            row["drift_GPP_gC_yr"] = drift
            row["thresh_GPP_gC_yr"] = thresh["GPP"]
            if abs(drift) >= thresh["GPP"]:
                failed.append("GPP")
            drift = float(np.average(end["TLAI"] - prev_end["TLAI"], weights=area) / n)
            row["drift_TLAI_m2_m2_yr"] = drift
            row["thresh_TLAI_m2_m2_yr"] = thresh["TLAI"]
            if abs(drift) >= thresh["TLAI"]:
                failed.append("TLAI")
        else:
            failed.append("GPP TLAI (no previous cycle)")
        cell_drift = (end["TOTECOSYSC"] - start["TOTECOSYSC"]) / n
        diseq = float(area[np.abs(cell_drift) > cfg.drift_threshold].sum() / area.sum())
        row["disequilibrium_area_share"] = diseq
        row["mean_abs_drift_gC_m2_yr"] = float(np.average(np.abs(cell_drift), weights=area))
        row["max_abs_drift_gC_m2_yr"] = float(np.abs(cell_drift).max())
        if diseq >= cfg.area_share:
            failed.append("area")
        if not solved:
            failed.append("not yet solved")
        if supplement:
            failed.append("N supplemented")
        row["criterion_met"] = not failed
        row["failed"] = " ".join(failed)
        for key, v in carbon_stocks(state, model).items():
            row[f"mean_{key}"] = float(np.average(v, weights=area))
        row["mean_GPP"] = float(np.average(end["GPP"], weights=area))
        row["mean_TLAI"] = float(np.average(end["TLAI"], weights=area))
        row["mean_TWS"] = float(np.average(end["TWS"], weights=area))
        rows.append(row)
        log(_cycle_line(row, cfg))
        if csv_path is not None:
            Path(csv_path).parent.mkdir(parents=True, exist_ok=True)
            pd.DataFrame(rows).to_csv(csv_path, index=False)
        if row["criterion_met"]:
            converged = True
            model.disable_recording()
            break
        prev_end = end
        verification = model.with_n and cfg.n_supplement and not supplement and not ad
        if verification and cfg.resolve != "coupled":
            # no solve of a coupled record: its N-limited decomposition rates depend on the mineral N the solve
            # changes (a linear solve with them fixed runs away, +14 kg C m-2 per solve on an 8-cell subset);
            # "supplemented": the next cycle is a new supplemented solve, "none": normal mode from here on
            model.disable_recording()
            solved = cfg.resolve == "none"
        else:
            # ---- 3: the periodic carbon and nitrogen state of the recorded cycle, dead wood, then physics again
            solve_deadwood(model, state, inflow, ad, n)
            info = solve_soil_periodic(model, state, rec, min(nd, ndays), ad)
            rows[-1]["periodic_residual"] = info["max_residual"]
            rows[-1]["periodic_iterations"] = info["mean_iterations"]
            if info["max_residual"] > PERIODIC_RTOL:
                log(f"spin-up cycle {k}: WARNING the periodic soil solve left a relative residual of "
                    f"{info['max_residual']:.1e} (> {PERIODIC_RTOL:g}) in at least one cell")
            rows[-1].update(_report_implausible_soil_carbon(model, state, k, log))
            model.disable_recording()
            if ad and k == cfg.ad_cycles:
                exit_ad(model, state)
            solved = (not ad or k == cfg.ad_cycles) and (solved or not supplement or k >= 2)
        py, pinfo = equilibrate_physics(model, state, source, cfg, co2_ppm, ndep, progress, log, f"after cycle {k}")
        phys_years += py
    if converged:
        message = (f"spin-up reached equilibrium after {years} simulated years of the full model "
                   f"(+ {phys_years} physics-only years): every CLM stability criterion met; "
                   f"{100 * rows[-1]['disequilibrium_area_share']:.1f} % of the land area drifts more than "
                   f"{cfg.drift_threshold:g} g C m-2 yr-1 (criterion < {100 * cfg.area_share:g} %)")
    else:
        what = rows[-1].get("failed", "") if rows else "no cycle"
        message = (f"spin-up did NOT reach equilibrium within max_years = {cfg.max_years} of the full model "
                   f"(+ {phys_years} physics-only years): failed: {what or 'the last cycle was not verified'}. "
                   "Increase [spinup] max_years or check the forcing")
    log(message)
    table = pd.DataFrame(rows)
    if csv_path is not None:
        table.to_csv(csv_path, index=False)
    state.col[:, C_SPIN_NDAYS] = 0.0
    return SpinupResult(state=state, table=table, converged=converged, years_simulated=years, message=message,
                        physics_years=phys_years)


def _cycle_line(row: dict, cfg: SpinupConfig) -> str:
    area = row.get("disequilibrium_area_share")
    a = f"{100 * area:.1f} %" if area is not None else "n/a"
    return (f"spin-up cycle {row['cycle']} ({row['mode']}, {row['years_simulated']} full-model years, "
            f"{row['physics_only_years']} physics-only): land area drifting > {cfg.drift_threshold:g} g C m-2 yr-1: "
            f"{a} (criterion < {100 * cfg.area_share:g} %); CLM check "
            f"{'met' if row['criterion_met'] else 'not met: ' + row['failed']}; "
            f"TOTECOSYSC {row['mean_TOTECOSYSC']:.0f} g C m-2, GPP {row['mean_GPP']:.0f} g C m-2 yr-1")
