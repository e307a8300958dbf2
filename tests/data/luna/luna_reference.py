"""Independent plain-float64 transcription of CLM5's LUNA (CTSM release-clm5.0 LunaMod.F90): reference values.

Written routine by routine from the Fortran of ESCOMP/CTSM ``release-clm5.0`` (commit
fdfc03a0abec838ec0b66663a6a2f5e619cd2611) ``src/biogeophys/LunaMod.F90``, in CLM's own units (°C for
temperatures) and with CLM's own names, without importing tpcarbon. Every number is the one in the Fortran
(line numbers in the comments); R = 8.31447 J mol-1 K-1 is clm_varcon ``rgas``·1e-3 as tpcarbon rounds it
(spec §0; CLM's SHR_CONST_RGAS·1e-3 = 8.3144676, a 3e-7 relative difference that this file and tpcarbon
share).

Run ``python luna_reference.py`` to regenerate ``luna_reference.json`` (see PROVENANCE.md).
"""

import json
import math
import sys
from pathlib import Path

import numpy as np

# ------------------------------------------------------------ constants (LunaMod.F90 l.54-80; clm_varcon)
R = 8.31447  # rgas*1e-3 [J mol-1 K-1] (clm_varcon rgas is per kmol)
RGAS_KJ = R * 1e-3  # rgas*1e-6 [kJ mol-1 K-1] of RespTBernacchi
TFRZ = 273.15
Cv = 1.2e-5 * 3600.0
Kc25, Ko25, Cp25 = 40.49, 27840.0, 4.275
Fc25, Fj25, NUEr25, Cb = 294.2, 1257.0, 33.69, 1.78
O2ref, CO2ref, forc_pbot_ref = 209460.0, 380.0, 101325.0
Q10Enz = 2.0
Jmaxb0 = 0.0311
Jmaxb1 = 0.093563  # namelist_defaults_clm4_5.xml l.430 (phys=clm5_0)
Wc2Wjb0 = 0.8054
relhExp = 6.0999
Enzyme_turnover_daily = 0.1
NMCp25 = 0.715
Trange1, Trange2 = 5.0, 42.0
SNC = 0.004
mp = 9.0
PARLowLim = 200.0
minrelh = 0.25
F32_0p02 = float(np.float32(0.02))  # the literal 0.02 of l.855 is a default (4-byte) real
F32_4p6 = float(np.float32(4.6))  # the literal 4.6 of l.313 likewise


def VcmxTKattge(tgrow, tleaf):  # l.1234-1249
    TlimVcmx = 668.39 - 1.07 * (min(max(tgrow, 11.0), 35.0))
    f1 = 1.0 + math.exp((TlimVcmx * (25.0 + TFRZ) - 200000.0) / (R * (25.0 + TFRZ)))
    f2 = math.exp((72000.0 / (R * (25.0 + TFRZ))) * (1.0 - (TFRZ + 25.0) / (TFRZ + tleaf)))
    f3 = 1.0 + math.exp((TlimVcmx * (tleaf + TFRZ) - 200000.0) / (R * (tleaf + TFRZ)))
    return f1 * f2 / f3


def JmxTKattge(tgrow, tleaf):  # l.1254-1269
    TlimJmx = 659.7 - 0.75 * (min(max(tgrow, 11.0), 35.0))
    f1 = 1.0 + math.exp((TlimJmx * (25.0 + TFRZ) - 200000.0) / (R * (25.0 + TFRZ)))
    f2 = math.exp((50000.0 / (R * (25.0 + TFRZ))) * (1.0 - (TFRZ + 25.0) / (tleaf + TFRZ)))
    f3 = 1.0 + math.exp((TlimJmx * (tleaf + TFRZ) - 200000.0) / (R * (tleaf + TFRZ)))
    return f1 * f2 / f3


def RespTBernacchi(tleaf):  # l.1313-1318 (46.39 kJ mol-1, R in kJ)
    return math.exp(18.72 - 46.39 / (RGAS_KJ * (tleaf + TFRZ)))


