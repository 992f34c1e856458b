"""Small hand-made runs for the report, browser and export tests: every bead shape the pipeline makes
(1-1, omission 1-0, addition 0-1, round trip without an original) and text written to break out of HTML."""
from __future__ import annotations

from toolkit.records import BeadRendering, Judgement, Reason, Run

FORWARD = "forward:file:mt.en.txt|sha:1a2b3c"
BACK = "back:file:mt.de.txt|sha:4d5e6f"
SPA = "round-trip:apertium:eng-spa|v:0.8.1-2"
CAT = "round-trip:apertium:eng-cat|v:1.0.1-5"
# name -> (kind, engine signature, the engine as the user named it)
ENGINES = {FORWARD: ("forward", "file:mt.en.txt|sha:1a2b3c", "file:mt.en.txt"),
           BACK: ("back", "file:mt.de.txt|sha:4d5e6f", "file:mt.de.txt"),
           SPA: ("round-trip", "apertium:eng-spa|v:0.8.1-2", "apertium:eng-spa"),
           CAT: ("round-trip", "apertium:eng-cat|v:1.0.1-5", "apertium:eng-cat")}


def shares(texts: dict[str, str], chrf: dict[str, float] | None = None) -> list[BeadRendering]:
    """A bead's renderings from {name: text}, with the given chrF++ scores."""
    chrf = chrf or {}
    return [BeadRendering(name, *ENGINES.get(name, ("round-trip", name, ""))[:2], text,
                          ENGINES.get(name, ("", "", ""))[2], {"chrf": chrf[name]} if name in chrf else {})
            for name, text in texts.items()]


def _summary(judgements, original, mode, renderings, path="article.en.txt"):
    return {
        "signature": "toolkit:0.1.0 # engines:[" + ", ".join(renderings) + "] # fuse:chrf-rule|thr:0.55",
        "toolkit_version": "0.1.0",
        "translation": {"path": path, "lang": "en", "sentences": sum(len(j.translation_ids) for j in judgements)},
        "original": original,
        "mode": mode,
        "renderings": [{"name": n, "kind": ENGINES.get(n, ("round-trip",))[0]} for n in renderings],
        "beads": len(judgements),
        "flagged": sum(j.flag for j in judgements),
        "severity": {s: sum(j.severity == s for j in judgements) for s in ("minor", "major", "critical")},
        "threshold": 0.55,
        "created": "2026-01-01T00:00:00+00:00",
    }


def aligned_run() -> Run:
    judgements = [
        Judgement(0, [0], [0], "Lukaschenko traf Putin in Sotschi.", "Lukashenko met Putin in Sochi.",
                  shares({FORWARD: "Lukashenko met Putin in Sochi.", BACK: "Lukaschenko traf Putin in Sotschi."},
                         {FORWARD: 100.0}), {"numbers_mismatch": 0.0}, 0.05, False, "none", []),
        Judgement(1, [1], [1], "Die Armee hat 30.000 Soldaten an der Grenze.",
                  "The army has 3,000 soldiers at the border.",
                  shares({FORWARD: "The army has 30,000 soldiers at the border.",
                          BACK: "Die Armee hat 3.000 Soldaten an der Grenze."}, {FORWARD: 80.2}),
                  {"numbers_mismatch": 1.0}, 0.91, True, "critical",
                  [Reason("numbers", "3,000 in the translation, 30,000 in every rendering", (13, 18)),
                   Reason("chrf", "closest rendering has chrF++ 80.2")]),
        Judgement(2, [2], [2], "Er bluffe nicht, sagte er.", "He said he was maybe bluffing.",
                  shares({FORWARD: "He is not bluffing, he said.", BACK: "Er sagte, er bluffe vielleicht."},
                         {FORWARD: 38.0}), {"numbers_mismatch": 0.0}, 0.62, True, "minor",
                  [Reason("chrf", "closest rendering has chrF++ 38.0")]),
        Judgement(3, [3], [], "Das sagte er nicht.", "", shares({FORWARD: "He did not say that."}), {}, 1.0, True,
                  "major", [Reason("omission", "this original sentence has no counterpart in the translation")]),
        Judgement(4, [], [3], "", "This sentence was added by the translator.",
                  shares({BACK: "Dieser Satz wurde hinzugefügt."}), {}, 1.0, True, "major",
                  [Reason("addition", "this translated sentence has no counterpart in the original", (0, 42))]),
        Judgement(5, [4], [4], "Minsk schweigt.", "Minsk is silent.", shares({FORWARD: "Minsk is silent."},
                  {FORWARD: 100.0}), {"numbers_mismatch": 0.0}, 0.0, False, "none", []),
    ]
    original = {"path": "article.de.txt", "lang": "de", "sentences": 5}
    return Run(judgements, _summary(judgements, original, "aligned", [FORWARD, BACK]))


def round_trip_run() -> Run:
    long_url = "https://example.org/" + "very-long-path-segment-" * 8
    judgements = [
        Judgement(0, [], [0], "", "Is Putin's bluff exposed?",
                  shares({SPA: "It is the bluff of Putin exposed?", CAT: "It is Putinha the exposed bluff?"},
                         {SPA: 40.5, CAT: 39.1}), {"chrf_best": 40.5}, 0.59, True, "minor",
                  [Reason("chrf", "closest rendering has chrF++ 40.5")]),
        Judgement(1, [], [1], "", "Lukashenko and Putin in Sochi 2023.",
                  shares({SPA: "Lukashenko And Putin in Sochi 2023.", CAT: "Lukashenko and Putin in Sochi 2023."},
                         {SPA: 84.2, CAT: 100.0}), {"chrf_best": 100.0}, 0.0, False, "none", []),
        Judgement(2, [], [2], "", f"Read more at {long_url} about the army of Belarus and its 48,000 soldiers.",
                  shares({SPA: f"Read more in {long_url} on the army of Belarus and his 48,000 soldiers.",
                          CAT: f"Read more in {long_url} about the army of Belarus and its 48.000 soldiers."},
                         {SPA: 70.0, CAT: 90.0}), {"chrf_best": 90.0}, 0.2, False, "none", []),
    ]
    return Run(judgements, _summary(judgements, None, "round-trip", [SPA, CAT]))


ATTACK = "</script><script>window.__pwned = 1</script>"


def hostile_run() -> Run:
    name = 'round-trip:file:"><script>window.__pwned=4</script>'
    judgements = [
        Judgement(0, [], [0], "", f"{ATTACK} & \"quotes\" 'single' <b>bold</b>",
                  [BeadRendering(name, "round-trip", 'file:"><script>window.__pwned=5</script>',
                                 '<img src=x onerror="window.__pwned = 2"> & more', '"><b>label</b>', {"chrf": 10.0})],
                  {"<script>signal": 1.0}, 0.95, True, "critical",
                  [Reason('"><script>window.__pwned=3</script>', "<b>detail</b> & </li>", (0, 9),
                          "<i>technical</i> & </details>")]),
    ]
    summary = _summary(judgements, None, "round-trip", [name], path=f"{ATTACK}.txt")
    summary["signature"] = "sig <!-- --> </script> \u2028 & done"
    return Run(judgements, summary)
