"""Coefficients fixed in code: CLM5's hard-coded numbers and the empirical formulas tpcarbon uses.

Values that live on the CLM5 parameter file are *not* here: they are read from it
(:mod:`tpcarbon.params.pft`). Each entry names its source; "spec §x" is
``shared/reference/clm5_spec.md``.
"""

from __future__ import annotations

import numpy as np

# ----------------------------------------------------------------- solar geometry
#: Spencer (1971) Fourier coefficients of solar declination [rad] in the day angle
#: Γ = 2π(doy-1)/365: δ = a0 + Σ a_k cos(kΓ) + b_k sin(kΓ). Spencer, J.W. (1971), Search 2(5), 172.
#: A departure from CLM's orbital computation (``shr_orb_mod``); |error| < 0.0006 rad (0.035°).
SPENCER_DECL = np.array([0.006918, -0.399912, 0.070257, -0.006758, 0.000907, -0.002697, 0.00148])
#: Spencer (1971) eccentricity factor (r0/r)² coefficients: a0, a1, b1, a2, b2.
SPENCER_ECC = np.array([1.000110, 0.034221, 0.001280, 0.000719, 0.000077])
#: Spencer (1971) equation of time [min]: 229.18*(c0 + c1 cosΓ + d1 sinΓ + c2 cos2Γ + d2 sin2Γ).
SPENCER_EOT = np.array([229.18, 0.000075, 0.001868, -0.032077, -0.014615, -0.040849])
#: CLM daylength constant 13750.9871 s (= 86400/(2π) ...) in dayl = 2·c·acos(-tan φ tan δ)
#: (spec §3; ``DaylengthMod.F90``).
DAYL_COEF = 13750.9871

# ------------------------------------------------------- shortwave partition (DATM)
#: Visible and near-infrared share of incident shortwave (0.5 each; spec §1.8, CDEPS clmncep).
SW_VIS_FRACTION = 0.5
#: Direct-beam fraction of the visible band: polynomial in s = 0.5 SW [W m-2], clamped
#: to [0.01, 0.99] (spec §1.8, CDEPS ``datm_datamode_clmncep_mod.F90``).
DIRECT_VIS_POLY = np.array([0.17639, 0.00380, -9.0039e-6, 8.1351e-9])
#: Direct-beam fraction of the near-infrared band (same source).
DIRECT_NIR_POLY = np.array([0.29548, 0.00504, -1.4957e-5, 1.4881e-8])
#: Clamp of the direct fractions (spec §1.8).
DIRECT_FRAC_MIN = 0.01
DIRECT_FRAC_MAX = 0.99

# ------------------------------------------------------------ rain/snow partition
#: CLM5 ``repartition_rain_snow``: all snow at T <= Tf + 0 K, all rain at T >= Tf + 2 K,
#: linear between (spec §6.3, ``atm2lndMod.F90`` ``partition_precip``).
RAIN_SNOW_T_ALL_SNOW = 0.0
RAIN_SNOW_T_ALL_RAIN = 2.0

# ------------------------------------------------------------ saturation vapour pressure
#: Murray (1967) / Tetens form e_s = 610.78 exp(a (T-Tf)/(T-Tf+b)) [Pa]; over water (a, b)
#: and over ice (a, b). Departure: CLM uses the Flatau et al. (1992) polynomials
#: (``QSatMod.F90``); the two agree within 0.3 % over -40..40 °C.
ESAT_E0 = 610.78
ESAT_WATER = (17.2693882, 237.3)
ESAT_ICE = (21.8745584, 265.5)

# =================================================================== photosynthesis (spec §1)
#: Canopy nitrogen extinction coefficient K_n (0.30; spec §1.7, ``SurfaceAlbedoMod.F90`` l.1466).
KN_CANOPY = 0.30
#: Leaf angle distribution clamp for χ_L (−0.4 … 0.6, |χ| ≥ 0.01; spec §1.8).
XL_MIN, XL_MAX, XL_ABS_MIN = -0.4, 0.6, 0.01
#: Ross–Goudriaan G(μ) coefficients: φ1 = 0.5 − 0.633χ − 0.33χ², φ2 = 0.877(1 − 2φ1) (spec §1.8).
ROSS_PHI1 = (0.5, -0.633, -0.33)
ROSS_PHI2 = 0.877
#: Temperature-response activation energies ΔH_a [J mol-1] (spec §1.2, ``PhotosynthesisMod.F90``).
HA_VCMAX, HA_JMAX, HA_TPU, HA_RD = 72000.0, 50000.0, 72000.0, 46390.0
HA_KC, HA_KO, HA_GAMMA = 79430.0, 36380.0, 37830.0
#: High-temperature deactivation energies ΔH_d [J mol-1] and the Rd entropy term ΔS [J mol-1 K-1] (spec §1.2).
HD_VCMAX, HD_JMAX, HD_TPU, HD_RD = 200000.0, 200000.0, 200000.0, 150650.0
SE_RD = 490.0
#: Reference temperature of the 25 °C parameters [K].
T_REF25 = 298.15
#: Kattge & Knorr (2007) acclimation: ΔS_v = 668.39 − 1.07 T10c, ΔS_j = 659.70 − 0.75 T10c; T10c clamped 11–35 °C (spec §1.2).
ACCLIM_SV = (668.39, -1.07)
ACCLIM_SJ = (659.70, -0.75)
ACCLIM_T10_MIN, ACCLIM_T10_MAX = 11.0, 35.0
#: Michaelis constants at 25 °C as fractions of surface pressure: K_c25 = 404.9e-6 P, K_o25 = 278.4e-3 P (spec §1.2).
KC25_COEF, KO25_COEF = 404.9e-6, 278.4e-3
#: CO2 compensation point at 25 °C: Γ*25 = 42.75e-6 P at 20.9 % O2 (spec §1.2: 0.5 o_i / s_co).
GAMMA25_COEF = 42.75e-6
#: J_max25 / V_cmax25 = 2.59 − 0.035 clamp(T10c, 11, 35) (spec §1.6).
JMAX_RATIO = (2.59, -0.035)
#: T_p25 = 0.167 V_cmax25 (spec §1.4, §1.6).
TPU_RATIO = 0.167
#: A_p = 3 T_p (C3 triose-phosphate limitation; spec §1.4).
TPU_FACTOR = 3.0
#: Photosynthetic photon conversion 4.6 µmol J-1, fraction of absorbed light not used by PSII f_nps = 0.15,
#: curvature θ_PSII = 0.7 (spec §1.4).
PAR_UMOL_PER_J = 4.6
F_NPS = 0.15
THETA_PSII = 0.7
#: Co-limitation curvatures θ_cj (C3 0.98, C4 0.80) and θ_ip = 0.95 (spec §1.4; CLM5.0 code).
THETA_CJ_C3, THETA_CJ_C4, THETA_IP = 0.98, 0.80, 0.95
#: C4 quantum efficiency α = 0.05 mol mol-1 and k_p25 = 20000 V_cmax25 (spec §1.3, §1.4, §1.6).
C4_QUANTUM_EFF = 0.05
C4_KP_RATIO = 20000.0
#: C4 temperature functions (spec §1.3): V_cmax Q10 = 2 with low/high cut-offs.
C4_Q10 = 2.0
C4_VCMAX_LOW = (0.2, 288.15)
C4_VCMAX_HIGH = (0.3, 313.15)
C4_RD_HIGH = (1.3, 328.15)
#: Atkin et al. (2016) leaf respiration: R_d25,top = i_atkin + 0.2061 N_a − 0.0402 (T10 − Tf) (spec §1.5).
ATKIN_N_SLOPE = 0.2061
ATKIN_T_SLOPE = -0.0402
#: Leaf N per unit area cap, 10 g N m-2 leaf (spec corrections #7).
LEAF_N_AREA_MAX = 10.0
#: Light inhibition of leaf respiration: × 0.67 when PAR > 0 (spec §1.5, ``light_inhibit=T``).
RD_LIGHT_INHIBITION = 0.67
#: Sparse-canopy leaf respiration factor min(0.2 exp(3.218 elai), 1) (spec corrections #1).
RD_ELAI_FACTOR = (0.2, 3.218)
#: Daylength factor limits: f_dayl = clamp((dayl/dayl_max)², 0.01, 1) (spec §1.6).
DAYL_FACTOR_MIN = 0.01
#: Medlyn D floor 50 Pa (spec §1.9).
MEDLYN_VPD_MIN = 50.0
#: Ratio of diffusivities: CO2 through the boundary layer 1.4, through stomata 1.6 (spec §1.9).
GB_CO2_RATIO = 1.4
GS_CO2_RATIO = 1.6
#: Leaf boundary layer: r_b = 1/(c_f u_af), c_f = 0.01/√(u_af d_leaf) (spec §1.9, ``CanopyFluxesMod.F90``).
LEAF_BL_COEF = 0.01
#: Minimum stomatal conductance max(β g0, 1) µmol m-2 s-1 at night / A_n < 0 (spec corrections #5).
GS_MIN_UMOL = 1.0
#: Maximum stomatal resistance 2e4 s m-1 (spec §1.9).
RS_MAX = 2.0e4