def Quadratic(a, b, c):  # l.1324-1352
    r1 = r2 = 1.0e36
    if a == 0.0:
        return r1, r2
    if b >= 0.0:
        q = -0.5 * (b + math.sqrt(b * b - 4.0 * a * c))
    else:
        q = -0.5 * (b - math.sqrt(b * b - 4.0 * a * c))
    r1 = q / a
    r2 = c / q if q != 0.0 else 1.0e36
    return r1, r2


def _kin(tleaf, R):
    k_c = Kc25 * math.exp((79430.0 / (R * (25.0 + TFRZ))) * (1.0 - (TFRZ + 25.0) / (TFRZ + tleaf)))
    k_o = Ko25 * math.exp((36380.0 / (R * (25.0 + TFRZ))) * (1.0 - (TFRZ + 25.0) / (TFRZ + tleaf)))
    c_p = Cp25 * math.exp((37830.0 / (R * (25.0 + TFRZ))) * (1.0 - (TFRZ + 25.0) / (TFRZ + tleaf)))
    return k_c, k_o, c_p


def NUE(O2a, ci, tgrow, tleaf):  # l.1198-1229
    Fc = VcmxTKattge(tgrow, tleaf) * Fc25
    Fj = JmxTKattge(tgrow, tleaf) * Fj25
    k_c, k_o, c_p = _kin(tleaf, R)
    awc = k_c * (1.0 + O2a / k_o)
    Kj = max(ci - c_p, 0.0) / (4.0 * ci + 8.0 * c_p)
    Kc = max(ci - c_p, 0.0) / (ci + awc)
    return Kj * Fj, Kc * Fc, Kj / Kc


def NUEref():  # l.1154-1192
    tgrow = tleaf = 25.0
    Fc = VcmxTKattge(tgrow, tleaf) * Fc25
    Fj = JmxTKattge(tgrow, tleaf) * Fj25
    CO2c = CO2ref * forc_pbot_ref * 1.0e-6
    O2c = O2ref * forc_pbot_ref * 1.0e-6
    k_c, k_o, c_p = _kin(tleaf, R)
    awc = k_c * (1.0 + O2c / k_o)
    ci = 0.7 * CO2c
    Kj = max(ci - c_p, 0.0) / (4.0 * ci + 8.0 * c_p)
    Kc = max(ci - c_p, 0.0) / (ci + awc)
    return Kj * Fj, Kc * Fc, Kj / Kc


def Photosynthesis_luna(forc_pbot, tleafd, relh, CO2a, O2a, rb, Vcmax, JmeanL):  # l.1037-1147
    theta_cj = 0.95
    bp = 2000.0
    tleaf = tleafd
    tleafk = tleaf + TFRZ
    relhc = max(minrelh, relh)
    bbb = 1.0 / bp
    mbb = mp
    CO2c = CO2a
    ci = 0.7 * CO2c
    ciold = ci - 0.02
    cf = forc_pbot / (8.314 * tleafk) * 1.0e6
    gb_mol = cf / rb
    k_c, k_o, c_p = _kin(tleaf, 8.314)
    awc = k_c * (1.0 + O2a / k_o)
    i = 1
    while abs(ci - ciold) > 0.01 and i < 100:
        i += 1
        ciold = ci
        Kc = max(ci - c_p, 0.0) / (ci + awc)
        Wc = Kc * Vcmax
        gs_mol = bbb + mbb * Wc / CO2c * forc_pbot * relhc
        phi = forc_pbot * (1.37 * gs_mol + 1.6 * gb_mol) / (gb_mol * gs_mol)
        r1, r2 = Quadratic(1.0, awc - CO2c + phi * Vcmax, -(c_p * phi * Vcmax + awc * CO2c))
        ci = max(r1, r2)
        if ci < 0.0:
            ci = c_p + 0.5 * ciold
    Kj = max(ci - c_p, 0.0) / (4.0 * ci + 8.0 * c_p)
    Kc = max(ci - c_p, 0.0) / (ci + awc)
    Wc = Kc * Vcmax
    Wj = Kj * JmeanL
    ciold = ci - 0.02
    if Wj < Wc:
        i = 1
        while abs(ci - ciold) > 0.01 and i < 100:
            i += 1
            ciold = ci
            gs_mol = bbb + mbb * Wj / CO2c * forc_pbot * relhc
            phi = forc_pbot * (1.37 * gs_mol + 1.6 * gb_mol) / (gb_mol * gs_mol)
            r1, r2 = Quadratic(
                1.0, 2.0 * c_p - CO2c + phi * JmeanL / 4.0, -(c_p * phi * JmeanL / 4.0 + 2.0 * c_p * CO2c)
            )
            ci = max(r1, r2)
            if ci < 0.0:
                ci = c_p + 0.5 * ciold
            Kj = max(ci - c_p, 0.0) / (4.0 * ci + 8.0 * c_p)
            Wj = Kj * JmeanL
        Kj = max(ci - c_p, 0.0) / (4.0 * ci + 8.0 * c_p)
        Kc = max(ci - c_p, 0.0) / (ci + awc)
        Wc = Kc * Vcmax
        Wj = Kj * JmeanL
    A = (1.0 - theta_cj) * max(Wc, Wj) + theta_cj * min(Wc, Wj)
    return ci, Kc, Kj, A


