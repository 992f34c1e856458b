"""The fused model: shipped, loadable, picks the right model for the signals there, explains its flags."""
import json

import numpy as np
import pytest

from toolkit import fuse
from training import calibrate
from toolkit.records import Reason
from toolkit.signals import REGISTRY, Resources, measure_one
from toolkit.signals.base import CONSENSUS


def test_shipped_model_loads_with_its_data_signature():
    shipped = json.loads(fuse.MODEL_FILE.read_text(encoding="utf-8"))
    assert shipped["threshold"] == fuse.THRESHOLD
    assert "sha256:" in shipped["signature"] and shipped["created"]
    names = {m["name"] for m in shipped["models"]}
    assert {"base", "consensus"} <= names  # the fallbacks any language can use
    for model in shipped["models"]:
        assert len(model["features"]) == len(model["coef"]) == len(model["mean"]) == len(model["scale"])
        assert fuse.THRESHOLD <= model["cut_major"] <= model["cut_critical"]
        assert "sha256:" in model["data"]
    assert fuse.signature()["fuse"] == "logreg" and "fuse:logreg|" in str(fuse.signature())


def test_model_choice_follows_the_signals_that_are_there():
    models = fuse.load()["models"]
    many = fuse.MIN_CONSENSUS_RENDERINGS
    base = {name: 0.0 for name in calibrate.BASE if not REGISTRY[name].parts}
    consensus = {**base, **{name: 0.0 for name in REGISTRY.features(frozenset({CONSENSUS})) if name not in base}}
    assert fuse.choose(models, base, "fr", many)["name"] == "base"
    assert fuse.choose(models, consensus, "fr", many)["name"] == "consensus"
    if any(m["name"] == "de-consensus" for m in models):
        assert fuse.choose(models, consensus, "de", many)["name"] == "de-consensus"
    embedded = {**consensus, "embed_cos_best": 1.0, "embed_cos_median": 1.0, "embed_consensus_gap": 0.0}
    if any(m["name"] == "en-consensus-embedding" for m in models):
        assert fuse.choose(models, embedded, "en", many)["name"] == "en-consensus-embedding"
    assert fuse.choose(models, {"chrf_best": 50.0}, "en", 1) is None
    assert fuse.choose(models, consensus, "fr", 2)["name"] == "base"  # two round trips are no consensus to lean on


def test_no_signals_no_flag():
    verdict = fuse.verdict({}, [], 0, lang="en")
    assert verdict.divergence == 0.0 and not verdict.flag and verdict.severity == "none"


RENDERINGS = {"a": "The Belarusian army has 45,000 soldiers and is ready to defend the country.",
              "b": "The Belarusian army has 45,000 troops and is ready to defend the country.",
              "c": "Belarus's army has 45,000 soldiers and is prepared to defend the country."}
SOURCE = "Die belarussische Armee hat 45.000 Soldaten und ist bereit, das Land zu verteidigen."


def _verdict(translation, embedder=None):
    measured = measure_one(translation, RENDERINGS, SOURCE, lang="en", resources=Resources(embedder=embedder))
    return fuse.verdict(measured.values, measured.reasons, len(RENDERINGS), lang="en")


def test_a_faithful_translation_is_not_flagged():
    verdict = _verdict("The Belarusian army has 45,000 soldiers and is ready to defend the country.")
    assert not verdict.flag and verdict.severity == "none" and verdict.divergence < fuse.THRESHOLD


def test_a_shifted_translation_is_flagged_with_reasons_that_point_at_spans():
    translation = "The Belarusian army has 90,000 soldiers and is not ready to defend the country."
    verdict = _verdict(translation)
    assert verdict.flag and verdict.severity == "critical"  # a changed number and a negation: critical by kind
    assert verdict.divergence > _verdict(RENDERINGS["a"]).divergence
    spans = {translation[slice(*r.translation_span)] for r in verdict.reasons if r.translation_span}
    assert {"90,000", "not"} <= spans
    # the first reason's technical detail names the signal that fired, with its value
    assert verdict.reasons[0].technical.split(" = ")[0] in REGISTRY


def test_severity_cut_points_order_the_bands():
    model = {"cut_major": 0.7, "cut_critical": 0.9}
    assert [fuse.severity_of(d, 0.5, model) for d in (0.4, 0.6, 0.8, 0.95)] == ["none", "minor", "major", "critical"]


def test_absent_original_reads_as_no_negation_evidence():
    assert fuse.feature_value({}, "negation_source_mismatch") == 0.0
    assert fuse.feature_value({}, "chrf_best") is None
    assert fuse.feature_value({"numbers_unsupported": 7.0}, "numbers_unsupported") == 3.0