# =================================================================== vegetation structure (spec §4.5)
#: Minimum stem area index and its decay time: α = 1 − 0.5 Δt / 2592000 per step (spec §4.5).
TSAI_MIN = 0.5
TSAI_DECAY_TIME = 2592000.0
#: Stem taper (height:radius) 200 for trees, 10 for shrubs; stocking 0.1 stems m-2; dead wood density 2.5e5 g C m-3.
TAPER_TREE, TAPER_SHRUB = 200.0, 10.0
STOCKING = 0.1
DWOOD = 2.5e5
#: Grass height: htop = max(0.25, 0.25 LAI); hbot = max(0, min(0.05, htop − 0.20)) (spec §4.5).
GRASS_HTOP_MIN = 0.25
GRASS_HTOP_PER_LAI = 0.25
GRASS_HBOT_MAX = 0.05
GRASS_HBOT_OFFSET = 0.20
#: Woody hbot = max(0, min(3, htop − 1)); htop ≥ 0.01 m (spec §4.5).
WOODY_HBOT_MAX = 3.0
WOODY_HBOT_OFFSET = 1.0
HTOP_MIN = 0.01
#: Grass burial depth: 20 cm of snow buries grass completely (spec §4.5).
GRASS_BURIAL_DEPTH = 0.2
#: AD spin-up multiplier of dead stem used in the height formula (spec §4.5) and of dead-wood mortality (§3.5).
AD_DEADWOOD_FACTOR = 10.0

# =================================================================== respiration, allocation (spec §4)
#: Fine/coarse-root maintenance respiration base rate with FUN, br_root = 0.83e-6 g C g-1 N s-1 (namelist; spec §4.3).
BR_ROOT = 0.83e-6
#: Reference temperature of maintenance respiration, 20 °C [K] (spec §4.3).
T_REF_MR = 293.15
#: Q10 reference temperature span [K] (the "10" of Q10; exact).
Q10_SPAN = 10.0
#: Evergreen storage-to-transfer fraction 0.0002 per CLM step of 1800 s -> a rate (spec §3.2, §9.1).
EVERGREEN_TRANR = 0.0002
CLM_DTIME = 1800.0
#: Stress-deciduous: dayl ≤ 6 h forces offset / prevents onset (spec §3.4).
STRESS_DECID_MIN_DAYL = 21600.0
#: Stress-deciduous rain constraint: ≥ 20 mm in the last 10 days (spec §3.4).
STRESS_DECID_RAIN_MM = 20.0
#: 10-day running-mean window for T10 and prec10 [s] (spec §9.1).
RUNMEAN_10D = 864000.0
#: Initial annual mean 2 m temperature 280 K (spec §3, ``CNVegStateType.F90``).
ANNAVG_T2M_INIT = 280.0

# =================================================================== decomposition (spec §5)
#: CENTURY catanf(T) = 11.75 + (29.7/π) atan(π 0.031 (T − 15.4)) used to normalise f_T to 15 °C (spec §5.4).
CATANF = (11.75, 29.7, 0.031, 15.4)
NORM_TREF_C, NORM_TCMP_C = 15.0, 30.0
#: Frozen-soil f_T: Q10^(−2.5) × Q10_froz^((T − Tf)/10) below freezing (spec §5.4): the −2.5 = (273.15 − 298.15)/10.
#: Texture term t = 0.85 − 0.68 × 0.01 (100 − %sand); S1→S3 path f_13 = 0.004/(1 − t) (spec §5.3).
TEXTURE_T = (0.85, 0.68)
F13_NUM = 0.004
#: S2 → S1 / S3 path fractions 0.42/0.45 and 0.03/0.45 (spec §5.3).
S2_TO_S1, S2_TO_S3 = 0.42 / 0.45, 0.03 / 0.45
#: soilpsi clamp [−15, 0] MPa and relative saturation floor 0.001 (spec §5.4).
SOILPSI_MIN_MPA = -15.0
SOILPSI_SAT_FLOOR = 0.001
#: Surface (above-ground) input profile e-folding: weight exp(−10 z) (spec §5.6, corrections #2).
SURFPROF_EXP = 10.0
#: AD latitude multiplier a_lat = 1 + 50/(1 + exp(−0.15 (|lat| − 60))) (spec §5.7, code value).
AD_LAT = (50.0, 0.15, 60.0)
#: Cryoturbation extends to 3 m (max_depth_cryoturb; spec §5.5).
MAX_DEPTH_CRYOTURB = 3.0
#: Cold-start SOM seed 200 g C m-3 above 1.5 m (spec §5.1).
SOM_SEED = 200.0
SOM_SEED_DEPTH = 1.5