def Nitrogen_investments(
    KcKjFlag,
    FNCa,
    Nlc,
    forc_pbot10,
    relh10,
    CO2a10,
    O2a10,
    PARi10,
    PARimx10,
    rb10,
    hourpd,
    tair10,
    tleafd10,
    tleafn10,
    Kj2Kc,
    JmaxCoef,
    Fc,
    Fj,
    NUEc,
    NUEj,
    NUEcref,
    NUEjref,
    NUEr,
    Kc,
    Kj,
    ci,
):  # l.948-1028
    theta_cj = 0.95
    leaf_mr_vcm = 0.015
    theta = 0.292 / (1.0 + 0.076 / (Nlc * Cb))
    ELTRNabsorb = theta * PARi10
    Jmaxb0act = Jmaxb0 * FNCa * Fj
    Jmax = Jmaxb0act + JmaxCoef * ELTRNabsorb
    JmaxL = theta * PARimx10 / (math.sqrt(1.0 + (theta * PARimx10 / Jmax) ** 2.0))
    NUEchg = (NUEc / NUEcref) * (NUEjref / NUEj)
    Wc2Wj = Wc2Wjb0 * (NUEchg**0.5)
    Wc2Wj = min(1.0, Wc2Wj)
    Vcmax = Wc2Wj * JmaxL * Kj2Kc
    JmeanL = theta * PARi10 / (math.sqrt(1.0 + (ELTRNabsorb / Jmax) ** 2.0))
    if KcKjFlag == 0:
        ci, Kc, Kj, A = Photosynthesis_luna(forc_pbot10, tleafd10, relh10, CO2a10, O2a10, rb10, Vcmax, JmeanL)
    else:
        Wc = Kc * Vcmax
        Wj = Kj * JmeanL
        A = (1.0 - theta_cj) * max(Wc, Wj) + theta_cj * min(Wc, Wj)
    PSN = Cv * A * hourpd
    Vcmaxnight = VcmxTKattge(tair10, tleafn10) / VcmxTKattge(tair10, tleafd10) * Vcmax
    RESP = Cv * leaf_mr_vcm * (Vcmax * hourpd + Vcmaxnight * (24.0 - hourpd))
    Net = Jmax / Fj
    Ncb = Vcmax / Fc
    Nresp = RESP / NUEr
    return dict(
        Vcmax=Vcmax, Jmax=Jmax, Net=Net, Ncb=Ncb, Nresp=Nresp, PSN=PSN, RESP=RESP, Kc=Kc, Kj=Kj, ci=ci
    )


