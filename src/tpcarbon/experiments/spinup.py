"""Spin-up to equilibrium in tens of simulated years: accelerated decomposition + matrix solve.

Protocol (cycling the first years of the historical forcing, fixed CO2):

1. **AD phase** (``ad_cycles`` cycles): CLM5's accelerated decomposition (spec §5.7:
   CWD × 1.67, S2 × 5, S3 × 222.2, each × the latitude term; dead-wood mortality × 10),
   accumulating the cascade's inputs and rates; after each cycle the soil pools are set
   to the cycle-mean steady state (``model.matrix``) in AD space.
2. **AD exit**: accelerated pools × a_i·a_lat, dead stem and dead coarse root × 10 (the
   matching rescaling, ``SoilBiogeochemCarbonStateType.F90`` / ``CNVegCarbonStateType.F90``).
3. **Normal phase**: cycles in normal mode; after a cycle whose drift fails the criterion
   the soil is re-solved and another cycle runs; the spin-up stops when a full cycle that
   started from a solved state drifts less than the threshold over all but ``area_share``
   of the land area, or stops with a clear message after ``max_years``.

The equilibrium diagnostic is CLM's (its NCL spin-up check): the share of land area whose
total ecosystem carbon drifts more than 1 g C m-2 yr-1 (drift = change over a full forcing
cycle / cycle length), with the < 3 % area criterion; soil temperature, soil moisture and
the sensible/latent heat fluxes and their cycle-to-cycle change are reported too.
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
from tpcarbon.model.matrix import build_system, phase_ratio, shift_to_steady_state, solve_steady_state
from tpcarbon.model.state import C_SPIN_NDAYS, DEADCROOTC, DEADSTEMC, NVEGC, S_IN0, S_POOL0, State
from tpcarbon.params.fixed import AD_DEADWOOD_FACTOR, INITIAL_CN_LITTER
from tpcarbon.params.vertical import NLEVSOI
from tpcarbon.physics.soil_bgc import NDECOMP, S1 as S1_POOL, S2 as S2_POOL, S3 as S3_POOL


@dataclasses.dataclass(frozen=True)
class SpinupConfig:
    """Spin-up settings (the ``[spinup]`` table of a study file)."""

    cycle_years: tuple[int, int] = (1979, 1998)
    co2_ppm: float | None = None       # None: the historical CO2 of the first cycle year
    ad_cycles: int = 1
    max_years: int = 100
    drift_threshold: float = 1.0       # g C m-2 yr-1
    area_share: float = 0.03           # allowed share of land area above the threshold
    soil_t_offset: float = 2.0         # K added to the first-year mean air temperature for the cold start
    deadwood_years: int = 5            # last years of the AD cycle whose mean dead-wood inflow sets its steady state
    ad_recent_inputs: bool = True      # AD solve with the litter inputs of those last years

    @property
    def cycle_length(self) -> int:
        """Years per forcing cycle."""
        return self.cycle_years[1] - self.cycle_years[0] + 1


@dataclasses.dataclass
class SpinupResult:
    """The spun-up state and the diagnostic table."""

    state: State
    table: pd.DataFrame
    converged: bool
    years_simulated: int
    message: str


def carbon_stocks(state: State, model: Model) -> dict[str, np.ndarray]:
    """Per-cell TOTVEGC, TOTLITC, TOTSOMC, TOTECOSYSC [g C m-2] of a state (inputs in transit counted as litter)."""
    frac = model.columns.frac
    veg = (state.vegc[:, :, :NVEGC].sum(axis=2) * frac).sum(axis=1)
    dz = LAYER_DZ[:NLEVSOI]
    lit = ((state.soilc[:, :4, :] + state.bgc_acc[:, :4, :]).sum(axis=1) * dz).sum(axis=1)
    som = (state.soilc[:, 4:, :].sum(axis=1) * dz).sum(axis=1)
    return {"TOTVEGC": veg, "TOTLITC": lit, "TOTSOMC": som, "TOTECOSYSC": veg + lit + som}


def _mix_factors(model: Model, cell: int, ad_mode: bool) -> np.ndarray:
    sp = model.params.scalar
    return np.array([ad_factor(i, sp, model.columns.ad_lat[cell]) if ad_mode else 1.0 for i in range(NDECOMP)])


def solve_soil(model: Model, state: State, ad_mode: bool, last_year: tuple[np.ndarray, np.ndarray],
               recent: tuple[np.ndarray, np.ndarray] | None = None, shift: bool = False) -> None:
    """Set every cell's soil pools to the steady state of the accumulated cycle (in place), then reset the
    accumulators.

    ``last_year`` = (Σ daily stock P, day counts) over the cycle's last year, for the phase ratio.
    ``recent`` = (input sums, day counts) of the cycle's last years: when given, the litter inputs of the
    steady state are their mean (vegetation still growing early in the AD cycle), the rates those of the
    whole cycle.

    By default each pool is set to X* mapped to the end-of-cycle seasonal phase (right for pools far
    from equilibrium: after a cold start or the AD exit). With ``shift`` (later normal-mode solves, near
    the periodic state) the end-of-cycle stock is instead corrected by the remaining part of its
    deviation from steady state (``shift_to_steady_state``), which keeps the interannual phase of the
    periodic solution; setting it to X* there leaves every following cycle a drift of either sign.
    """
    sp = model.params.scalar
    nl = NLEVSOI
    for c in range(state.ncell):
        ndays = state.col[c, C_SPIN_NDAYS]
        if ndays <= 0:
            continue
        m, u = build_system(state.spin_acc[c], ndays, sp, model.columns.texture_t[c], model.columns.f13[c],
                            _mix_factors(model, c, ad_mode), LAYER_DZ[:nl], LAYER_Z[:nl])
        if recent is not None and recent[1][c] > 0:
            u = np.zeros_like(u)
            u[:4 * nl] = (recent[0][c] / (recent[1][c] * 86400.0)).reshape(-1)
        mean_now = state.spin_acc[c, S_POOL0:S_POOL0 + NDECOMP].reshape(-1) / ndays
        x = solve_steady_state(m, u, mean_now)
        if not shift:
            state.soilc[c] = x.reshape(NDECOMP, nl) * phase_ratio(last_year[0][c], last_year[1][c], state.soilc[c])
        else:
            turnovers = (-np.diag(m) * ndays * 86400.0).reshape(NDECOMP, nl)
            state.soilc[c] = shift_to_steady_state(state.soilc[c], mean_now.reshape(NDECOMP, nl),
                                                   x.reshape(NDECOMP, nl), turnovers)
    state.spin_acc[:] = 0.0
    state.col[:, C_SPIN_NDAYS] = 0.0


def follow_soil_nitrogen(model: Model, state: State, soilc_before: np.ndarray) -> None:
    """Keep the soil N pools consistent with a carbon solve (in place): SOM N = C / CN (fixed C:N), litter and CWD
    N scaled with their C (the pool's C:N kept), as CLM's SASU sets N with C (``CNSoilMatrixMod``)."""
    if not model.with_n:
        return
    sp = model.params.scalar
    for pool, cn in ((S1_POOL, sp.cn_s1_bgc), (S2_POOL, sp.cn_s2_bgc), (S3_POOL, sp.cn_s3_bgc)):
        state.soiln[:, pool, :] = state.soilc[:, pool, :] / cn
    for pool in range(4):
        old = soilc_before[:, pool, :]
        ratio = np.divide(state.soilc[:, pool, :], old, out=np.ones_like(old), where=old > 0.0)
        state.soiln[:, pool, :] *= ratio
        fresh = (old <= 0.0) & (state.soilc[:, pool, :] > 0.0)
        state.soiln[:, pool, :] = np.where(fresh, state.soilc[:, pool, :] / INITIAL_CN_LITTER, state.soiln[:, pool, :])


def exit_ad(model: Model, state: State) -> None:
    """Rescale accelerated pools on leaving AD mode (in place): soil pool i × a_i a_lat (C and N), dead wood × 10."""
    for c in range(state.ncell):
        f = _mix_factors(model, c, True)[:, None]
        state.soilc[c] *= f
        state.soiln[c, :NDECOMP] *= f
    for pool in (DEADSTEMC, DEADCROOTC):
        state.vegc[:, :, pool] *= AD_DEADWOOD_FACTOR
        state.vegn[:, :, pool] *= AD_DEADWOOD_FACTOR


def solve_deadwood(model: Model, state: State, annual_inflow: list[np.ndarray], ad_mode: bool,
                   last_years: int) -> None:
    """Set dead stem and dead coarse root to the steady state of their mean inflow (in place).

    Dead wood gains carbon from live-wood turnover and the transfer pool and loses it only by
    gap mortality m (× 10 in AD mode), so its steady state is :math:`D^* = \\bar I / m` with
    :math:`\\bar I` the mean inflow of the cycle's last ``last_years`` years (the vegetation
    analogue of the soil matrix solve; spec §3.5, §5.7).
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