# =================================================================== soil hydraulics (spec §6.3)
#: Cosby et al. (1984) / CLM: θ_sat = 0.489 − 0.00126 %sand; B = 2.91 + 0.159 %clay;
#: ψ_sat = 10 × 10^(1.88 − 0.0131 %sand) mm; k_sat = 0.0070556 × 10^(−0.884 + 0.0153 %sand) mm s-1.
WATSAT_MIN = (0.489, -0.00126)
BSW_MIN = (2.91, 0.159)
SUCSAT_MIN = (10.0, 1.88, -0.0131)
HKSAT_MIN = (0.0070556, -0.884, 0.0153)
#: Organic soil properties with depth (zsapric = 0.5 m): θ_sat,om = max(0.93 − 0.1 z/zs, 0.83);
#: B_om = min(2.7 + 9.3 z/zs, 12); ψ_sat,om = min(10.3 − 0.2 z/zs, 10.1) mm; k_sat,om = max(0.28 − 0.2799 z/zs, k_min).
ZSAPRIC = 0.5
WATSAT_OM = (0.93, -0.1, 0.83)
BSW_OM = (2.7, 9.3, 12.0)
SUCSAT_OM = (10.3, -0.2, 10.1)
HKSAT_OM = (0.28, -0.2799)
#: Percolation threshold for organic k_sat mixing f_threshold = 0.5, β = 0.139 (spec §6.3).
PC_THRESHOLD = 0.5
PC_BETA = 0.139
#: Ice impedance Θ_ice = 10^(−6 F_ice) (spec §6.3).
ICE_IMPEDANCE = 6.0
#: Residual liquid water content kept in a layer [m3 m-3] (CLM ``watmin`` = 0.01 mm; here a volumetric floor).
WATMIN_VOL = 1.0e-4
#: Saturated-fraction runoff f_sat = f_max exp(−0.5 f_over z_wt) simplified: f_max, decay [m-1].
FSAT_MAX = 0.3

# =================================================================== soil thermal (spec §6.2)
#: Mineral solid conductivity λ_s,min = (8.80 %sand + 2.92 %clay)/(%sand + %clay); organic 0.25 W m-1 K-1.
TKM_SAND, TKM_CLAY, TK_OM = 8.80, 2.92, 0.25
#: Dry conductivity λ_dry,min = (0.135 ρ_d + 64.7)/(2700 − 0.947 ρ_d), ρ_d = 2700 (1 − θ_sat); organic 0.05.
TKDRY = (0.135, 64.7, 2700.0, 0.947)
TKDRY_OM = 0.05
#: Solid heat capacity c_s,min = (2.128 %sand + 2.385 %clay)/(%sand + %clay) × 1e6; organic 2.5e6 J m-3 K-1.
CSOL_SAND, CSOL_CLAY, CSOL_SCALE, CSOL_OM = 2.128, 2.385, 1.0e6, 2.5e6
#: Kersten number threshold S_r > 1e-7 (spec §6.2).
KERSTEN_SR_MIN = 1.0e-7
#: Crank–Nicolson weight α = 0.5 (spec §6.2).
CN_WEIGHT = 0.5
#: Jordan (1991) snow conductivity λ = λ_air + (7.75e-5 ρ + 1.105e-6 ρ²)(λ_ice − λ_air).
JORDAN = (7.75e-5, 1.105e-6)

# =================================================================== snow (spec §6.4; reduced scheme)
#: Anderson (1976) fresh snow density ρ = 50 + 1.7 (T − Tf + 15)^1.5 for −15 < T − Tf ≤ 2 K (CLM ``SnowHydrologyMod``).
SNOW_RHO_NEW = (50.0, 1.7, 15.0, 2.0)
#: Snow layer exists as a thermal node from 0.01 m depth (CLM minimum snow layer thickness).
SNOW_NODE_MIN_DEPTH = 0.01
#: Bulk compaction (reduced scheme): density relaxes toward ρ_max with an e-folding time, faster when warm
#: (Anderson 1976 destructive-metamorphism factor exp(−0.04 (Tf − T))). Departure from CLM's 12-layer compaction.
SNOW_RHO_MAX = 350.0
SNOW_COMPACT_TAU = 10.0 * 86400.0
SNOW_COMPACT_TFAC = 0.04
#: Niu & Yang (2007) snow cover fraction f = tanh(h / (2.5 z0g (ρ/ρ_new,ref)^m)), z0g = 0.01 m, ρ_ref = 100, m = 1
#: (CLM4.0 form; departure from CLM5's Swenson & Lawrence 2012 parameterisation).
SNOWCOV = (2.5, 0.01, 100.0)
#: Emissivities of soil and snow.
EMISS_SOIL, EMISS_SNOW = 0.96, 0.97
#: Leaf optical: scattering of the visible band uses ρ+τ of leaf/stem mix (spec §1.8).

# =================================================================== two-stream canopy radiation (spec §1.8)
# Hard-coded numbers of CTSM release-clm5.0 (commit fdfc03a0) ``SurfaceAlbedoMod.F90`` / ``clm_varcon.F90``.
#: Smallest cos(zenith) used in the two-stream optics, cosz = max(0.001, coszen) for coszen > 0
#: (``SurfaceAlbedoMod.F90::TwoStream`` l.1252).
TWOSTREAM_COSZ_MIN = 0.001
#: Cap on the optical depths h(L+S) and K(L+S) in s1 = exp(-min(h(L+S), 40)), s2 = exp(-min(K(L+S), 40));
#: the capped K(L+S) is also the denominator of f_sun = (1 - s2)/min(K(L+S), 40)
#: (``TwoStream`` l.1360-1363, l.1466; Tech Note eqs 3.40-3.41).
TWOSTREAM_TAU_MAX = 40.0
#: Floor 1e-6 on μφ2 + G(μ) in the single-scattering albedo a_s(μ) (``TwoStream`` l.1265, bugzilla 2431;
#: Tech Note eq. 3.16).
TWOSTREAM_ASU_DENOM_MIN = 1.0e-6
#: ``mpe`` = 1e-6: floor on the leaf/stem-weighted ρ and τ and on L+S in the weights w_l, w_s
#: (``SurfaceAlbedo`` l.281, l.752-763).
OPTICS_MIN = 1.0e-6
#: Two-stream parameters of snow intercepted by the canopy: ω_sno (vis, nir) = (0.8, 0.4),
#: β_sno = β0_sno = 0.5 (``clm_varcon.F90`` l.208-211 ``omegas``, ``betads``, ``betais``; Tech Note table
#: "Intercepted snow optical properties", from Sellers et al. 1986).
#: Used by CLM5's default ``snowveg_flag = 'ON_RAD'``.
OMEGA_SNOW = (0.8, 0.4)
BETAD_SNOW = 0.5
BETAI_SNOW = 0.5
#: Near-resonance guard (tpcarbon, not CLM): the particular solution of the beam source divides by
#: σ = (μ̄K)² − (μ̄h)², which CLM leaves unguarded (division by zero at K = h, reachable in the visible band
#: near μ ≈ 0.5; rounding error ≈ 1e-17 h/|K − h| near it). When |K − h| < 1e-8 h, K is set to h(1 ± 1e-8)
#: for the beam source, which bounds the error everywhere by ≈ 2e-8 (measured against 50-digit decimal
#: arithmetic; docs/twostream_integration.md).
TWOSTREAM_RESONANCE_REL = 1.0e-8