def NitrogenAllocation(
    FNCa,
    forc_pbot10,
    relh10,
    CO2a10,
    O2a10,
    PARi10,
    PARimx10,
    rb10,
    hourpd,
    tair10,
    tleafd10,
    tleafn10,
    PNlcold,
    PNetold=0.0,
    PNrespold=0.0,
    PNcbold=0.0,
):  # l.757-942
    NUEjref, NUEcref, Kj2Kcref = NUEref()
    Nlc = PNlcold * FNCa
    Net = PNetold * FNCa
    Nresp = PNrespold * FNCa
    Ncb = PNcbold * FNCa
    if Nlc > FNCa * 0.5:
        Nlc = 0.5 * FNCa
    chg_per_step = F32_0p02 * FNCa
    PNlc = PNlcold
    PNlcoldi = PNlcold - 0.001
    PARi10c = max(PARLowLim, PARi10)
    PARimx10c = max(PARLowLim, PARimx10)
    increase_flag = 0
    jj = 1
    tleafd10c = min(max(tleafd10, Trange1), Trange2)
    tleafn10c = min(max(tleafn10, Trange1), Trange2)
    ci = 0.7 * CO2a10
    Kc = Kj = 0.0
    Nstore = 0.0
    JmaxCoef = (
        Jmaxb1
        * ((hourpd / 12.0) ** 2.0)
        * (1.0 - math.exp(-relhExp * max(relh10 - minrelh, 0.0) / (1.0 - minrelh)))
    )
    while PNlcoldi != PNlc and jj < 100:
        Fc = VcmxTKattge(tair10, tleafd10c) * Fc25
        Fj = JmxTKattge(tair10, tleafd10c) * Fj25
        NUEr = (
            Cv * NUEr25 * (RespTBernacchi(tleafd10c) * hourpd + RespTBernacchi(tleafn10c) * (24.0 - hourpd))
        )
        NUEj, NUEc, Kj2Kc = NUE(O2a10, ci, tair10, tleafd10c)
        args = (
            forc_pbot10,
            relh10,
            CO2a10,
            O2a10,
            PARi10c,
            PARimx10c,
            rb10,
            hourpd,
            tair10,
            tleafd10c,
            tleafn10c,
            Kj2Kc,
            JmaxCoef,
            Fc,
            Fj,
            NUEc,
            NUEj,
            NUEcref,
            NUEjref,
            NUEr,
        )
        r = Nitrogen_investments(0, FNCa, Nlc, *args, Kc, Kj, ci)
        Net, Ncb, Nresp, PSN, Kc, Kj, ci = r["Net"], r["Ncb"], r["Nresp"], r["PSN"], r["Kc"], r["Kj"], r["ci"]
        Npsntarget = Nlc + Ncb + Net
        PNlcoldi = Nlc / FNCa
        Nstore = FNCa - Npsntarget - Nresp
        if Nstore > 0.0 and (increase_flag == 1 or jj == 1):
            Nlc2 = Nlc + chg_per_step
            if Nlc2 / FNCa > 0.95:
                Nlc2 = 0.95 * FNCa
            r2 = Nitrogen_investments(1, FNCa, Nlc2, *args, Kc, Kj, ci)
            Npsntarget2 = Nlc2 + r2["Ncb"] + r2["Net"]
            Carboncost2 = (
                (Npsntarget2 - Npsntarget)
                * NMCp25
                * Cv
                * (RespTBernacchi(tleafd10c) * hourpd + RespTBernacchi(tleafn10c) * (24.0 - hourpd))
            )
            Carbongain2 = r2["PSN"] - PSN
            if Carbongain2 > Carboncost2 and (Npsntarget2 + r2["Nresp"] < 0.95 * FNCa):
                Nlc, Net, Ncb = Nlc2, r2["Net"], r2["Ncb"]
                Nstore = FNCa - Npsntarget2 - r2["Nresp"]
                if jj == 1:
                    increase_flag = 1
        if increase_flag == 0:
            Nlc1 = Nlc * 0.8 if Nstore < 0.0 else Nlc - chg_per_step
            if Nlc1 < 0.05:
                Nlc1 = 0.05
            r1 = Nitrogen_investments(1, FNCa, Nlc1, *args, Kc, Kj, ci)
            Npsntarget1 = Nlc1 + r1["Ncb"] + r1["Net"]
            Carboncost1 = (
                (Npsntarget - Npsntarget1)
                * NMCp25
                * Cv
                * (RespTBernacchi(tleafd10c) * hourpd + RespTBernacchi(tleafn10c) * (24.0 - hourpd))
            )
            Carbongain1 = PSN - r1["PSN"]
            if (Carbongain1 < Carboncost1 and Nlc1 > 0.05) or (Npsntarget + Nresp) > 0.95 * FNCa:
                Nlc, Net, Ncb = Nlc1, r1["Net"], r1["Ncb"]
                Nstore = FNCa - Npsntarget1 - r1["Nresp"]
        PNlc = Nlc / FNCa
        jj += 1
    return dict(
        PNstoreopt=Nstore / FNCa,
        PNlcopt=Nlc / FNCa,
        PNetopt=Net / FNCa,
        PNrespopt=Nresp / FNCa,
        PNcbopt=Ncb / FNCa,
        iterations=jj - 1,
    )


