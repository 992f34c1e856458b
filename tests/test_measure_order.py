"""signals.measure runs the models on every core first, then starts a background family (the parser processes)
beside the single-core Python families, and still returns what measuring in registry order gives."""
import toolkit.signals as signals
from toolkit.signals import BeadTexts, Family, Measured, Registry, Resources, Signal
from toolkit.records import Reason

BEADS = [
    BeadTexts("The army has 3,000 soldiers in Minsk.", {"a": "The army has 3000 soldiers in Minsk.",
                                                        "b": "The army has 30,000 soldiers in Minsk.",
                                                        "c": "Minsk's army has 3,000 soldiers."}, lang="en"),
    BeadTexts("Putin did not meet Lukashenko on Tuesday.", {"a": "Putin met Lukashenko on Tuesday.",
                                                            "b": "On Tuesday Putin met Lukashenko."}, lang="en"),
    BeadTexts("Prices rose.", {"a": "Prices fell."}, lang="en"),
]


def _family(name: str, calls: list, background: bool = False, all_cores: bool = False) -> Family:
    def prepare(beads, resources):
        calls.append(f"prepare {name}")
        return f"prepared {name}"

    def measure(bead, resources, prepared):
        assert prepared == f"prepared {name}"  # what this family's prepare gave, handed to its measure
        calls.append(f"measure {name}")
        return Measured({name: float(len(bead.translation))}, [Reason(name, name, None, name)])

    return Family(name, (Signal(name, name, name),), measure, prepare, background=background, all_cores=all_cores)


def test_models_first_then_the_background_work_and_the_result_keeps_registry_order(monkeypatch):
    calls: list[str] = []
    families = [_family("python", calls), _family("parsing", calls, background=True),
                _family("models", calls, all_cores=True)]
    monkeypatch.setattr(signals, "REGISTRY", Registry(families))
    measured = signals.measure(BEADS, Resources())
    assert [c for c in calls if c.startswith("prepare")] == ["prepare models", "prepare parsing", "prepare python"]
    measures = [c for c in calls if c.startswith("measure")]
    assert measures == sorted(measures, key=["measure models", "measure python", "measure parsing"].index)
    for bead, m in zip(BEADS, measured):
        assert list(m.values) == ["python", "parsing", "models"]
        assert [r.signal for r in m.reasons] == ["python", "parsing", "models"]
        assert m.values["parsing"] == len(bead.translation)


def _in_registry_order(beads, resources):
    """measure() as it was: every prepare, then every family, in registry order."""
    prepared = {f.name: f.prepare(beads, resources) for f in signals.REGISTRY.families if f.prepare is not None}
    measured = [Measured() for _ in beads]
    for family in signals.REGISTRY.families:
        for bead, result in zip(beads, measured):
            result.update(family.measure(bead, resources, prepared.get(family.name)))
    return measured


def test_the_real_families_measure_as_in_registry_order():
    assert [f.name for f in signals.REGISTRY.families if f.background] == ["grammar"]
    assert [f.name for f in signals.REGISTRY.families if f.all_cores] == ["embedding", "learnt"]
    resources = Resources(embedder=None, learnt=None)  # the parser and the dictionary where installed
    new = signals.measure(BEADS, resources)
    old = _in_registry_order(BEADS, resources)
    for a, b in zip(new, old):
        assert list(a.values.items()) == list(b.values.items())
        assert a.reasons == b.reasons and a.per_rendering == b.per_rendering