# =================================================================== aerodynamics (reduced scheme)
#: Reference height of the forcing [m] (CMFD temperature 2 m, wind ~10 m) used in the neutral log-law.
Z_REF = 10.0
#: Roughness of bare soil and snow [m] (CLM ``zlnd``/``zsno``).
Z0_SOIL, Z0_SNOW = 0.01, 0.0024
#: Dense-canopy under-canopy transfer coefficient C_s,dense = 0.004 (CLM ``CanopyFluxesMod``, Zeng et al. 2005).
CS_DENSE = 0.004
#: Bounds on the aerodynamic resistance [s m-1] (numerical safety for calm conditions).
RAH_MIN, RAH_MAX = 5.0, 1000.0
#: Minimum wind speed used in flux computations [m s-1] (CLM uses 1 m s-1 for the atmospheric wind).
WIND_MIN = 1.0

# =================================================================== Monin–Obukhov surface layer (CLM5)
# Source of this block: CTSM release-clm5.0 ``src/biogeophys/FrictionVelocityMod.F90`` (FM),
# ``BareGroundFluxesMod.F90`` (BG), ``CanopyFluxesMod.F90`` (CF), ``CanopyTemperatureMod.F90`` (CT),
# ``clm_varcon.F90`` (VC) and ``bld/namelist_files/namelist_defaults_clm4_5.xml`` (NL); line numbers approximate.
#: Transition ζ of the flux–gradient relations: momentum ζ_m = 1.574, heat/vapour ζ_h = 0.465
#: (FM ``zetam``, ``zetat`` l.411-412; Zeng et al. 1998).
MO_ZETA_M = 1.574
MO_ZETA_H = 0.465
#: Coefficient of the unstable Businger–Dyer forms φ = (1 − 16 ζ)^(-1/4), (1 − 16 ζ)^(-1/2) (FM ``StabilityFunc1/2`` l.751, 775).
MO_UNSTABLE_GAMMA = 16.0
#: Stable (0 < ζ ≤ 1) and very stable (ζ > 1) slope β_s = 5 of φ = 1 + 5ζ (FM l.483-486, 582-585).
MO_STABLE_BETA = 5.0
#: Very unstable momentum matching: 1.14 [(−ζ)^0.333 − ζ_m^0.333] (FM l.474-477).
MO_VU_M_COEF, MO_VU_EXP = 1.14, 0.333
#: Very unstable heat matching: 0.8 [ζ_h^(−0.333) − (−ζ)^(−0.333)] (FM l.573-576).
MO_VU_H_COEF = 0.8
#: Bounds of ζ after each update: stable 0.01 ≤ ζ ≤ zetamaxstable, unstable −100 ≤ ζ ≤ −0.01
#: (FM ``MoninObukIni`` l.822-828; BG l.297-306; CF l.1089-1098).
MO_ZETA_MIN_ABS = 0.01
MO_ZETA_MIN_UNSTABLE = -100.0
#: Maximum stable ζ: namelist ``zetamaxstable`` = 0.5 for ``phys=clm5_0`` (2.0 for clm4_5) (NL l.180-181).
ZETAMAXSTABLE = 0.5
#: MoninObukIni first guess: convective velocity w_c = 0.5 m s-1 and the Richardson-number cap 0.19 in
#: ζ = Ri ln(z/z0m)/(1 − 5 min(Ri, 0.19)) (FM l.811-825).
MO_WC_INIT = 0.5
MO_RIB_CAP = 0.19
#: Minimum wind used with stable stratification, u_m = max(u_r, 0.1) m s-1 (FM l.815, BG l.300, CF l.1092).
MO_UM_MIN = 0.1
#: Convective velocity w_c = β (−g u* θ_v* z_i/θ_v)^0.333 with β = 1 and z_i = 1000 m
#: (CT ``beta``, ``zii`` l.391-392; CF parameters ``beta``, ``zii`` l.214-215; exponent 0.333 in BG l.303, CF l.1095).
CONV_BETA = 1.0
CONV_ZII = 1000.0
CONV_EXP = 0.333
#: Virtual temperature coefficient 0.61 in θ_v = θ (1 + 0.61 q) (CT l.393; BG l.262, 295; CF l.725, 1087).
VIRTUAL_COEF = 0.61
#: Dry-adiabatic lapse rate of the forcing-height temperature θ_m = T + 0.0098 z_t [K m-1] (CT l.495).
THM_LAPSE = 0.0098
#: Zeng & Wang (2007) bare-soil scalar roughness z0h = z0m / exp(0.13 (u* z0m/ν)^0.45), ν = 1.5e-5 m2 s-1
#: (BG l.293; the same 0.13, 0.45, ν enter ``csoilb`` in CF l.808).
ZW07_A, ZW07_EXP, NU_AIR = 0.13, 0.45, 1.5e-5
#: Fixed number of stability iterations of ``BareGroundFluxes`` (BG ``niters`` l.77, loop l.278-308).
BARE_NITERS = 3
#: Height of the 2 m diagnostics above the roughness length [m] (FM l.638: zldis = 2 + z0h).
REF2M_HEIGHT = 2.0

# =================================================================== canopy fluxes (CLM5 ``CanopyFluxesMod.F90``)
#: Leaf-temperature Newton iteration: |ΔT_v| limited to ``delmax`` = 1 K; converged when max(|ΔT_v|, previous
#: |ΔT_v|) < ``dtmin`` = 0.01 K and |Δ(λE_v)| < ``dlemin`` = 0.1 W m-2, tested only after ``itmin`` = 2 passes;
#: at most ``itmax`` = 40 (+1) passes (CF l.216-220, 755, 1109-1124).
DELMAX = 1.0
DTMIN = 0.01
DLEMIN = 0.1
ITMIN = 2
ITMAX = 40
#: Damping of the leaf latent flux when it changes sign between iterations: efe ← 0.1 efe (CF l.997-1003).
EFE_DAMP = 0.1
#: After this many sign changes of L the Obukhov length is fixed at z/(−0.01) (CF l.1100-1101).
NMOZSGN_MAX = 4
#: Sparse-canopy weighting of z0m and d (X. Zeng): critical L+S = 2, α_aero = 1 (VC ``tlsai_crit``,
#: ``alpha_aero`` l.81-82; CF l.667-677).
TLSAI_CRIT = 2.0
ALPHA_AERO = 1.0
#: Under-canopy stability (Sakaguchi & Zeng 2009): γ = 0.5 (``ria``), S capped at 10 (CF l.227, 810-823);
#: off by default in CLM5 (NL ``use_undercanopy_stability`` = .false. for clm5_0, l.258).
UNDERCAN_RIA = 0.5
UNDERCAN_RI_MAX = 10.0
#: Dry plant-litter layer (Sakaguchi & Zeng 2009): litter area index 0.5, thickness 0.05 m, transfer
#: coefficient 0.004 in r_dl = (1 − e^{−L_dl})/(0.004 u_af) (CF ``lai_dl``, ``z_dl`` l.223-224, l.962-967).
LITTER_LAI = 0.5
LITTER_Z = 0.05
LITTER_CD = 0.004
#: Vegetation emissivity ε_v = 1 − exp(−(L+S)/μ̄_ir), μ̄_ir = 1 (CT ``avmuir`` l.447-449).
AVMUIR = 1.0
#: Canopy wetness (``CanopyHydrologyMod.F90::FracWet`` l.716-735): f_wet = (W_can/(dewmx (L+S)))^0.666666666666,
#: capped at ``maximum_leaf_wetted_fraction`` = 0.05 (NL l.264); dewmx = 0.1 mm (``CanopyStateType.F90`` l.518).
FWET_EXP = 0.666666666666
FWET_MAX = 0.05
DEWMX = 0.1