def update_photosynthesis_capacity(state, env):
    """One patch, nlevcan = 1 (nrad = 1, tlai_z(1) = elai), C3: Update_Photosynthesis_Capacity l.288-446."""
    vcmx25, jmx25, pnlc, enzs = state["vcmx25"], state["jmx25"], state["pnlc"], state["enzs"]
    dayl = env["dayl"]
    CO2a10, O2a10 = env["pco2_240"], env["po2_240"]
    hourpd = dayl / 3600.0
    tleafd10 = env["t_veg10_day"] - TFRZ
    tleafn10 = env["t_veg10_night"] - TFRZ
    tleaf10 = (dayl * tleafd10 + (86400.0 - dayl) * tleafd10) / 86400.0  # CLM uses tleafd10 twice (l.300)
    tair10 = env["t10"] - TFRZ
    relh10 = min(1.0, env["rh10"])
    rb10v = env["rb10"]
    EnzTurnoverTFactor = Q10Enz ** (0.1 * (min(40.0, tleaf10) - 25.0))
    max_daily_pchg = EnzTurnoverTFactor * Enzyme_turnover_daily
    rabsorb = 1.0 - env["rholvis"] - env["taulvis"]
    lnc, tlai, elai = env["lnc"], env["tlai"], env["elai"]
    diag = {}
    if tlai > 0.0 and lnc > 0.0:
        RadTop = env["par240d"] / rabsorb
        PARTop = RadTop * F32_4p6
        if env["gpp_day"] > 0.0:
            PARi10 = env["par240d"] / rabsorb * 4.6 if elai > 0.0 else 0.01
            relRad = PARi10 / PARTop
            relCLNCa = min(1.0, max(0.2, 0.1802 * math.log(relRad) + 1.0))
            SNCa = 1.0 / env["slatop"] * SNC
            FNCa = relCLNCa * (lnc - SNCa) if 0.9 * lnc > SNCa else relCLNCa * 0.1 * lnc
            FNCa = min(FNCa, 15.0)
            radmax2mean = env["par240x"] / env["par240d"]
            PARimx10 = PARi10 * radmax2mean
            opt = NitrogenAllocation(
                FNCa,
                env["pbot240"],
                relh10,
                CO2a10,
                O2a10,
                PARi10,
                PARimx10,
                rb10v,
                hourpd,
                tair10,
                tleafd10,
                tleafn10,
                pnlc,
            )
            vcmx25_opt = opt["PNcbopt"] * FNCa * Fc25
            jmx25_opt = opt["PNetopt"] * FNCa * Fj25
            chg = vcmx25_opt - vcmx25
            vcmx25 = vcmx25 + math.copysign(1.0, chg) * min(abs(chg), vcmx25 * max_daily_pchg)
            chg = jmx25_opt - jmx25
            jmx25 = jmx25 + math.copysign(1.0, chg) * min(abs(chg), jmx25 * max_daily_pchg)
            pnlc = opt["PNlcopt"]
            if enzs < 1.0:
                enzs = enzs * (1.0 + max_daily_pchg)
            if vcmx25 > 1000.0 or vcmx25 < 0.0:
                vcmx25 = 50.0
            if jmx25 > 2000.0 or jmx25 < 0.0:
                jmx25 = 85.0
            diag = dict(
                FNCa=FNCa,
                vcmx25_opt=vcmx25_opt,
                jmx25_opt=jmx25_opt,
                PARi10=PARi10,
                PARimx10=PARimx10,
                max_daily_pchg=max_daily_pchg,
                **opt,
            )
        else:
            max_daily_decay = min(0.5, 0.1 * max_daily_pchg)
            if enzs > 0.5:
                enzs = enzs * (1.0 - max_daily_decay)
                jmx25 = jmx25 * (1.0 - max_daily_decay)
                vcmx25 = vcmx25 * (1.0 - max_daily_decay)
            diag = dict(max_daily_decay=max_daily_decay)
    else:
        jmx25, vcmx25 = 85.0, 50.0
    return dict(vcmx25=vcmx25, jmx25=jmx25, pnlc=pnlc, enzs=enzs), diag