def test_operating_point_respects_the_unshifted_budget():
    rng = np.random.default_rng(0)
    logits = np.concatenate([rng.normal(0, 1, 200), rng.normal(2, 1, 200)])
    y = np.array([0] * 200 + [1] * 200)
    cut = calibrate.operating_logit(logits, y, y == 0)
    assert np.mean(logits[y == 0] >= cut) <= calibrate.MAX_UNSHIFTED_FLAGGED
    assert np.mean(logits[y == 1] >= cut) > 0.5


def test_grouped_folds_never_split_a_group():
    groups = [f"g{k % 7}" for k in range(70)]
    folds = calibrate._folds(groups, 5, seed=1)
    for train, test in folds:
        assert not {groups[i] for i in train} & {groups[i] for i in test}
    assert sorted(np.concatenate([t for _, t in folds]).tolist()) == list(range(70))
    assert [t.tolist() for _, t in calibrate._folds(groups, 5, seed=1)] == [t.tolist() for _, t in folds]


def test_fitting_recovers_a_planted_signal():
    rng = np.random.default_rng(3)
    n = 400
    signal = rng.normal(0, 1, n)
    noise = rng.normal(0, 1, n)
    y = (signal + rng.normal(0, 0.5, n) > 0).astype(int)
    X = np.column_stack([signal, noise])
    groups = [str(k // 4) for k in range(n)]
    model = calibrate.fit_model(X, y, groups, y == 0, y * 2, ["planted", "noise"], seed=5)
    assert model["coef"][0] > 0.5 and abs(model["coef"][1]) < model["coef"][0] / 4
    assert model["fitting_auroc_oof"] > 0.9


def test_weights_move_the_fit_towards_the_heavier_data():
    """Real translations join DEMETR with a share of the weight: equal weights are the unweighted fit, and a
    heavier share pulls the coefficients towards what that part of the data says."""
    rng = np.random.default_rng(4)
    n = 300
    a, b = rng.normal(0, 1, n), rng.normal(0, 1, n)
    y_first = (a + rng.normal(0, 0.3, n) > 0).astype(int)  # the first half: signal a decides
    y_second = (b + rng.normal(0, 0.3, n) > 0).astype(int)  # the second half: signal b decides
    X = np.vstack([np.column_stack([a, b])] * 2)
    y = np.concatenate([y_first, y_second])
    features = ["planted_a", "planted_b"]
    plain = calibrate.SignedLogisticRegression(1.0, features).fit(X, y)
    ones = calibrate.SignedLogisticRegression(1.0, features).fit(X, y, np.ones(2 * n))
    assert np.allclose(plain.coef_, ones.coef_)
    from training.benchdata import Example
    from toolkit.signals import BeadTexts

    def dataset(labels):
        examples = [Example(BeadTexts("t", {"r": "r"}), int(v), str(k), str(k), "x", "none") for k, v in enumerate(labels)]
        return calibrate.Dataset(examples, [{}] * len(labels), [[]] * len(labels))

    joined = dataset(y_first).joined(dataset(y_second), share=0.8)
    assert joined.weight.sum() == pytest.approx(2 * n) and joined.weight[-1] == pytest.approx(4 * joined.weight[0])
    heavy = calibrate.SignedLogisticRegression(1.0, features).fit(X, y, joined.weight)
    assert heavy.coef_[0][1] > plain.coef_[0][1] and heavy.coef_[0][0] < plain.coef_[0][0]


def test_a_variant_fitted_on_real_translations_needs_them_to_be_refitted():
    """Cross-fitting it on DEMETR alone would score DEMETR with a model unlike the shipped one."""
    real = next(v.name for v in calibrate.VARIANTS if v.real)
    fitted_on = next(m["data"] for m in fuse.load()["models"] if m["name"] == real)
    with pytest.raises(ValueError, match="needs data_dir"):
        calibrate.held_out(calibrate.Dataset([], [], []), real, fitted_on)


def test_explanations_keep_the_family_reasons():
    model = {"features": ["numbers_unsupported"], "mean": [0.0], "scale": [1.0], "coef": [3.0], "intercept": 0.0,
             "operating_logit": 0.0, "cut_major": 0.8, "cut_critical": 0.99, "langs": ["*"]}
    reasons = [Reason("numbers", "the number 90,000 here is in none of the machine translations", (24, 30)),
               Reason("negation", "not", (50, 53))]
    verdict = fuse.verdict({"numbers_unsupported": 1.0}, reasons, 1, models={"models": [model]})
    assert verdict.flag and verdict.severity == "major"
    # the family's plain sentence reads first, with what the fusion made of the signal as its technical detail
    first = verdict.reasons[0]
    assert (first.signal, first.detail, first.translation_span) == ("numbers", reasons[0].detail, (24, 30))
    assert first.technical == "numbers_unsupported = 1 raised the divergence (+3.00 logit)"
    assert reasons[1] in verdict.reasons


def test_a_signal_without_sentences_of_its_own_reads_in_the_registrys_words():
    model = {"features": ["length_shortfall"], "mean": [0.0], "scale": [1.0], "coef": [3.0], "intercept": 0.0,
             "operating_logit": 0.0, "cut_major": 0.8, "cut_critical": 0.99, "langs": ["*"]}
    verdict = fuse.verdict({"length_shortfall": 1.0}, [], 1, models={"models": [model]})
    assert verdict.reasons[0].detail == REGISTRY["length_shortfall"].reads
    assert "length_shortfall" not in verdict.reasons[0].detail and "length_shortfall = 1" in verdict.reasons[0].technical


def test_a_critical_kind_of_check_is_critical_whatever_the_divergence():
    """The legend says critical is a changed number or negation: a fired number check gives it even where the
    cut points on the divergence would say major, and a name (major by kind) never reaches critical by its own
    evidence counted a second time through the cut points."""
    model = {"features": ["chrf_best"], "mean": [50.0], "scale": [10.0], "coef": [-1.0], "intercept": -3.0,
             "operating_logit": 0.0, "cut_major": 0.6, "cut_critical": 0.99, "langs": ["*"],
             "checks": {"numbers_unsupported": 0.8, "entities_unsupported": 0.995}}
    quiet = {"chrf_best": 90.0, "numbers_unsupported": 0.0, "entities_unsupported": 0.0}
    number = fuse.verdict({**quiet, "numbers_unsupported": 1.0}, [], 1, models={"models": [model]})
    assert number.divergence < model["cut_critical"] and number.severity == "critical"
    name = fuse.verdict({**quiet, "entities_unsupported": 1.0}, [], 1, models={"models": [model]})
    assert name.divergence >= model["cut_critical"] and name.severity == "major"
    assert fuse.verdict(quiet, [], 1, models={"models": [model]}).severity == "none"


@pytest.mark.parametrize("variant", [v.name for v in calibrate.VARIANTS])
def test_every_variant_lists_known_signals(variant):
    features = calibrate.variant(variant).features
    assert all(name in REGISTRY for name in features)
    assert all(part in features for name in features for part in REGISTRY[name].parts)


def test_derived_conjunctions():
    assert fuse.feature_value({"numbers_unsupported": 1.0, "numbers_missing": 1.0}, "numbers_replaced") == 1.0
    assert fuse.feature_value({"numbers_unsupported": 1.0, "numbers_missing": 0.0}, "numbers_replaced") == 0.0
    assert fuse.feature_value({"negation_mismatch": 1.0}, "negation_confirmed") == 0.0  # no original: no evidence
    assert fuse.feature_value({}, "entities_replaced") is None


def test_new_data_is_scored_by_the_shipped_model_as_is():
    """On data the shipped model was not fitted on (the held-out part kept elsewhere), no refitting happens."""
    from training.benchdata import Example
    from toolkit.signals import BeadTexts, measure

    beads = [BeadTexts(t, {"r": RENDERINGS["a"]}, SOURCE, {}, "en") for t in
             (RENDERINGS["a"], "The Belarusian army has 90,000 soldiers and is not ready to defend the country.")]
    computed = [(m.values, m.reasons) for m in measure(beads, Resources(embedder=None))]
    examples = [Example(b, label, "g", str(k), "x", "none") for k, (b, label) in enumerate(zip(beads, (0, 1)))]
    data = calibrate.Dataset(examples, [v for v, _ in computed], [r for _, r in computed])
    divergence, flags, how = calibrate.held_out(data, "base", "some/other/file@sha256:0")
    assert how.startswith("shipped model base")
    model = next(m for m in fuse.load()["models"] if m["name"] == "base")
    assert divergence.tolist() == [fuse.divergence_of(model, v) for v, _ in computed]
    assert divergence[1] > divergence[0] and set(flags) == set(calibrate.BASELINES)


def test_a_check_seen_at_work_too_rarely_is_not_evidence():
    """With few shifted examples, smoothing alone rates a check that never fired 0.5/51 against 0.5/551: 0.92."""
    y = np.array([1] * 50 + [0] * 550)
    silent, twice = np.zeros(600), np.zeros(600)
    twice[:2] = 1
    assert calibrate.check_precisions(np.column_stack([silent, twice]), y, ["untranslated", "antonyms"]) == {}


def test_a_precise_check_is_evidence_on_its_own():
    """A check that fires on 30 of 300 shifts and 1 of 300 unshifted beads gets its precision from the classes'
    rates; a check that fires as often on unshifted beads is left out; firing lifts the divergence noisy-OR."""
    y = np.array([1] * 300 + [0] * 300)
    precise = np.zeros(600)
    precise[:30] = 1
    precise[300] = 1
    vague = np.zeros(600)
    vague[::10] = 1  # fires on every tenth bead of both classes
    checks = calibrate.check_precisions(np.column_stack([precise, vague]), y, ["negation_mismatch", "antonyms"])
    assert set(checks) == {"negation_mismatch"}
    assert 0.9 < checks["negation_mismatch"] < 0.96  # 30.5/301 against 1.5/301, not an infallible 1.0
    model = {"features": ["chrf_best"], "mean": [50.0], "scale": [10.0], "coef": [-1.0], "intercept": -3.0,
             "operating_logit": 0.0, "cut_major": 0.8, "cut_critical": 0.99, "langs": ["*"], "checks": checks}
    quiet = fuse.divergence_of(model, {"chrf_best": 90.0, "negation_mismatch": 0.0})
    fired = fuse.divergence_of(model, {"chrf_best": 90.0, "negation_mismatch": 1.0})
    assert quiet < 0.01 and fired == pytest.approx(1 - (1 - quiet) * (1 - checks["negation_mismatch"]))
    verdict = fuse.verdict({"chrf_best": 90.0, "negation_mismatch": 1.0},
                           [Reason("negation", "not is in no rendering", (10, 13))], 1, models={"models": [model]})
    assert verdict.flag and verdict.reasons[0].signal == "negation" and verdict.reasons[0].translation_span == (10, 13)
    assert verdict.reasons[0].technical.startswith("negation_mismatch = 1 fired (a direct check")


def test_checks_of_one_family_count_once():
    model = {"checks": {"negation_mismatch": 0.9, "negation_confirmed": 0.8, "numbers_unsupported": 0.9}}
    both = {"negation_mismatch": 1.0, "negation_source_mismatch": 1.0, "numbers_unsupported": 0.0}
    assert fuse.fired_checks(model, both) == {"negation": ("negation_mismatch", 0.9)}
    assert fuse.with_checks(0.5, [0.9]) == pytest.approx(0.95)


def test_the_flag_budget_is_spent_on_real_translations_only():
    """The reference judged against itself can never be flagged: it must not widen the budget for mt_en."""
    from training.benchdata import Example
    from toolkit.signals import BeadTexts

    reference = "The army is ready."
    beads = [BeadTexts(reference, {"reference": reference}), BeadTexts("The army is prepared.", {"reference": reference}),
             BeadTexts(reference, {"a": reference, "b": "The army stands ready."}),
             BeadTexts("The army is not ready.", {"reference": reference})]
    examples = [Example(b, label, "g", "i", "x", "none") for b, label in zip(beads, (0, 0, 0, 1))]
    data = calibrate.Dataset(examples, [{} for _ in beads], [[] for _ in beads])
    assert data.unshifted.tolist() == [False, True, True, False]


def test_the_flag_is_moved_until_real_error_free_translations_stay_within_the_budget():
    model = {"features": ["chrf_best"], "mean": [50.0], "scale": [10.0], "coef": [-1.0], "intercept": 0.0,
             "operating_logit": 0.0, "cut_major": 0.8, "cut_critical": 0.99, "langs": ["*"], "checks": {}}
    clean = [{"chrf_best": float(v)} for v in range(0, 100, 2)]  # half of them score under 50: flagged
    shift = calibrate.budget_shift(model, clean, budget=0.1)
    moved = {**model, "operating_logit": shift}
    flagged = np.mean([fuse.divergence_of(moved, s) >= fuse.THRESHOLD for s in clean])
    assert shift > 0 and flagged <= 0.1
    barely = {**model, "operating_logit": shift - 0.05}
    assert np.mean([fuse.divergence_of(barely, s) >= fuse.THRESHOLD for s in clean]) > 0.1  # the smallest move
    assert calibrate.budget_shift(moved, clean, budget=0.1) == 0.0  # already within: not moved


def test_one_rendering_prefers_a_reference():
    from training.benchdata import Example
    from training.realdata import one_rendering
    from toolkit.signals import BeadTexts

    beads = [BeadTexts("t", {"wmt22_A": "a", "ref_A_en": "r"}), BeadTexts("t", {"sys1": "a", "sys2": "b"})]
    examples = [Example(b, 0, "g", "i", "x", "none") for b in beads]
    assert [e.bead.renderings for e in one_rendering(examples)] == [{"ref_A_en": "r"}, {"sys1": "a"}]
    assert beads[1].renderings == {"sys1": "a", "sys2": "b"}  # the originals are untouched


def test_checks_that_fire_on_correct_real_output_stop_counting_on_their_own():
    model = {"checks": {"entities_missing": 0.9, "negation_mismatch": 0.9}}
    clean = [{"entities_missing": 1.0, "negation_mismatch": 0.0}] * 3 + [{"entities_missing": 0.0,
                                                                           "negation_mismatch": 0.0}] * 17
    assert calibrate.quiet_checks(model, clean, allowed=0.1) == ["entities_missing"]
    assert model["checks"] == {"negation_mismatch": 0.9}
    assert calibrate.quiet_checks(model, clean, allowed=0.1) == []  # what is left is within the allowance


def test_a_finding_is_said_once_even_when_two_signals_rest_on_it():
    model = {"features": ["entities_unsupported", "entities_missing"], "mean": [0.0, 0.0], "scale": [1.0, 1.0],
             "coef": [2.0, 1.0], "intercept": 0.0, "operating_logit": 0.0, "cut_major": 0.8, "cut_critical": 0.99,
             "langs": ["*"]}
    reasons = [Reason("entities", "the name Minsk here is in none of the machine translations", (0, 5)),
               Reason("entities", "the machine translations name Kyiv; this translation does not")]
    verdict = fuse.verdict({"entities_unsupported": 1.0, "entities_missing": 1.0}, reasons, 2,
                           models={"models": [model]})
    assert [r.detail for r in verdict.reasons] == [r.detail for r in reasons]  # no third, vaguer line
    assert "entities_unsupported = 1" in verdict.reasons[0].technical
    assert "entities_missing = 1" in verdict.reasons[0].technical


def test_round_trips_alone_never_make_a_critical_flag():
    """Without an original, a number that both round trips lack is at most major: nothing confirms the change
    (issue 30); with an original (or a forward rendering) the same finding stays critical."""
    model = {"features": ["chrf_best"], "mean": [50.0], "scale": [10.0], "coef": [-1.0], "intercept": -3.0,
             "operating_logit": 0.0, "cut_major": 0.6, "cut_critical": 0.99, "langs": ["*"],
             "checks": {"numbers_unsupported": 0.8}}
    signals = {"chrf_best": 20.0, "numbers_unsupported": 1.0}
    confirmed = fuse.verdict(signals, [], 2, models={"models": [model]})
    assert confirmed.flag and confirmed.severity == "critical"
    alone = fuse.verdict(signals, [], 2, models={"models": [model]}, unconfirmed=True)
    assert alone.flag and alone.severity == "major" and alone.divergence == confirmed.divergence


def test_a_bead_knows_its_round_trips():
    from toolkit.records import Rendering, RenderingKind
    from toolkit.signals import BeadTexts

    rt = {"spa": RenderingKind.ROUND_TRIP, "cat": RenderingKind.ROUND_TRIP}
    bead = BeadTexts("x", {"spa": "x", "cat": "x"}, kinds=rt)
    assert bead.round_trips_only and len(bead.round_trips()) == 2
    assert not BeadTexts("x", {"spa": "x"}, original="y", kinds=rt).round_trips_only
    assert not BeadTexts("x", {"spa": "x", "system:b": "x"}, kinds=rt).round_trips_only  # another system: OTHER
    assert bead.unconfirmed and BeadTexts("x", {"system:b": "x"}).unconfirmed
    assert not BeadTexts("x", {"system:b": "x", "system:c": "x"}).unconfirmed
    assert not BeadTexts("x", {"a": "x"}, original="y", kinds={"a": RenderingKind.FORWARD}).unconfirmed
    assert BeadTexts("x", {"a": "x"}).kind_of("a") == RenderingKind.OTHER  # nobody said: other
    # a precomputed round trip is evidence of another translation: the toolkit cannot know how it was made
    made = Rendering("file:r.txt|sha256:ab", RenderingKind.ROUND_TRIP, "en", "en", ["x"], precomputed=True)
    assert made.evidence == RenderingKind.OTHER
    assert Rendering("apertium:eng-spa", RenderingKind.ROUND_TRIP, "en", "en", ["x"]).evidence == RenderingKind.ROUND_TRIP