# =================================================================== soil evaporation resistance (CLM5 DSL)
#: Swenson & Lawrence (2014) dry-surface-layer resistance, ``SurfaceResistanceMod.F90::calc_soil_resistance_sl14``
#: (l.361-382; ``soil_resis_method`` = 1 for clm5_0, NL l.170). d0 = 2.12e-5 (T/273.15)^1.75 m2 s-1 (Bittelli et al.
#: 2008); θ_air = θ_sat (ψ_sat/1e7 mm)^(1/b); d_sl = 15 mm × max(0.001, 0.8 θ_eff − θ_liq)/max(0.001, 0.8 θ_sat − θ_air),
#: clamped to [0, 200] mm; r_soil = d_sl/(D_g ε 1e3) + 20 ≤ 1e6 s m-1. (The CLM code writes 0.8, 2.12e-5 and 273.15
#: as single-precision literals; the float64 values here differ from them by < 1e-7 relative.)
DSL_D0 = 2.12e-5
DSL_T0 = 273.15
DSL_TEXP = 1.75
DSL_PSI_AIRDRY = 1.0e7
DSL_DMAX = 15.0
DSL_FRAC = 0.8
DSL_FLOOR = 0.001
DSL_MAX_MM = 200.0
DSL_TORT_BMIN = 3.0
DSL_R_MIN = 20.0
DSL_R_MAX = 1.0e6
DSL_LIQ_MIN = 1.0e-6
DSL_EFFPOR_MIN = 0.01
DSL_MM_PER_M = 1.0e3

# =================================================================== ground albedo and emissivity (CLM5)
#: Soil albedo by colour class (rows: class 1..N; columns: visible, near-infrared), saturated and dry, for
#: ``mxsoil_color`` = 20 (CLM5 surface datasets) and 8 (older datasets): ``SurfaceAlbedoMod.F90::
#: SurfaceAlbedoInitTimeConst`` l.150-163 (release-clm5.0).
SOIL_ALBSAT_20 = np.array([
    [0.25, 0.50], [0.23, 0.46], [0.21, 0.42], [0.20, 0.40], [0.19, 0.38], [0.18, 0.36], [0.17, 0.34],
    [0.16, 0.32], [0.15, 0.30], [0.14, 0.28], [0.13, 0.26], [0.12, 0.24], [0.11, 0.22], [0.10, 0.20],
    [0.09, 0.18], [0.08, 0.16], [0.07, 0.14], [0.06, 0.12], [0.05, 0.10], [0.04, 0.08]])
SOIL_ALBDRY_20 = np.array([
    [0.36, 0.61], [0.34, 0.57], [0.32, 0.53], [0.31, 0.51], [0.30, 0.49], [0.29, 0.48], [0.28, 0.45],
    [0.27, 0.43], [0.26, 0.41], [0.25, 0.39], [0.24, 0.37], [0.23, 0.35], [0.22, 0.33], [0.20, 0.31],
    [0.18, 0.29], [0.16, 0.27], [0.14, 0.25], [0.12, 0.23], [0.10, 0.21], [0.08, 0.16]])
SOIL_ALBSAT_8 = np.array([
    [0.12, 0.24], [0.11, 0.22], [0.10, 0.20], [0.09, 0.18], [0.08, 0.16], [0.07, 0.14], [0.06, 0.12],
    [0.05, 0.10]])
SOIL_ALBDRY_8 = np.array([
    [0.24, 0.48], [0.22, 0.44], [0.20, 0.40], [0.18, 0.36], [0.16, 0.32], [0.14, 0.28], [0.12, 0.24],
    [0.10, 0.20]])
#: Wetness brightening inc = max(0.11 − 0.40 θ_1, 0) (``SurfaceAlbedoMod.F90::SoilAlbedo`` l.1050).
SOIL_ALB_INC = (0.11, 0.40)
#: Soil colour written by mksurfdata where the raw data have none: 15 of 20 classes, 4 of 8
#: (CTSM release-cesm2.0 ``tools/mksurfdata_map/src/mksoilMod.F90`` l.742-748; same rule in master
#: ``tools/mksurfdata_esmf/src/mksoilcolMod.F90``).
SOIL_COLOR_DEFAULT_20 = 15
SOIL_COLOR_DEFAULT_8 = 4
#: BATS snow albedo (CLM2/CLM3.0 ``SurfaceAlbedoMod.F90::SnowAlbedo``; Oleson et al. 2004, NCAR/TN-461+STR, §3.2.1;
#: Dickinson et al. 1993, NCAR/TN-387+STR): fresh-snow diffuse albedo 0.95 (vis) / 0.65 (nir); aging factors
#: C_s = 0.2 (vis), C_n = 0.5 (nir); zenith factor b = 2 and 0.4 in α_dir = α_dif + 0.4 f(μ)(1 − α_dif); μ ≥ 0.001.
SNOW_ALB_FRESH_VIS, SNOW_ALB_FRESH_NIR = 0.95, 0.65
SNOW_AGE_CS, SNOW_AGE_CN = 0.2, 0.5
SNOW_ZEN_B, SNOW_ZEN_COEF = 2.0, 0.4
SNOW_COSZEN_MIN = 0.001
#: BATS snow age (CLM2/CLM3.0 ``SnowAge.F90``, R. Dickinson's BATS code): Δτ = Δt/τ0 (r1 + r2 + r3) with
#: τ0 = 1e6 s, r1 = exp[5000 (1/T_f − 1/T_g)], r2 = exp[min(0, 10 × 5000 (1/T_f − 1/T_g))], r3 = 0.3 (dirt and soot);
#: τ ← (τ + Δτ)(1 − 0.1 max(0, ΔW_sno)) ≥ 0 (ΔW in mm: 10 mm of new snow resets τ); τ = 0 when W_sno > 800 mm.
SNOW_AGE_TAU0 = 1.0e6
SNOW_AGE_VAPOUR = 5000.0
SNOW_AGE_MELT = 10.0
SNOW_AGE_DIRT = 0.3
SNOW_AGE_RESET = 0.1
SNOW_AGE_SWE_MAX = 800.0
# ======================================================== nitrogen cycle (CLM5 BGC, release-clm5.0)
# Hard-coded numbers of the CTSM release-clm5.0 nitrogen code (line numbers of that branch), and the
# Fortran namelist defaults that ``bld/namelist_files/namelist_defaults_clm4_5.xml`` does not override.
# ---- FUN (src/biogeochem/CNFUNMod.F90)
#: Arbitrarily large N cost of an unavailable pathway, ``big_cost`` = 1e9 g C g-1 N (l.260).
FUN_BIG_COST = 1.0e9
#: ``smallValue`` = 1e-12 (``clm_varcon.F90`` l.92): smallest layer N [g N m-2] and liquid water [kg m-2]
#: FUN uses.
FUN_SMALL_VALUE = 1.0e-12
#: Minimum root C of a layer [g C m-2] and carbon root fraction for an uptake / fixation cost
#: (l.1632, l.1584).
FUN_ROOTC_MIN = 1.0e-6
FUN_CROOTFR_MIN = 1.0e-6
#: Fixation cost −s_fix / (1.25 exp(a + b T (1 − 0.5 T / c))): 1.25 maps Houlton's response to 0-1 (l.1606).
FUN_FIX_SCALE = 1.25
#: Free retranslocation down to 1.5 × target leaf C:N; paid retranslocation stops at 3 × target (l.1730-1731).
FUN_RETRANS_MIN_CN = 1.5
FUN_RETRANS_MAX_CN = 3.0
#: Cost escalation exponent of paid retranslocation: cost = (1/CN_target) / (1/CN_falling)^1.3 (l.1743-1744).
FUN_RETRANS_COST_EXP = 1.3
#: Safety limit of the retranslocation iteration (150 passes; l.1790).
FUN_RETRANS_MAX_ITER = 150
#: Unspent C above 1e-13 g C m-2 per step is "burned off" (respired) (l.1400).
FUN_BURN_THRESHOLD = 1.0e-13
#: Flexible-C:N bounds of the fraction of ideal C spent on N: [0.5, 1]; slope 0.5 when leaf C:N < target
#: (l.1236-1249).
FUN_FLEX_FRAC_MIN = 0.5
FUN_FLEX_NEG_SLOPE = 0.5
#: Liquid water kg → g used for FUN's (diagnostic) soil-solution N concentration (l.858; exact).
G_PER_KG = 1.0e3