# ------------------------------------------------------------ accumulators (CLM's spval = 1e36 marks unset)
SPVAL = 1.0e36


def Acc24_Climate_LUNA(acc, t_veg, sabv, par_sun, lai_sun, lai_sha, gpp, dtime):  # l.582-676, one patch
    if acc["t_veg_day"] != SPVAL:
        if sabv > 0:
            acc["t_veg_day"] += t_veg
            acc["ndaysteps"] += 1
        else:
            acc["t_veg_night"] += t_veg
            acc["nnightsteps"] += 1
        tlaii = lai_sun + lai_sha
        if tlaii > 0.0:
            TRad = par_sun  # l.667-668: the sunlit PAR replaces the leaf-area mean
            acc["par24d"] += dtime * TRad
            if TRad > acc["par24x"]:
                acc["par24x"] = TRad
        acc["gpp_day"] += dtime * gpp


def Acc240_Climate_LUNA(acc, f, rh, rb, dtime):  # l.453-579, one patch
    if acc["t_veg_day"] != SPVAL:
        par24d_z_i = acc["par24d"] / (dtime * acc["ndaysteps"]) if acc["ndaysteps"] > 0 else 0.0
        if f["par240d"] == SPVAL:
            f["par240x"] = acc["par24x"]
            f["par240d"] = par24d_z_i
        else:
            f["par240x"] = 0.9 * f["par240x"] + 0.1 * acc["par24x"]
            f["par240d"] = 0.9 * f["par240d"] + 0.1 * par24d_z_i
        if acc["ndaysteps"] > 0:
            t_veg_dayi = acc["t_veg_day"] / acc["ndaysteps"]
        else:
            t_veg_dayi = acc["t_veg_night"] / acc["nnightsteps"]
        if f["t_veg10_day"] == SPVAL:
            f["t_veg10_day"] = t_veg_dayi
        f["t_veg10_day"] = 0.9 * f["t_veg10_day"] + 0.1 * t_veg_dayi
        if acc["nnightsteps"] > 0:
            t_veg_nighti = acc["t_veg_night"] / acc["nnightsteps"]
        else:
            t_veg_nighti = acc["t_veg_day"] / acc["ndaysteps"]
        if f["t_veg10_night"] == SPVAL:
            f["t_veg10_night"] = t_veg_nighti
        f["t_veg10_night"] = 0.9 * f["t_veg10_night"] + 0.1 * t_veg_nighti
        if f["rh10"] == SPVAL:
            f["rh10"] = rh
        f["rh10"] = 0.9 * f["rh10"] + 0.1 * min(1.0, rh)
        if f["rb10"] == SPVAL:
            f["rb10"] = rb
        f["rb10"] = 0.9 * f["rb10"] + 0.1 * rb


def Clear24_Climate_LUNA(acc):  # l.681-752
    for k in acc:
        acc[k] = 0.0


def runmean(val, nsteps, period, x):  # accumulMod.F90 update_accum_field_runmean
    nsteps = min(nsteps + 1, period)
    return ((nsteps - 1) * val + x) / nsteps, nsteps


def synthetic_step(day, k):
    """Forcing of half-hour step k (0..47) of day `day`: a smooth diurnal cycle (not CLM output)."""
    hour = (k + 0.5) * 0.5
    light = max(math.sin(math.pi * (hour - 6.0) / 13.0), 0.0) if 6.0 <= hour < 19.0 else 0.0
    t_veg = 276.0 + day + 7.0 * math.sin(math.pi * (hour - 9.0) / 12.0)
    sabv = 400.0 * light
    par_sun = (180.0 + 10.0 * day) * light
    gpp = 9.0 * light
    rh = 1.06 - 0.4 * light - 0.05 * day  # > 1 at the end of day 1: the unclipped first value of rh10
    rb = 30.0 - 10.0 * light + 2.0 * day
    return t_veg, sabv, par_sun, 1.1, 1.9, gpp, rh, rb


