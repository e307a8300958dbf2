"""The time loop: advance every cell through a chunk of forcing, in parallel over cells.

Cells are independent columns, so the loop is cell-major: a numba ``prange`` over cells,
each running its own time loop over the chunk with its state and scratch in cache (no
Python and no allocation inside the time loop). The carbon balance is checked at every
step: |ΔC_total − (GPP − AR − HR)Δt| must stay below ``balance_tol`` × C_total per year
(spread evenly over the year's steps); a violation stops the run with the cell, step and
pools involved (``ModelError``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit, prange

from tpcarbon.constants import SECSPYR
from tpcarbon.errors import ModelError
from tpcarbon.io.ndep import default_ndep
from tpcarbon.forcing.stream import DT_FORCING, FORCING_VARS, ForcingChunk
from tpcarbon.model.columns import LAYER_DZ, LAYER_Z, LAYER_ZI, Columns, build_columns
from tpcarbon.model.state import (
    C_ANNAVG_T2M,
    C_DAYL,
    C_FPI,
    C_NALT_LAST,
    C_PBOT240,
    C_PCO2_240,
    C_PO2_240,
    C_PREV_DAYL,
    C_SNOW_T,
    C_T10,
    COL_NAMES,
    FROOTC,
    FROOTC_STOR,
    LEAFC,
    LEAFC_STOR,
    NOUT,
    NVEGC,
    O_ALT,
    O_TOTECOSYSC,
    O_TOTLITC,
    O_TOTSOMC,
    O_TOTVEGC,
    NREC,
    O_SMINN,
    O_TOTECOSYSN,
    O_TOTLITN,
    O_TOTSOMN,
    O_TOTVEGN,
    OUT_FLUX,
    OUT_MAX,
    OUT_NAMES,
    OUT_STATE,
    P_DORMANT,
    P_ENZS,
    P_JMX25,
    P_PAR240D,
    P_PAR240X,
    P_PNLC,
    P_RB10,
    P_RH10,
    P_TVEG,
    P_TVEG10_DAY,
    P_TVEG10_NIGHT,
    P_VCMX25,
    PHENO_NAMES,
    VEGC_NAMES,
    State,
    empty_state,
)
from tpcarbon.model.daily import BW_WIDTH, NBW
from tpcarbon.model.step import (
    NPOUT,
    NSCRATCH,
    carbon_totals,
    init_structure,
    nitrogen_totals,
    step_cell,
    update_profiles,
)
from tpcarbon.model.vegetation import NFLUXCOL, NVOUT
from tpcarbon.params.fixed import (
    ANNAVG_T2M_INIT,
    LUNA_ENZS_INIT,
    LUNA_JMX25_INIT,
    LUNA_PBOT240_INIT,
    LUNA_PCO2_240_INIT,
    LUNA_PNLC_INIT,
    LUNA_PO2_240_INIT,
    LUNA_VCMX25_INIT,
    SOM_SEED,
    SOM_SEED_DEPTH,
)
from tpcarbon.params.pft import (
    PFT_EVERGREEN,
    PFT_FROOT_LEAF,
    PFT_FROOTCN,
    PFT_LEAFCN,
    PFT_SLATOP,
    Params,
    load_params,
)
from tpcarbon.params.vertical import NLEVGRND, NLEVSOI, Z
from tpcarbon.physics.soil_bgc import NDECOMP, S1, S2, S3, calc_base_rate, calc_q10_normalisation
from tpcarbon.physics.solar import calc_coszen_mean, calc_daylength, calc_declination, calc_substep_coszen
from tpcarbon.surface.domain import Domain

#: Leaf area of a cold start [m2 m-2]: leaf carbon = LAI/slatop, displayed (evergreen) or in storage
#: (deciduous, twice that since onset displays half the storage); fine roots in proportion (froot_leaf).
#: CLM5 cold-starts from a small seed; starting near LAI 1 lets an evergreen canopy reach equilibrium
#: within one 20-year AD cycle (a spin-up choice, irrelevant once spun up).
COLD_START_LAI = 1.0

#: Nitrogen modes of the model (``ModelOptions.nitrogen``).
NITROGEN_MODES = {"coupled": "CLM5 coupled N cycle", "fun-lite": "carbon only, fixed N cost (D6)"}

#: Patch slots that hold NaN until LUNA's first day ends (CLM ``spval``).
LUNA_UNSET_SLOTS = [P_PAR240D, P_PAR240X, P_TVEG10_DAY, P_TVEG10_NIGHT, P_RH10, P_RB10]


class ModelOptions(NamedTuple):
    """Run-time options of the model.

    Attributes
    ----------
    dt : float
        Forcing and model step [s] (3 h for CMFD).
    n_substeps : int
        Photosynthesis sub-steps inside a forcing step (zenith-weighted light); 2 keeps annual GPP within
        1 % of 12 sub-steps, 1 overestimates it by 10-16 % (tests/reference/test_substep_bias.py).
    ad_mode : bool
        Accelerated-decomposition spin-up (spec §5.7).
    spin_accumulate : bool
        Accumulate the terms of the matrix spin-up.
    balance_tol : float
        Allowed relative carbon (and nitrogen) imbalance per year (1e-9).
    nitrogen : str
        ``"coupled"`` (default): CLM5's nitrogen cycle (FUN, soil mineral N, flexible C:N, N-limited
        decomposition); ``"fun-lite"``: carbon only, a fixed N cost κ (departure D6).
    """

    dt: float = DT_FORCING
    n_substeps: int = 2
    ad_mode: bool = False
    spin_accumulate: bool = False
    balance_tol: float = 1.0e-9
    nitrogen: str = "coupled"


class ChunkOutput(NamedTuple):
    """Per-cell output of one chunk: flux sums [g C m-2 per chunk], state means, maxima."""

    year: int
    month: int
    nsteps: int
    values: np.ndarray  # (ncell, NOUT), ordered as state.OUT_NAMES

    def get(self, name: str) -> np.ndarray:
        """One output variable by its CLM history name."""
        return self.values[:, OUT_NAMES.index(name)]


def base_rates(params: Params) -> np.ndarray:
    """Base decomposition rates k_i [s-1] of CWD, L1, L2, L3, S1, S2, S3 (spec §5.2)."""
    sp = params.scalar
    taus = (sp.tau_cwd, sp.tau_l1, sp.tau_l2_l3, sp.tau_l2_l3, sp.tau_s1, sp.tau_s2, sp.tau_s3)
    return np.array([calc_base_rate(t) for t in taus])


def time_info(times: np.ndarray, dt: float = DT_FORCING) -> tuple[np.ndarray, np.ndarray]:
    """Calendar day (1-based, fractional, UTC) of each interval centre, and step flags.

    Flags (int8 bit field): 1 = first step of a UTC day, 2 = last step of the day,
    4 = last step of the year. A step belongs to the day of its centre; it is the first of its
    day when the previous step's centre (one ``dt`` earlier) falls on another day, the last when
    the next one does. Works for any step (3-hourly CMFD, half-hourly flux sites).

    Examples
    --------
    >>> t = np.array(["2000-12-31T21:00", "2001-01-01T00:00"], dtype="datetime64[s]")
    >>> time_info(t)[1].tolist()
    [6, 1]
    """
    t = times.astype("datetime64[s]")
    step = np.timedelta64(int(round(dt)), "s")
    year_start = t.astype("datetime64[Y]").astype("datetime64[s]")
    calday = (t - year_start).astype(np.float64) / 86400.0 + 1.0
    day = t.astype("datetime64[D]")
    prev_day = (t - step).astype("datetime64[D]")
    next_t = t + step
    flags = np.zeros(t.size, dtype=np.int8)
    flags[prev_day != day] |= 1
    flags[next_t.astype("datetime64[D]") != day] |= 2
    flags[next_t.astype("datetime64[Y]") != t.astype("datetime64[Y]")] |= 4
    return calday, flags


@njit(parallel=True, cache=True, error_model="numpy")
def _run_cells(forc, co2, calday, flags, lat, lon, dayl_max, pft_idx, frac, watsat, bsw, sucsat, hksat, tksol,
               tkdry, csol, texture_t, f13, ad_lat, rootfr_w, rootfr_c, fdepth, soil_color, vegc, vegn, pheno, col, tsoi,
               liq, ice, soilc, soiln, acc, rec, vspin, pft, sp, base_k, q10_norm, dz_l, z_l, zi_l, nlevsoi, nlevgrnd,
               dt, n_sub, ad_mode, spin_on, with_n, ndep, tol_step, out, err, timing):
    ncell = forc.shape[1]
    nt = forc.shape[2]
    npatch = pft_idx.shape[1]
    half = 0.5 * dt / 86400.0
    for c in prange(ncell):
        sc = np.zeros((NSCRATCH, nlevgrnd + 1))
        prof = np.zeros((npatch, nlevsoi))
        fl = np.zeros((NVEGC, NFLUXCOL))
        vout = np.zeros((npatch, NVOUT))
        pout = np.zeros((npatch, NPOUT))
        rootr_p = np.zeros((npatch, nlevsoi))
        bw = np.zeros((NBW, BW_WIDTH))
        mu_sub = np.zeros(max(n_sub, 1))
        update_profiles(col[c], rootfr_c[c], nlevsoi, z_l, sc, prof)
        veg, lit, som = carbon_totals(vegc[c], frac[c], soilc[c], acc[c], dz_l, nlevsoi)
        tot_prev = veg + lit + som
        vn, ln, sn, mn = nitrogen_totals(vegn[c], frac[c], soiln[c], acc[c], dz_l, nlevsoi)
        totn_prev = vn + ln + sn + mn
        for t in range(nt):
            cd = calday[t]
            mu = calc_coszen_mean(cd, half, lat[c], lon[c])
            if n_sub > 1:
                calc_substep_coszen(cd, half, lat[c], lon[c], n_sub, mu_sub)
            new_day = (flags[t] & 1) != 0
            dayl_today = 0.0
            if new_day:
                dayl_today = calc_daylength(lat[c], calc_declination(np.floor(cd) + 0.5))
            g, a, h, dn = step_cell(
                forc[0, c, t], forc[1, c, t], forc[2, c, t], forc[3, c, t], forc[4, c, t], forc[5, c, t],
                forc[6, c, t], co2[t], cd, new_day, (flags[t] & 2) != 0, (flags[t] & 4) != 0, dayl_today,
                lat[c], lon[c], dayl_max[c], pft_idx[c], frac[c], watsat[c], bsw[c], sucsat[c], hksat[c], tksol[c],
                tkdry[c], csol[c], texture_t[c], f13[c], ad_lat[c], rootfr_w[c], rootfr_c[c], fdepth, soil_color[c],
                vegc[c], vegn[c], pheno[c], col[c], tsoi[c], liq[c], ice[c], soilc[c], soiln[c], acc[c], rec[c],
                vspin[c], pft, sp, base_k, q10_norm, dz_l, z_l, zi_l, nlevsoi, nlevgrnd, dt, n_sub, ad_mode, spin_on,
                with_n, ndep[c], mu, mu_sub, sc, prof, rootr_p, fl, vout, pout, bw, out[c], timing[c])
            veg, lit, som = carbon_totals(vegc[c], frac[c], soilc[c], acc[c], dz_l, nlevsoi)
            tot = veg + lit + som
            resid = tot - tot_prev - (g - a - h)
            if not (abs(resid) <= tol_step * max(abs(tot), 1.0)):
                err[c, 0] = 1.0
                err[c, 1] = t
                err[c, 2] = resid
                err[c, 3] = tot
                break
            tot_prev = tot
            vn, ln, sn, mn = nitrogen_totals(vegn[c], frac[c], soiln[c], acc[c], dz_l, nlevsoi)
            totn = vn + ln + sn + mn
            if with_n:
                residn = totn - totn_prev - dn
                if not (abs(residn) <= tol_step * max(abs(totn), 1.0)):
                    err[c, 0] = 2.0
                    err[c, 1] = t
                    err[c, 2] = residn
                    err[c, 3] = totn
                    break
            totn_prev = totn
            out[c, O_TOTVEGN] += vn
            out[c, O_TOTLITN] += ln
            out[c, O_TOTSOMN] += sn
            out[c, O_SMINN] += mn
            out[c, O_TOTECOSYSN] += totn
            out[c, O_TOTVEGC] += veg
            out[c, O_TOTLITC] += lit
            out[c, O_TOTSOMC] += som
            out[c, O_TOTECOSYSC] += tot


class Model:
    """The tpcarbon column model on a domain: parameters, static columns and options in one place.

    Parameters
    ----------
    domain : Domain
        Cells to simulate.
    params : Params, optional
        CLM5 parameters (default: the bundled ``clm5_params.c171117.nc``).
    options : ModelOptions, optional
        Run-time options.

    Examples
    --------
    >>> from tpcarbon.testing.domains import small_domain
    >>> m = Model(small_domain())
    >>> s = m.init_state(t_init=270.0)
    >>> s.vegc.shape[0] == m.domain.ncell
    True
    """

    def __init__(self, domain: Domain, params: Params | None = None, options: ModelOptions | None = None):
        self.domain = domain
        self.params = params if params is not None else load_params()
        self.options = options if options is not None else ModelOptions()
        self.columns: Columns = build_columns(domain, self.params)
        self.pft_matrix = self.params.pft_matrix
        self.base_k = base_rates(self.params)
        self.q10_norm = float(calc_q10_normalisation(self.params.scalar.q10_mr))
        if self.options.nitrogen not in NITROGEN_MODES:
            raise ValueError(f"ModelOptions.nitrogen must be one of {sorted(NITROGEN_MODES)}, "
                             f"got {self.options.nitrogen!r}")
        self.with_n = self.options.nitrogen == "coupled"
        self._timing: np.ndarray | None = None
        self._record: np.ndarray | None = None

    def enable_recording(self, ndays: int) -> np.ndarray:
        """Allocate the daily spin-up record (ncell, ndays, NREC, NLEVSOI) float32 the kernel fills on days with
        ``spin_accumulate`` (row = ``col[C_SPIN_NDAYS]``); returns it (``experiments.spinup``)."""
        self._record = np.zeros((self.domain.ncell, ndays, NREC, NLEVSOI), dtype=np.float32)
        return self._record

    def disable_recording(self) -> None:
        """Free the spin-up record."""
        self._record = None

    def _record_array(self) -> np.ndarray:
        if self._record is None:
            return np.zeros((self.domain.ncell, 1, 0, NLEVSOI), dtype=np.float32)
        return self._record

    def enable_timing(self) -> np.ndarray:
        """Switch on the per-process cycle counters (``model.profiling``); returns the (ncell, NPROF) array the
        kernel adds cycles to (benchmarks only)."""
        from tpcarbon.model.profiling import NPROF

        self._timing = np.zeros((self.domain.ncell, NPROF))
        return self._timing

    def with_options(self, **changes) -> Model:
        """A shallow copy with some options changed (columns are shared)."""
        other = object.__new__(Model)
        other.__dict__.update(self.__dict__)
        other.options = self.options._replace(**changes)
        return other

    # ------------------------------------------------------------------ cold start
    def init_state(self, t_init: float | np.ndarray = 272.0) -> State:
        """A cold-start state: soil at ``t_init`` (K, scalar or per cell), half-saturated, SOM seeds,
        leaf and fine-root carbon for LAI ≈ 1 (``COLD_START_LAI``), deciduous patches dormant.

        SOM seeds: 200 g C m-3 in each SOM pool above 1.5 m (spec §5.1).
        """
        d = self.domain
        n, npatch = d.ncell, d.npatch
        s = empty_state(n, npatch)
        t0 = np.broadcast_to(np.asarray(t_init, dtype=np.float64), (n,)).copy()
        s.tsoi[:] = t0[:, None]
        frozen = t0 < 273.15
        w = 0.5 * self.columns.watsat * 1000.0 * LAYER_DZ[None, :NLEVSOI]
        s.h2oliq[:] = np.where(frozen[:, None], 0.0, w)
        s.h2oice[:] = np.where(frozen[:, None], w * 0.917, 0.0)
        seed = Z[:NLEVSOI] < SOM_SEED_DEPTH
        for pool in (S1, S2, S3):
            s.soilc[:, pool, seed] = SOM_SEED
        s.col[:, C_T10] = t0
        s.col[:, C_SNOW_T] = np.minimum(t0, 273.15)
        # LUNA and canopy state (CLM cold-start values; docs/luna_integration.md §3)
        s.pheno[:, :, P_TVEG] = t0[:, None]
        s.pheno[:, :, P_VCMX25] = LUNA_VCMX25_INIT
        s.pheno[:, :, P_JMX25] = LUNA_JMX25_INIT
        s.pheno[:, :, P_PNLC] = LUNA_PNLC_INIT
        s.pheno[:, :, P_ENZS] = LUNA_ENZS_INIT
        s.pheno[:, :, LUNA_UNSET_SLOTS] = np.nan
        # nitrogen cold start (CNVegNitrogenStateType / SoilBiogeochemNitrogenStateType ``InitCold``): tissue N at
        # the target C:N of leaf, fine root and dead stem; SOM N = C / CN; litter N 0 (no litter); mineral N 0
        sp = self.params.scalar
        for pool, cn in ((S1, sp.cn_s1_bgc), (S2, sp.cn_s2_bgc), (S3, sp.cn_s3_bgc)):
            s.soiln[:, pool, :] = s.soilc[:, pool, :] / cn
        s.col[:, C_FPI] = 1.0
        s.col[:, C_PCO2_240] = LUNA_PCO2_240_INIT
        s.col[:, C_PO2_240] = LUNA_PO2_240_INIT
        s.col[:, C_PBOT240] = LUNA_PBOT240_INIT
        s.col[:, C_ANNAVG_T2M] = ANNAVG_T2M_INIT
        s.col[:, C_NALT_LAST] = 1.0
        pft = self.pft_matrix
        for c in range(n):
            for p in range(npatch):
                ip = int(d.pft_index[c, p])
                if d.pft_frac[c, p] <= 0 or ip == 0:
                    continue
                leafc = COLD_START_LAI / pft[ip, PFT_SLATOP]
                if pft[ip, PFT_EVERGREEN] > 0.5:
                    s.vegc[c, p, LEAFC] = leafc
                    s.vegc[c, p, FROOTC] = leafc * pft[ip, PFT_FROOT_LEAF]
                else:
                    s.vegc[c, p, LEAFC_STOR] = 2.0 * leafc
                    s.vegc[c, p, FROOTC_STOR] = 2.0 * leafc * pft[ip, PFT_FROOT_LEAF]
                    s.pheno[c, p, P_DORMANT] = 1.0
                if self.with_n:
                    for k, cn in ((LEAFC, pft[ip, PFT_LEAFCN]), (LEAFC_STOR, pft[ip, PFT_LEAFCN]),
                                  (FROOTC, pft[ip, PFT_FROOTCN]), (FROOTC_STOR, pft[ip, PFT_FROOTCN])):
                        s.vegn[c, p, k] = s.vegc[c, p, k] / cn
        decl_jan1 = calc_declination(1.0)
        for c in range(n):
            dl = calc_daylength(self.columns.lat[c], decl_jan1)
            s.col[c, C_DAYL] = dl
            s.col[c, C_PREV_DAYL] = dl
            init_structure(self.columns.pft[c], self.columns.frac[c], s.vegc[c], s.pheno[c], self.pft_matrix,
                           self.options.ad_mode)
        return s

    # ------------------------------------------------------------------ time loop
    def run_chunk(self, state: State, chunk: ForcingChunk, co2_ppm: np.ndarray | float,
                  ndep: np.ndarray | float | None = None) -> ChunkOutput:
        """Advance ``state`` (in place) through one forcing chunk.

        Parameters
        ----------
        state : State
            Model state of every cell of the domain; updated in place.
        chunk : ForcingChunk
            Canonical forcing, arrays (nt, ncell).
        co2_ppm : float or ndarray, shape (nt,)
            Atmospheric CO2 at each step [ppm].
        ndep : float or ndarray, shape (ncell,), optional
            Atmospheric N deposition [g N m-2 yr-1]; default: the plateau default of the chunk's year
            (:func:`tpcarbon.io.ndep.default_ndep`).

        Returns
        -------
        ChunkOutput
        """
        opts = self.options
        cols = self.columns
        nt = chunk.nt
        forc = np.empty((len(FORCING_VARS), self.domain.ncell, nt), dtype=np.float64)
        for k, name in enumerate(FORCING_VARS):
            forc[k] = np.asarray(getattr(chunk, name), dtype=np.float64).T
        co2 = np.broadcast_to(np.asarray(co2_ppm, dtype=np.float64), (nt,)).copy()
        calday, flags = time_info(chunk.time, opts.dt)
        if ndep is None:
            ndep = default_ndep(chunk.year)
        ndep_rate = np.broadcast_to(np.asarray(ndep, dtype=np.float64), (self.domain.ncell,)) / SECSPYR
        ndep_rate = np.ascontiguousarray(ndep_rate)
        out = np.zeros((self.domain.ncell, NOUT))
        err = np.zeros((self.domain.ncell, 4))
        steps_per_year = 365.0 * 86400.0 / opts.dt
        _run_cells(forc, co2, calday, flags, cols.lat, cols.lon, cols.dayl_max, cols.pft, cols.frac, cols.watsat,
                   cols.bsw, cols.sucsat, cols.hksat, cols.tksol, cols.tkdry, cols.csol, cols.texture_t, cols.f13,
                   cols.ad_lat, cols.rootfr_w, cols.rootfr_c, cols.fdepth, cols.soil_color, state.vegc, state.vegn,
                   state.pheno, state.col, state.tsoi, state.h2oliq, state.h2oice, state.soilc, state.soiln,
                   state.bgc_acc, self._record_array(), state.veg_spin, self.pft_matrix, self.params.scalar, self.base_k,
                   self.q10_norm, LAYER_DZ, LAYER_Z, LAYER_ZI, NLEVSOI, NLEVGRND, opts.dt, opts.n_substeps,
                   opts.ad_mode, opts.spin_accumulate, self.with_n, ndep_rate, opts.balance_tol / steps_per_year, out,
                   err, self._timing if self._timing is not None else np.zeros((self.domain.ncell, 0)))
        self._raise_on_error(err, chunk, state)
        check_finite(state, self.domain, chunk)
        for k, name in enumerate(OUT_NAMES):
            if name in OUT_STATE or name in ("TOTVEGC", "TOTLITC", "TOTSOMC", "TOTECOSYSC"):
                out[:, k] /= nt
        return ChunkOutput(year=chunk.year, month=chunk.month, nsteps=nt, values=out)

    def _raise_on_error(self, err: np.ndarray, chunk: ForcingChunk, state: State) -> None:
        bad = np.nonzero(err[:, 0])[0]
        if bad.size == 0:
            return
        c = int(bad[0])
        t = int(err[c, 1])
        when = str(chunk.time[t])
        if err[c, 0] == 2.0:
            raise ModelError(
                f"nitrogen balance violated in cell {c} (lat {self.columns.lat[c]:.2f}, lon {self.columns.lon[c]:.2f}) "
                f"at step {t} ({when}): residual {err[c, 2]:.3e} g N m-2 of total {err[c, 3]:.6e}; "
                f"pools: vegetation {state.vegn[c].sum():.4e} g N m-2, soil {state.soiln[c].sum():.4e} g N m-3 summed. "
                "This is a model bug, not an input problem: report it with the study file")
        raise ModelError(
            f"carbon balance violated in cell {c} (lat {self.columns.lat[c]:.2f}, lon {self.columns.lon[c]:.2f}) "
            f"at step {t} ({when}): residual {err[c, 2]:.3e} g C m-2 of total {err[c, 3]:.6e}; "
            f"pools: vegetation {state.vegc[c].sum():.4e}, soil {state.soilc[c].sum():.4e} g C m-3 summed. "
            "This is a model bug, not an input problem: report it with the study file")


def check_finite(state: State, domain: Domain, chunk: ForcingChunk | None = None) -> None:
    """Raise ``ModelError`` naming the first cell and variable holding NaN or Inf."""
    names = {"vegc": VEGC_NAMES, "pheno": PHENO_NAMES, "col": COL_NAMES}
    for field, arr in zip(State._fields, state, strict=True):
        ok = np.isfinite(arr)
        if field == "pheno":
            # LUNA's 10-day filters are NaN until their first day (CLM ``spval``)
            ok[:, :, LUNA_UNSET_SLOTS] |= np.isnan(arr[:, :, LUNA_UNSET_SLOTS])
        if ok.all():
            continue
        idx = np.argwhere(~ok)[0]
        c = int(idx[0])
        what = field
        if field in names:
            what = f"{field}.{names[field][int(idx[-1])]}"
        when = f" after the chunk of {chunk.year}-{chunk.month:02d}" if chunk is not None else ""
        raise ModelError(f"non-finite value in state variable {what} at cell {c} (lat {domain.lat[c]:.2f}, "
                         f"lon {domain.lon[c]:.2f}){when}; the run stopped, the last checkpoint is intact. "
                         "Check the forcing of this cell for NaN/fill values (tpcarbon forcing check)")


__all__ = ["ChunkOutput", "Model", "ModelOptions", "base_rates", "check_finite", "time_info",
           "OUT_FLUX", "OUT_MAX", "NDECOMP", "O_ALT"]