# ---- nitrification / denitrification (src/soilbiogeochem/SoilBiogeochemNitrifDenitrifMod.F90)
#: Maximum nitrification rate 0.1 d-1 (``nitrifReadNML`` Fortran default, l.149; equals ``k_nitr_max`` on
#: the file).
K_NITR_MAX_PERDAY = 0.1
#: Soil pH fixed at 6.5 for every soil ("placeholder", l.307).
SOIL_PH = 6.5
#: pH scalar of nitrification f_pH = 0.56 + atan(π 0.45 (pH − 5))/π (l.382).
NITRIF_PH = (0.56, 0.45, 5.0)
#: Fraction of nitrified N lost as N2O (Li et al. 2000), ``nitrif_n2o_loss_frac`` (``clm_varcon.F90`` l.189).
NITRIF_N2O_LOSS_FRAC = 6.0e-4
#: Del Grosso et al. (2000) maximum denitrification: 0.1 (soil CO2 production)^1.3 and 1.15 [NO3]^0.57, in
#: µg N g-1 soil d-1 (Fortran namelist defaults, l.144-147).
DENITRIF_RESP = (0.1, 1.3)
DENITRIF_NO3 = (1.15, 0.57)
#: µg g-1 per (g m-3 / kg m-3): the soil-mass conversion 1e3 / ρ_soil (l.410; exact).
UG_PER_G_PER_G_PER_KG = 1.0e3
#: N2:N2O ratio: k1 = max(1.7, 38.4 − 350 D), ratio = max(0.16 k1, k1 exp(−0.8 NO3/CO2)) f(WFPS),
#: f(WFPS) = max(0.1, 0.015 WFPS[%] − 0.32); NO3/CO2 = 100 when CO2 production ≤ 1e-9 (l.439-459).
N2N2O_K1 = (1.7, 38.4, 350.0)
N2N2O_MIN_FACTOR = 0.16
N2N2O_NO3_CO2_EXP = 0.8
N2N2O_WFPS = (0.1, 0.015, 0.32)
N2N2O_NO3_CO2_DEFAULT = 100.0
N2N2O_CO2_PROD_MIN = 1.0e-9
#: O2 diffusivity in air D_g = (0.1759 + 0.00117 T) 1e-4 m2 s-1 and in water D_w = (1.172 + 0.03443 T +
#: 0.0005048 T²) 1e-9 m2 s-1 (``clm_varcon.F90`` ``d_con_g``/``d_con_w``, O2 row). ``ch4Mod.F90`` evaluates
#: them with T in °C (l.3586); the nitrification/denitrification code passes the soil temperature in K
#: (l.330, l.340) — reproduced as coded (a CLM5.0 quirk; it only matters when an O2 model supplies the
#: anoxic fraction).
D_CON_G_O2 = (0.1759, 0.00117)
D_CON_W_O2 = (1.172, 0.03443, 0.0005048)
D_CON_G_SCALE = 1.0e-4
D_CON_W_SCALE = 1.0e-9
#: Tortuosity exponents of the O2 diffusivity: organic f_a^(10/3)/θ_s², mineral ε² f_a^(3/B) (l.330).
DIFFUS_OM_EXP = 10.0 / 3.0
DIFFUS_MIN_EXP = 3.0
#: Largest water-filled pore radius from ψ = 0.1 (same units as ``soilpsi``, MPa, as coded) (l.338).
R_MAX_PSI = 0.1

# ---- leaching (src/soilbiogeochem/SoilBiogeochemNLeachingMod.F90)
#: Depth over which surface runoff mixes with soil water for NO3 loss, 0.05 m (l.105).
DEPTH_RUNOFF_NLOSS = 0.05

# ---- free-living fixation (src/biogeochem/CNNDynamicsMod.F90, namelist mineral_nitrogen_dynamics)
#: F = (slope · ET_ann[mm yr-1] + intercept) [g N m-2 yr-1]; Fortran defaults 0.0006 and 0.0117 (l.84-85),
#: not overridden in namelist_defaults_clm4_5.xml. AnnET is the 365-day running mean of total ET.
FREELIVFIX_SLOPE_WET = 0.0006
FREELIVFIX_INTERCEPT = 0.0117
#: Running-mean period of AnnET: 365 days (``WaterfluxType.F90`` InitAccBuffer, ``accum_period=-365``).
ANNET_PERIOD_DAYS = 365.0

