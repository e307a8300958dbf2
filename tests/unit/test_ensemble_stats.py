"""Ensemble statistics: sensitivity indices on a toy problem, ranges, claim shares, modal driver."""

import numpy as np
import pandas as pd
import pytest

from tpcarbon.ensemble.parameters import DEFAULT_PARAMETERS, perturb_params, spec_by_name
from tpcarbon.ensemble.sampling import unit_design
from tpcarbon.ensemble.stats import claims_table, first_order_indices, modal_driver, summary_table
from tpcarbon.params.pft import load_params

TOY_INPUTS = ("slatop", "q10_mr", "minpsi_hr", "leafcn")


def toy_gpp(p, base):
    """A toy plateau GPP [g C m-2 yr-1]: proportional to the arctic-grass SLA, a weak curved Q10 effect, a
    small leaf C:N effect; minpsi_hr does not enter."""
    sla = p.pft.slatop[12] / base.pft.slatop[12]
    return 600.0 * sla + 4.0 * (p.scalar.q10_mr - 2.0) ** 2 - 6.0 * (p.pft.leafcn[12] / base.pft.leafcn[12])


@pytest.fixture(scope="module")
def toy():
    base = load_params()
    specs = [spec_by_name()[n] for n in TOY_INPUTS]
    u = unit_design(128, len(specs), "lhs", seed=17)
    design = pd.DataFrame(u, columns=TOY_INPUTS)
    y = np.array(
        [
            toy_gpp(
                perturb_params(base, {s.name: s.sampled_value(row[j]) for j, s in enumerate(specs)}), base
            )
            for row in u
        ]
    )
    return design, y


@pytest.mark.parametrize("method", ["regression", "binned"])
def test_linear_parameter_ranked_first_and_ignored_parameter_near_zero(toy, method):
    design, y = toy
    t = first_order_indices(design, y, method=method, n_boot=50, seed=1).set_index("input")
    assert t.loc["slatop", "rank"] == 1
    assert t.loc["slatop", "index"] > 0.9
    assert abs(t.loc["minpsi_hr", "index"]) < (0.03 if method == "regression" else 0.05)
    assert t.loc["minpsi_hr", "index"] < t.loc["q10_mr", "index"] or t.loc["q10_mr", "index"] < 0.03
    if method == "regression":
        assert t.loc["slatop", "ci_low"] <= t.loc["slatop", "index"] <= t.loc["slatop", "ci_high"]


def test_binned_index_sees_a_non_monotone_effect_regression_misses():
    rng = np.random.default_rng(3)
    d = pd.DataFrame({"a": unit_design(200, 1, "lhs", seed=2)[:, 0], "b": rng.random(200)})
    y = np.cos(2 * np.pi * d.a.to_numpy())
    reg = first_order_indices(d, y, "regression", n_boot=0).set_index("input")["index"]
    binned = first_order_indices(d, y, "binned", n_boot=0).set_index("input")["index"]
    assert reg["a"] < 0.05 < 0.8 < binned["a"] and binned["b"] < 0.1


def test_categorical_input_gets_its_between_group_share():
    models = np.repeat(["A", "B", "C", "D"], 16)
    y = np.repeat([0.0, 1.0, 2.0, 3.0], 16) + np.random.default_rng(0).normal(0, 0.1, 64)
    d = pd.DataFrame({"cmip6_model": models, "u": np.random.default_rng(1).random(64)})
    t = first_order_indices(d, y, categorical=["cmip6_model"], n_boot=0).set_index("input")
    assert t.loc["cmip6_model", "index"] > 0.95 and t.loc["cmip6_model", "rank"] == 1


def test_summary_and_claims_leave_the_reference_out():
    rng = np.random.default_rng(5)
    nep = np.concatenate([[-5.0], rng.uniform(1.0, 50.0, 97), [-3.0, -2.0, -1.0]])
    h = pd.DataFrame(
        {"NEP_mean_S1": nep, "NEP_mean_ssp126": nep + 10.0, "NEP_min_ssp126": nep - 100.0},
        index=pd.Index(range(101), name="member"),
    )
    s = summary_table(h).set_index("id")
    assert s.loc["NEP_mean_S1", "n_members"] == 100 and s.loc["NEP_mean_S1", "reference"] == -5.0
    assert s.loc["NEP_mean_S1", "p05"] < s.loc["NEP_mean_S1", "median"] < s.loc["NEP_mean_S1", "p95"]
    assert s.loc["NEP_mean_S1", "median"] == pytest.approx(np.median(nep[1:]))
    c = claims_table(h).set_index("claim")
    assert c.loc[
        "the plateau is a net carbon sink in S1 (mean NEP > 0)", "share_of_members"
    ] == pytest.approx(0.97)
    assert c.loc["the plateau is a net carbon sink in S1 (mean NEP > 0)", "holds_in_reference"] == "no"
    assert c.loc["NEP > 0 under SSP1-2.6 (future analysis-period mean)", "share_of_members"] == 1.0
    assert c.loc["NEP > 0 in every year under SSP1-2.6", "share_of_members"] == 0.0
    assert not any("SSP5-8.5" in k for k in c.index)  # not evaluable: no column


def test_modal_driver_and_agreement():
    codes = np.array([[[0, 1], [2, -1]], [[0, 2], [2, -1]], [[1, 2], [2, -1]], [[0, 2], [1, -1]]])
    mode, agree = modal_driver(codes)
    np.testing.assert_array_equal(mode[0], [0.0, 2.0])
    assert mode[1, 0] == 2.0 and np.isnan(mode[1, 1]) and np.isnan(agree[1, 1])
    np.testing.assert_allclose(agree[0], [0.75, 0.75])


def test_default_parameters_cover_the_brief():
    wanted = {
        "medlynslope",
        "medlynintercept",
        "slatop",
        "leafcn",
        "froot_leaf",
        "br_mr",
        "q10_mr",
        "tau_s1",
        "tau_s2",
        "tau_s3",
        "decomp_depth_efolding",
        "minpsi_hr",
        "kc_nonmyc",
        "kn_nonmyc",
        "akc_active",
        "akn_active",
        "ekc_active",
        "ekn_active",
    }
    assert wanted == {s.name for s in DEFAULT_PARAMETERS}
