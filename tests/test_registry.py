"""The signal registry: adding a family is one module and one registry entry, and every stage picks it up."""
from pathlib import Path

import pytest

from toolkit import fuse
from toolkit.judge import judge
from toolkit.languages import Language
from toolkit.records import Reason
from toolkit.signals import REGISTRY, BeadTexts, Family, Measured, Resources, Signal, measure, table
from toolkit.signature import Signature
from toolkit.errors import ToolkitError

README = Path(__file__).resolve().parents[1] / "README.md"


def _shouting(bead: BeadTexts, resources: Resources, prepared=None) -> Measured:
    """A toy family: words in capitals that no rendering writes in capitals."""
    theirs = {w for text in bead.renderings.values() for w in text.split() if w.isupper()}
    loud = [w for w in bead.translation.split() if w.isupper() and len(w) > 1 and w not in theirs]
    reasons = [Reason("shouting", f"\"{w}\" is shouted", (bead.translation.index(w), bead.translation.index(w) + len(w)))
               for w in loud]
    return Measured({"toy_shouting": float(len(loud))}, reasons)


TOY = Family("toy", (Signal("toy_shouting", "words in capitals no rendering has", "the translation shouts",
                            check="shouting", neutral=0.0, cap=2.0, evidence="shouting"),),
             _shouting, module="tests/test_registry.py", when="a rendering")
TOY_MODEL = {"name": "toy", "langs": ["*"], "features": ["toy_shouting"], "mean": [0.0], "scale": [1.0],
             "coef": [4.0], "intercept": -2.0, "operating_logit": 0.0, "cut_major": 0.8, "cut_critical": 0.99,
             "checks": {"toy_shouting": 0.9}}


@pytest.fixture
def toy():
    REGISTRY.register(TOY)
    yield TOY
    REGISTRY.unregister("toy")


def test_a_toy_family_flows_through_measure_fusion_judge_and_table(toy):
    bead = BeadTexts("The army is READY now.", {"a": "The army is ready now."}, lang=Language.parse("en"))
    measured = measure([bead], Resources(embedder=None))[0]
    assert measured.values["toy_shouting"] == 1.0 and "chrf_best" in measured.values
    assert "toy_shouting" in REGISTRY.features() and REGISTRY.checks()["toy_shouting"] == "shouting"
    assert fuse.feature_value({}, "toy_shouting") == 0.0  # its neutral value when absent
    assert fuse.feature_value({"toy_shouting": 7.0}, "toy_shouting") == 2.0  # its cap
    judged = judge([bead], resources=Resources(embedder=None), models={"models": [TOY_MODEL]})[0]
    # the family's own sentence reads first, with its span; the check's value and precision are technical
    first = judged.verdict.reasons[0]
    assert judged.verdict.flag and (first.signal, first.detail) == ("shouting", '"READY" is shouted')
    assert first.translation_span == (12, 17) and first.technical.startswith("toy_shouting = 1 fired")
    bare = TOY_MODEL | {"checks": {}}  # a family that gave no sentence reads in the registry's words
    REGISTRY.unregister("toy")
    REGISTRY.register(Family("toy", TOY.signals, lambda b, r, p: Measured({"toy_shouting": 1.0}), module="t"))
    plain = judge([bead], resources=Resources(embedder=None), models={"models": [bare]})[0].verdict.reasons[0]
    assert (plain.signal, plain.detail) == ("toy_shouting", "the translation shouts")
    REGISTRY.unregister("toy")
    REGISTRY.register(TOY)
    assert "`toy_shouting`" in table()
    quiet = judge([BeadTexts("The army is ready now.", {"a": "The army is ready now."})],
                  resources=Resources(embedder=None), models={"models": [TOY_MODEL]})[0]
    assert not quiet.verdict.flag


def test_a_name_registered_twice_is_refused(toy):
    with pytest.raises(ValueError, match="registered twice"):
        REGISTRY.register(Family("again", (Signal("toy_shouting", "x", "x"),), _shouting))


def test_every_registered_signal_is_in_the_readme_table():
    documented = README.read_text(encoding="utf-8")
    missing = [s.name for s in REGISTRY if f"`{s.name}`" not in documented]
    assert not missing, f"README lacks {missing}: paste `python -c 'import toolkit.signals as s; print(s.table())'`"


def test_every_fitted_feature_and_check_is_registered():
    for model in fuse.load()["models"]:
        assert all(name in REGISTRY for name in model["features"]), model["name"]
        assert all(REGISTRY[name].check for name in model.get("checks", {})), model["name"]


def test_gaps_are_judged_by_the_gap_alone():
    omission, addition = judge([BeadTexts("", {}, "Das sagte er nicht.", gap="omission"),
                                BeadTexts("Added here.", {}, gap="addition")])
    assert omission.verdict.flag and omission.verdict.reasons[0].signal == "omission" and not omission.measured.values
    assert addition.verdict.reasons[0].translation_span == (0, len("Added here."))


def test_languages_are_parsed_once_into_a_type():
    english = Language.parse(" EN ")
    assert english == "en" and isinstance(english, Language) and Language.parse("eng") == english
    assert Language.parse(english) is english and english.iso3 == "eng"
    with pytest.raises(ToolkitError, match="unknown language code"):
        Language.parse("klingon")


def test_signatures_print_like_sacrebleu_and_keep_their_fields():
    inner = Signature.of(nrefs=1, case="mixed")
    outer = Signature.of(" # ", metric=inner, engines=["a", "b"])
    assert str(inner) == "nrefs:1|case:mixed"
    assert str(outer) == "metric:nrefs:1|case:mixed # engines:[a, b]"
    assert outer.as_dict() == {"metric": {"nrefs": 1, "case": "mixed"}, "engines": ["a", "b"]}
    assert outer["metric"]["case"] == "mixed"


class _CountingModel:
    """Stands in for the learnt model: 'differs' when the words differ, and counts its calls."""

    signature = "fake-learnt"

    def __init__(self):
        self.calls = 0

    def score(self, pairs):
        self.calls += 1
        return [0.9 if set(a.lower().split()) != set(b.lower().split()) else 0.1 for a, b in pairs]


def test_the_learnt_family_scores_every_pair_in_one_batch_and_skips_other_languages():
    from toolkit.signals import learnt

    model = _CountingModel()
    resources = Resources(embedder=None, learnt=learnt.Scores(model))
    en = Language.parse("en")
    beads = [BeadTexts("The army is ready.", {"a": "The army is ready.", "b": "The troops are ready."}, lang=en),
             BeadTexts("The army is not ready.", {"a": "The army is ready.", "b": "The army is ready."}, lang=en),
             BeadTexts("Die Armee ist bereit.", {"a": "Die Armee ist bereit."}, lang=Language.parse("de"))]
    first, second, german = measure(beads, resources)
    assert model.calls == 1
    assert first.values["learnt_best"] == 0.1 and first.values["learnt_median"] == 0.5
    assert second.values["learnt_best"] == 0.9
    assert "learnt_best" not in german.values