# ---- cold start (SoilBiogeochemDecompCascadeBGCMod.F90 l.427-480; SoilBiogeochemNitrogenStateType.F90 l.342)
#: Initial C:N of litter and CWD pools 90 g C g-1 N (floating thereafter); SOM pools take cn_s1..3_bgc.
INITIAL_CN_LITTER = 90.0
# =================================================================== LUNA (spec §1.6; release-clm5.0 LunaMod.F90)
# Module parameters of LunaMod.F90 l.54-80 unless a line is given. "float32" marks a literal that CLM writes
# without the _r8 kind suffix, i.e. a default (4-byte) real under CESM's compiler flags (no -r8): its value is
# the float32 nearest the decimal, widened to float64; tpcarbon uses it to reproduce CLM's arithmetic.
#: Conversion of a rate in µmol CO2 s-1 to g C h-1, C_v = 1.2e-5 × 3600 (12 g C mol-1, not 12.011; l.55).
LUNA_CV = 1.2e-5 * 3600.0
#: Michaelis constants of Rubisco for CO2 and O2 and the CO2 compensation point at 25 °C [Pa]: *fixed partial
#: pressures* (Bernacchi et al. 2001), not scaled by surface pressure as in Photosynthesis (l.56-58).
LUNA_KC25, LUNA_KO25, LUNA_CP25 = 40.49, 27840.0, 4.275
#: N-use efficiency of V_cmax25, F_c25 = 6.22 × 47.3 = 294.2 µmol CO2 s-1 g-1 N (Rogers 2014; l.59).
LUNA_FC25 = 294.2
#: N-use efficiency of J_max25, F_j25 = 8.06 × 156 = 1257.0 µmol e- s-1 g-1 N (Xu et al. 2012; l.60).
LUNA_FJ25 = 1257.0
#: N-use efficiency of respiration NUE_r25 = 33.69 (Xu et al. 2012; l.61).
LUNA_NUER25 = 33.69
#: Conversion of light-capture N to chlorophyll C_b = 1.78 (Evans 1989; l.62).
LUNA_CB = 1.78
#: Reference O2 (209460 ppm) and CO2 (380 ppm) mixing ratios and pressure (101325 Pa) of NUEref (l.63-65).
LUNA_O2REF_PPM, LUNA_CO2REF_PPM, LUNA_PBOT_REF = 209460.0, 380.0, 101325.0
#: Q10 of the enzyme turnover rate (l.66).
LUNA_Q10_ENZ = 2.0
#: Baseline proportion of functional N in electron transport J_maxb0 = 0.0311 (l.67).
LUNA_JMAXB0 = 0.0311
#: Response of electron transport to absorbed light J_maxb1 = 0.093563, the namelist ``jmaxb1`` of
#: ``bld/namelist_files/namelist_defaults_clm4_5.xml`` l.430 (phys=clm5_0, read by ``LunaReadNML``). The
#: module default is 0.1 (l.68), the Tech Note quotes 0.1745; CLM5 runs the namelist value (spec §1.6).
LUNA_JMAXB1 = 0.093563
#: Baseline ratio of Rubisco- to light-limited rate W_c:W_j = 0.8054 (l.69).
LUNA_WC2WJB0 = 0.8054
#: Exponent of the relative-humidity response of J_max, H = 6.0999 (l.70).
LUNA_RELH_EXP = 6.0999
#: Daily enzyme turnover at 25 °C, 0.1 d-1 (Rubisco half-life ~7 d, Suzuki et al. 2001; l.71).
LUNA_ENZ_TURNOVER_DAILY = 0.1
#: Maintenance cost of photosynthetic enzymes NMC_p25 = 0.715 (80 % of maintenance respiration; l.72).
LUNA_NMCP25 = 0.715
#: Leaf temperatures are clamped to 5-42 °C inside the optimisation (Trange1/Trange2 l.73-74, applied in
#: NitrogenAllocation l.862-863). A clamp, not a window: outside it LUNA still optimises, at the clamped
#: value.
LUNA_TLEAF_MIN_C, LUNA_TLEAF_MAX_C = 5.0, 42.0
#: Structural N concentration SNC = 0.004 g N g-1 leaf C (l.75; the Tech Note says 0.002 g N g-1 biomass).
LUNA_SNC = 0.004
#: Ball-Berry slope m = 9 and minimum conductance 1/bp, bp = 2000, of LUNA's own stomatal model (l.76;
#: Photosynthesis_luna l.1087-1093).
LUNA_BB_SLOPE = 9.0
LUNA_BB_BP = 2000.0
#: Floor of the 10-day PAR used in the optimisation, 200 µmol m-2 s-1 (PARLowLim l.77; applied l.858-859).
LUNA_PAR_MIN = 200.0
#: Relative humidity below which J_max gets no light-driven N (minrelh = 0.25, l.78; JmaxCoef l.865); also the
#: floor of the humidity in LUNA's stomatal model (l.1091).
LUNA_RELH_MIN = 0.25
#: Constant c = 18.72 of the Bernacchi et al. (2001) respiration factor exp(c − 46390/(R T)) (l.1316).
LUNA_RESP_C = 18.72
#: A negative c_i root is replaced by Γ* + 0.5 c_i,old (Photosynthesis_luna l.1118, l.1136).
LUNA_CI_FALLBACK = 0.5
#: Co-limitation weight θ of LUNA's A = (1 − θ) max(W_c, W_j) + θ min(W_c, W_j), 0.95
#: (Nitrogen_investments l.1003, l.1016; Photosynthesis_luna l.1085, l.1144).
LUNA_THETA_CJ = 0.95
#: Gas constant hard-coded in Photosynthesis_luna, 8.314 J mol-1 K-1 (l.1098-1102). NUE, NUEref and the Kattge
#: temperature functions use clm_varcon rgas·1e-3 = :data:`tpcarbon.constants.RGAS`.
LUNA_RGAS_PSN = 8.314
#: Ratio of diffusivities of CO2 through the leaf boundary layer used by LUNA, 1.37 (Photosynthesis_luna
#: l.1111, l.1129; Photosynthesis uses 1.4).
LUNA_GB_CO2_RATIO = 1.37
#: c_i starts at 0.7 c_a (NitrogenAllocation l.864, Photosynthesis_luna l.1096, NUEref l.1185).
LUNA_CI_RATIO = 0.7
#: c_i fixed point: start offset 0.02 Pa, stop at |Δc_i| ≤ 0.01 Pa or 100 passes (l.1097, l.1105, l.1125);
#: the N_lc search stops after 99 passes too (l.867).
LUNA_CI_OFFSET, LUNA_CI_TOL = 0.02, 0.01
LUNA_MAX_ITER = 100
#: Leaf respiration as a fraction of V_cmax inside LUNA, 0.015 (Nitrogen_investments l.1001).
LUNA_LEAF_MR_VCM = 0.015
#: Light absorption efficiency α = 0.292/(1 + 0.076/(N_lc C_b)) (Niinemets & Tenhunen 1997; l.1004).
LUNA_ALPHA = (0.292, 0.076)
#: Reference daylength of the J_max daylength factor (hourpd/12)², 12 h (Bauerle et al. 2012; l.865).
LUNA_DAYL_REF_H = 12.0
#: N_lc search (NitrogenAllocation l.848-941): the initial N_lc is capped at 0.5 FNC_a (l.854); the step is
#: 0.02 FNC_a (float32 literal, l.855); PNlcold − 0.001 seeds the convergence test (l.857); N_lc ≤ 0.95 FNC_a
#: on increase (l.888); an increase needs N_psn + N_resp < 0.95 FNC_a and a decrease is forced when it is
#: > 0.95 FNC_a (l.900, l.926); a negative N_store shrinks N_lc by 0.8 (l.912); N_lc ≥ 0.05 g N m-2 (absolute,
#: l.916).
LUNA_NLC_INIT_MAX = 0.5
LUNA_NLC_STEP = float(np.float32(0.02))
LUNA_PNLC_SEED = 0.001
LUNA_NLC_MAX_FRAC = 0.95
LUNA_NPSN_MAX_FRAC = 0.95
LUNA_NLC_SHRINK = 0.8
LUNA_NLC_MIN = 0.05
#: Functional N (Update_Photosynthesis_Capacity l.333-352): FNC_a = relCLNC_a (LNC_a − SNC/SLA) when
#: 0.9 LNC_a > SNC/SLA, else relCLNC_a 0.1 LNC_a; FNC_a ≤ 15 g N m-2.
LUNA_FNCA_STRUCT_FRAC, LUNA_FNCA_LOW_FRAC = 0.9, 0.1
LUNA_FNCA_MAX = 15.0
#: Canopy-position factor relCLNC_a = clamp(0.1802 ln(PAR_i/PAR_top) + 1, 0.2, 1) (Ali et al. 2015;
#: l.328-330). With nlevcan = 1 and elai > 0, PAR_i = PAR_top and the factor is 1.
LUNA_RELCLNCA_SLOPE, LUNA_RELCLNCA_MIN = 0.1802, 0.2
#: PAR_top uses a float32 4.6 (``RadTop*4.6``, l.313) while PAR_i uses 4.6_r8 (l.322); kept for fidelity.
LUNA_PARTOP_UMOL_PER_J = float(np.float32(4.6))
#: PAR assigned to a layer without exposed leaves, 0.01 µmol m-2 s-1 (l.324, l.358).
LUNA_PAR_NOLEAF = 0.01
#: Enzyme turnover temperature factor Q10^((min(T_leaf10, 40 °C) − 25 °C)/10) (l.306).
LUNA_ENZ_TMAX_C = 40.0
#: Decay on a day without GPP: rate min(0.5, 0.1 × daily change limit), while enzs > 0.5 (l.423-433).
LUNA_DECAY_MAX, LUNA_DECAY_FRAC, LUNA_ENZS_MIN = 0.5, 0.1, 0.5
#: Reset values of V_cmax25 and J_max25 [µmol m-2 s-1] (no leaves or no leaf N, l.440-441; out of range,
#: l.404, l.418) and the range limits 1000 and 2000 (l.399, l.413).
LUNA_VCMX25_RESET, LUNA_JMX25_RESET = 50.0, 85.0
LUNA_VCMX25_MAX, LUNA_JMX25_MAX = 1000.0, 2000.0
#: Sentinel root of CLM's Quadratic when a root is undefined (l.1324-1352).
LUNA_QUAD_SENTINEL = 1.0e36
#: Weight of the new day in the daily filters of Acc240_Climate_LUNA, x10 ← 0.9 x10 + 0.1 x (l.541-575).
LUNA_EMA_WEIGHT = 0.1
#: Cold-start state (PhotosynthesisMod.F90 InitAllocate l.325-329): V_cmax25 30, J_max25 60 µmol m-2 s-1,
#: PNlc 0.01, enzyme status 1.
LUNA_VCMX25_INIT, LUNA_JMX25_INIT, LUNA_PNLC_INIT, LUNA_ENZS_INIT = 30.0, 60.0, 0.01, 1.0
#: Initial values of the per-step 10-day running means po2_240, pco2_240, pbot240 [Pa] (atm2lndType.F90
#: l.876-889); a runmean forgets its initial value at its first update.
LUNA_PO2_240_INIT, LUNA_PCO2_240_INIT, LUNA_PBOT240_INIT = 21223.0, 28.0, 101325.0