def accumulator_days(ndays=4, dtime=1800.0):
    """CLM's cold start: day 1 is skipped (t_veg_day = spval) and cleared; filters fill from day 2."""
    acc = dict(
        t_veg_day=SPVAL,
        t_veg_night=SPVAL,
        ndaysteps=SPVAL,
        nnightsteps=SPVAL,
        par24d=SPVAL,
        par24x=SPVAL,
        gpp_day=SPVAL,
    )
    f = dict(par240d=SPVAL, par240x=SPVAL, t_veg10_day=SPVAL, t_veg10_night=SPVAL, rh10=SPVAL, rb10=SPVAL)
    days = []
    for day in range(ndays):
        for k in range(48):
            t_veg, sabv, par_sun, lsun, lsha, gpp, rh, rb = synthetic_step(day, k)
            Acc24_Climate_LUNA(acc, t_veg, sabv, par_sun, lsun, lsha, gpp, dtime)
        first = acc["t_veg_day"] == SPVAL
        day_acc = {k: (None if first else v) for k, v in acc.items()}
        Acc240_Climate_LUNA(acc, f, rh, rb, dtime)  # rh, rb of the last step of the day
        days.append(
            dict(
                day=day,
                skipped=first,
                acc24=day_acc,
                filters={k: (None if v == SPVAL else v) for k, v in f.items()},
            )
        )
        Clear24_Climate_LUNA(acc)
    return days


def runmean_steps(n=12, period=5):
    val, ns = 28.0, 0
    out = []
    for i in range(n):
        x = 23.0 + 0.5 * i
        val, ns = runmean(val, ns, period, x)
        out.append([x, val, ns])
    return out


# ------------------------------------------------------------------ the reference environments
NEEDLELEAF = dict(slatop=0.01, rholvis=0.07, taulvis=0.05, lnc=1.0 / (0.01 * 58.0))  # PFT 1/2, leafcn 58
GRASS = dict(
    slatop=0.04024, rholvis=0.11, taulvis=0.05, lnc=1.0 / (0.04024 * 28.026905829596416)
)  # PFT 12/13
BROADLEAF = dict(slatop=0.0308, rholvis=0.10, taulvis=0.05, lnc=1.0 / (0.0308 * 23.452157598499063))  # PFT 7

ENVIRONMENTS = {
    # bright spring day on the plateau: cool air, strong light, dry air, low pressure (4000 m)
    "cool_bright": dict(
        NEEDLELEAF,
        tlai=3.0,
        elai=3.0,
        gpp_day=2.0e5,
        t10=281.15,
        t_veg10_day=285.15,
        t_veg10_night=275.15,
        par240d=220.0,
        par240x=380.0,
        rb10=25.0,
        rh10=0.45,
        pco2_240=24.5,
        po2_240=12950.0,
        pbot240=61900.0,
        dayl=48600.0,
    ),
    # warm humid lowland summer: C3 grass, sea-level pressure
    "warm_humid": dict(
        GRASS,
        tlai=2.5,
        elai=2.5,
        gpp_day=4.0e5,
        t10=299.15,
        t_veg10_day=303.15,
        t_veg10_night=296.15,
        par240d=160.0,
        par240x=300.0,
        rb10=40.0,
        rh10=0.85,
        pco2_240=39.5,
        po2_240=21150.0,
        pbot240=101000.0,
        dayl=50400.0,
    ),
    # cold dim late autumn: deciduous broadleaf, short days (leaf temperatures below LUNA's 5 °C clamp)
    "cold_dim": dict(
        BROADLEAF,
        tlai=1.5,
        elai=1.4,
        gpp_day=1.0e4,
        t10=276.15,
        t_veg10_day=277.65,
        t_veg10_night=271.15,
        par240d=60.0,
        par240x=140.0,
        rb10=60.0,
        rh10=0.75,
        pco2_240=37.0,
        po2_240=20000.0,
        pbot240=95500.0,
        dayl=34200.0,
    ),
    # cold subalpine needleleaf evergreen stand (3800 m, 64 kPa, 410 ppm) in spring and in summer
    "subalpine_spring": dict(
        NEEDLELEAF,
        tlai=3.0,
        elai=3.0,
        gpp_day=1.5e5,
        t10=278.15,
        t_veg10_day=281.15,
        t_veg10_night=274.15,
        par240d=120.0,
        par240x=200.0,
        rb10=25.0,
        rh10=0.7,
        pco2_240=26.24,
        po2_240=13376.0,
        pbot240=64000.0,
        dayl=45000.0,
    ),
    "subalpine_summer": dict(
        NEEDLELEAF,
        tlai=3.0,
        elai=3.0,
        gpp_day=2.5e5,
        t10=288.15,
        t_veg10_day=291.15,
        t_veg10_night=283.15,
        par240d=140.0,
        par240x=240.0,
        rb10=25.0,
        rh10=0.85,
        pco2_240=26.24,
        po2_240=13376.0,
        pbot240=64000.0,
        dayl=50040.0,
    ),
    # the same needleleaf canopy as cool_bright on a day without GPP: the enzyme-decay path
    "no_gpp_decay": dict(
        NEEDLELEAF,
        tlai=3.0,
        elai=3.0,
        gpp_day=0.0,
        t10=268.15,
        t_veg10_day=270.15,
        t_veg10_night=263.15,
        par240d=150.0,
        par240x=300.0,
        rb10=25.0,
        rh10=0.5,
        pco2_240=24.5,
        po2_240=12950.0,
        pbot240=61900.0,
        dayl=36000.0,
    ),
}
#: cold-start state (PhotosynthesisMod.F90 l.325-329) and a spun-up state
STATES = {
    "cold_start": dict(vcmx25=30.0, jmx25=60.0, pnlc=0.01, enzs=1.0),
    "spun_up": dict(vcmx25=48.0, jmx25=105.0, pnlc=0.12, enzs=0.8),
}
NDAYS = 60
#: days of the stationary-environment runs used for the equilibrium values
NDAYS_EQ = 400