def _first_year_mean_temperature(source: ForcingSource, year: int) -> np.ndarray:
    total = None
    n = 0
    for chunk in source.iter_chunks(year, year):
        s = np.asarray(chunk.temp, dtype=np.float64).sum(axis=0)
        total = s if total is None else total + s
        n += chunk.nt
    return total / n


def run_spinup(model: Model, source: ForcingSource, cfg: SpinupConfig, co2_ppm: float,
               log: Callable[[str], None] = print, progress: bool = True, state: State | None = None,
               csv_path: str | Path | None = None) -> SpinupResult:
    """Spin the model up on cycled forcing (see the module docstring).

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
    """
    y0, y1 = cfg.cycle_years
    n = cfg.cycle_length
    if state is None:
        t_init = _first_year_mean_temperature(source, y0) + cfg.soil_t_offset
        state = model.init_state(t_init=t_init)
    co2 = lambda t: np.full(t.shape, co2_ppm)  # noqa: E731
    area = model.domain.land_area
    rows: list[dict] = []
    years = 0
    prev_phys: dict[str, float] | None = None
    inflow: list[np.ndarray] = []
    snap: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def last_year() -> tuple[np.ndarray, np.ndarray]:
        p0, n0 = snap.get("pools", (0.0, 0.0))
        return state.spin_acc[:, S_POOL0:S_POOL0 + NDECOMP] - p0, state.col[:, C_SPIN_NDAYS] - n0
    veg_years = max(1, min(cfg.deadwood_years, n))
    converged = False
    message = ""

    def cycle(mode: str, ad: bool, cycle_no: int) -> tuple[np.ndarray, dict[str, float]]:
        nonlocal years, prev_phys
        m = model.with_options(ad_mode=ad, spin_accumulate=True)
        state.spin_acc[:] = 0.0
        state.col[:, C_SPIN_NDAYS] = 0.0
        tec0 = carbon_stocks(state, m)["TOTECOSYSC"]
        phys = {k: [] for k in ("TSOI_10CM", "H2OSOI_1M", "FSH", "EFLX_LH_TOT", "GPP", "NPP", "HR")}
        inflow.clear()
        state.veg_spin[:] = 0.0
        snap.clear()
        for ann in simulate_years(m, state, source, y0, y1, co2, desc=f"spin-up {mode} cycle {cycle_no}",
                                  progress=progress):
            if ann.year == y1 - veg_years:
                snap["inputs"] = (state.spin_acc[:, S_IN0:S_IN0 + 4].copy(), state.col[:, C_SPIN_NDAYS].copy())
            if ann.year == y1 - 1:
                snap["pools"] = (state.spin_acc[:, S_POOL0:S_POOL0 + NDECOMP].copy(),
                                 state.col[:, C_SPIN_NDAYS].copy())
            for k in phys:
                phys[k].append(float(np.average(ann.values[k], weights=area)))
            inflow.append(state.veg_spin.copy())
            state.veg_spin[:] = 0.0
            years += 1
        stocks = carbon_stocks(state, m)
        # in AD mode, drift is measured on the pools as they would be after exit (real carbon)
        drift = (stocks["TOTECOSYSC"] - tec0) / n
        means = {k: float(np.mean(v)) for k, v in phys.items()}
        diseq = float(area[np.abs(drift) > cfg.drift_threshold].sum() / area.sum())
        row = {
            "cycle": len(rows) + 1, "mode": mode, "years_simulated": years,
            "disequilibrium_area_share": diseq,
            "criterion_met": bool(diseq < cfg.area_share),
            "mean_abs_drift_gC_m2_yr": float(np.average(np.abs(drift), weights=area)),
            "max_abs_drift_gC_m2_yr": float(np.abs(drift).max()),
            **{f"mean_{k}": float(np.average(v, weights=area)) for k, v in stocks.items()},
            "mean_TSOI_10CM_K": means["TSOI_10CM"], "mean_H2OSOI_1M_m3m3": means["H2OSOI_1M"],
            "mean_FSH_Wm2": means["FSH"], "mean_EFLX_LH_TOT_Wm2": means["EFLX_LH_TOT"],
            "mean_GPP": means["GPP"], "mean_NPP": means["NPP"], "mean_HR": means["HR"],
        }
        if prev_phys is not None:
            row["delta_TSOI_10CM_K"] = means["TSOI_10CM"] - prev_phys["TSOI_10CM"]
            row["delta_H2OSOI_1M_m3m3"] = means["H2OSOI_1M"] - prev_phys["H2OSOI_1M"]
            row["delta_FSH_Wm2"] = means["FSH"] - prev_phys["FSH"]
            row["delta_EFLX_LH_TOT_Wm2"] = means["EFLX_LH_TOT"] - prev_phys["EFLX_LH_TOT"]
        prev_phys = means
        rows.append(row)
        log(f"spin-up cycle {row['cycle']} ({mode}, {years} years so far): land area drifting > "
            f"{cfg.drift_threshold:g} g C m-2 yr-1: {100 * diseq:.1f} % (criterion < {100 * cfg.area_share:g} %: "
            f"{'met' if row['criterion_met'] else 'not met'}); mean |drift| {row['mean_abs_drift_gC_m2_yr']:.2f}; "
            f"TOTECOSYSC {row['mean_TOTECOSYSC']:.0f} g C m-2; soil T {means['TSOI_10CM'] - 273.15:.2f} °C; "
            f"GPP {means['GPP']:.0f}, HR {means['HR']:.0f} g C m-2 yr-1")
        if csv_path is not None:
            Path(csv_path).parent.mkdir(parents=True, exist_ok=True)
            pd.DataFrame(rows).to_csv(csv_path, index=False)
        return drift, row

    for k in range(cfg.ad_cycles):
        cycle("AD", True, k + 1)
        solve_deadwood(model, state, inflow, True, veg_years)
        recent = None
        if cfg.ad_recent_inputs and "inputs" in snap:
            recent = (state.spin_acc[:, S_IN0:S_IN0 + 4] - snap["inputs"][0],
                      state.col[:, C_SPIN_NDAYS] - snap["inputs"][1])
        before = state.soilc.copy()
        solve_soil(model, state, ad_mode=True, last_year=last_year(), recent=recent)
        follow_soil_nitrogen(model, state, before)
        rows[-1]["matrix_solve"] = True
    if cfg.ad_cycles > 0:
        exit_ad(model, state)
    solved_before = cfg.ad_cycles > 0
    k = 0
    while years + n <= cfg.max_years:
        k += 1
        _, row = cycle("normal", False, k)
        if solved_before and row["criterion_met"]:
            converged = True
            break
        solve_deadwood(model, state, inflow, False, n)
        # the first normal-mode solve follows the AD exit (far from equilibrium): set X*; later ones shift
        before = state.soilc.copy()
        solve_soil(model, state, ad_mode=False, last_year=last_year(), shift=k > 1)
        follow_soil_nitrogen(model, state, before)
        rows[-1]["matrix_solve"] = True
        solved_before = True
    if converged:
        message = (f"spin-up reached equilibrium after {years} simulated years: "
                   f"{100 * rows[-1]['disequilibrium_area_share']:.1f} % of the land area drifts more than "
                   f"{cfg.drift_threshold:g} g C m-2 yr-1 (criterion < {100 * cfg.area_share:g} %)")
    else:
        message = (f"spin-up did NOT reach equilibrium within max_years = {cfg.max_years}: "
                   f"{100 * rows[-1]['disequilibrium_area_share']:.1f} % of the land area still drifts more than "
                   f"{cfg.drift_threshold:g} g C m-2 yr-1 (criterion < {100 * cfg.area_share:g} %). "
                   "Increase [spinup] max_years or check the forcing")
    log(message)
    table = pd.DataFrame(rows)
    if csv_path is not None:
        table.to_csv(csv_path, index=False)
    state.spin_acc[:] = 0.0
    state.col[:, C_SPIN_NDAYS] = 0.0
    return SpinupResult(state=state, table=table, converged=converged, years_simulated=years, message=message)