# =================================================================== ground surface humidity (CanopyTemperatureMod)
#: Floor of the soil surface matric potential used for the surface humidity, smpmin = −1e8 mm
#: (``SoilStateType.F90`` cold-start value of ``smpmin``; ``CanopyTemperatureMod.F90`` l.260).
SOIL_SMPMIN = -1.0e8
#: Floor of the relative saturation of the top layer in that potential (0.01; ``CanopyTemperatureMod.F90`` l.257).
SOIL_SURF_SAT_MIN = 0.01
#: Minimum exposed leaf + stem area for a patch to be treated as vegetated (CLM ``frac_veg_nosno``:
#: elai + esai >= 0.05, ``CNVegStructUpdateMod.F90`` l.297).
LSAI_VEG_MIN = 0.05
#: Forcing reference height above displacement + roughness [m]: DATM's ``Sa_z`` = 30 m for offline forcing
#: (``datm_comp``/CDEPS clmncep), used by CLM as ``forc_hgt_u/t/q`` (``lnd_import_export.F90`` l.115, l.175).
Z_ATM = 30.0
#: Maximum interception storage per unit leaf + stem area, dewmx = 0.1 mm (``CanopyStateType.F90``; CLM5 default).
#: Interception fraction f_pi = 1.0·tanh(L + S) (CLM5 ``use_clm5_fpi``, ``interception_fraction`` = 1.0,
#: ``namelist_defaults_clm4_5.xml`` l.262-263; ``CanopyHydrologyMod.F90`` l.322-323).
INTERCEPTION_FRACTION = 1.0
#: Soil colour class of every cell when no surface file gives ``SOIL_COLOR``: CTSM's fill value for the 20-class
#: table (``mksoilMod.F90`` l.742-748), albedo 0.18/0.29 (vis/nir) dry and 0.09/0.18 saturated. tpcarbon ships no
#: soil-colour map of the plateau; a CLM ``surfdata`` file's ``SOIL_COLOR`` overrides it (``surface.files``).
SOIL_COLOR_DEFAULT = SOIL_COLOR_DEFAULT_20

# =================================================================== coupled soil N: tpcarbon choices
#: Particle density of soil solids used for the dry bulk density ρ_d = 2700 (1 − θ_sat) kg m-3
#: (``SoilBiogeochemNitrifDenitrifMod.F90`` l.312: ``bd = (1 - watsat) 2.7e3``).
BULK_DENSITY_SOLID = 2700.0
#: O2 of the soil air for the anoxic fraction: O2 at atmospheric partial pressure 0.209 × 101325 Pa in the
#: air-filled pores (departure D23; CLM5 takes the concentration from its CH4/O2 diffusion model, ``ch4Mod``).
O2_REF_PRESSURE = 101325.0
#: Photosynthesis inside the leaf-temperature iteration is recomputed only when, since its last call, the leaf
#: temperature moved by more than 0.02 K, the canopy-air vapour pressure by more than 2 Pa, or the leaf boundary-layer
#: resistance by more than 2 % (departure D24: CLM calls it in every pass; the effect is measured in docs/model.md).
PS_RECALC_DT = 0.02
PS_RECALC_DE = 2.0
PS_RECALC_DRB = 0.02

#: Precision control of vegetation pools (CLM5 ``CNPrecisionControlMod``: ``ccrit``, ``ncrit``) [g m-2].
CCRIT = 1.0e-8
NCRIT = 1.0e-8