def main():
    out = {
        "source": "CTSM release-clm5.0 fdfc03a0abec838ec0b66663a6a2f5e619cd2611 src/biogeophys/LunaMod.F90",
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "cases": [],
    }
    for ename, env in ENVIRONMENTS.items():
        for sname, st in STATES.items():
            new, diag = update_photosynthesis_capacity(st, env)
            out["cases"].append(
                dict(env=ename, state=sname, inputs=env, state_in=st, state_out=new, diag=diag)
            )
        # 60 identical days from the cold start: the trajectory and its end
        st = dict(STATES["cold_start"])
        traj = []
        for _ in range(NDAYS):
            st, _ = update_photosynthesis_capacity(st, env)
            traj.append([st["vcmx25"], st["jmx25"], st["pnlc"], st["enzs"]])
        out["cases"].append(
            dict(
                env=ename,
                state="cold_start",
                ndays=NDAYS,
                inputs=env,
                state_in=STATES["cold_start"],
                trajectory=traj,
            )
        )
        for _ in range(NDAYS_EQ - NDAYS):
            st, _ = update_photosynthesis_capacity(st, env)
        out["cases"][-1]["state_after_ndays_eq"] = dict(st, ndays=NDAYS_EQ)
    out["accumulators"] = accumulator_days()
    out["runmean"] = dict(period=5, init=28.0, steps=runmean_steps())
    path = Path(__file__).with_name("luna_reference.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    for c in out["cases"]:
        if "state_out" in c:
            s = c["state_out"]
            print(
                f"{c['env']:13s} {c['state']:10s} V={s['vcmx25']:.6f} J={s['jmx25']:.6f} "
                f"PNlc={s['pnlc']:.6f} "
                f"enzs={s['enzs']:.6f} Vopt={c['diag'].get('vcmx25_opt', float('nan')):.4f} "
                f"Jopt={c['diag'].get('jmx25_opt', float('nan')):.4f}"
            )
        else:
            q = c["state_after_ndays_eq"]
            print(
                f"{c['env']:13s} 60 days    V={c['trajectory'][-1][0]:.6f} J={c['trajectory'][-1][1]:.6f}"
                f"   {NDAYS_EQ} days V={q['vcmx25']:.6f} J={q['jmx25']:.6f} PNlc={q['pnlc']:.4f}"
            )


if __name__ == "__main__":
    main()
