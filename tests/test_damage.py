"""The damage checks: each kind found where it is and not where it is not; the seed's hand-listed damage; the
judge flags a bead with a finding, with a severity fixed by its kind."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from toolkit import damage
from training import inject
from toolkit.damage.base import SEVERITY, Sentence
from toolkit.judge import Layout, judge
from toolkit.segment import segment_text
from toolkit.signals import BeadTexts
from english_parser import needs_parser

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpora" / "belarus-army" / "translation.en.txt"
SEED_DAMAGE = ROOT / "tests" / "fixtures" / "seed_damage.json"



def kinds(texts, paragraphs=None):
    return [sorted({f.kind for f in found}) for found in damage.check_texts(texts, paragraphs).by_sentence]


@needs_parser
@pytest.mark.parametrize("text, kind", [
    ("This is what Pavel Latushka told IPPEN.MEDIA's Furthermore, according to him, Russia has few troops.",
     "lost_text"),
    ("He said so in an interview with IPPEN.MEDIA's \"We are fighting for our state.\"", "lost_text"),
    ("The minister said that the However, the parliament voted on the budget.", "lost_text"),
    # a new sentence run in after a function word ("for I"), a bracket, a number or a closing quotation mark
    ("The council wants to discuss the plan on Tuesday for I think the costs are far too high.", "lost_text"),
    ("The singer Anna Berg (54) He began his career in a small club in Hamburg.", "lost_text"),
    ("The match was stopped after 9:30 This was the moment the crowd went silent.", "lost_text"),
    ("We want to \u201cstay calm and keep going\u201d Next on the list is the game against Bremen.", "lost_text"),
    # a number's first word is capitalised only where a sentence starts (spaCy calls it CARDINAL, not a name)
    ("Officials say the storm hit the town at night About 300 people had to leave their homes.", "lost_text"),
    # an ordinary word capitalised alone, opening a clause of its own
    ("Heavy rain now threatened the coast and more than 100 Images from the area look like a war zone.",
     "lost_text"),
    # quoted speech runs together as any other text does
    ("\u201cWith this bike one must for example But I really had great fun with it,\u201d she said.", "lost_text"),
    ("Thanks for the help, I can't I don't know what I would have done without you.", "lost_text"),
    ("\u201cMonaco is a good test for us considering Like all people from Frankfurt, I look forward to it,\u201d "
     "said the coach.", "lost_text"),
    ("The council will also vote on the city's Also on the agenda is the new parking plan.", "lost_text"),
    ("The association demands consequences for Purchase with masks and distance is the safest option.",
     "lost_text"),
    ("The rocket company did not Laura Shepard thinks back to the short flight with her father.", "lost_text"),
    ("The army is under attack (from the Minsk regime, ed.).", "editorial_note"),
    ("The army is under attack (Anm. d. Red.).", "editorial_note"),
    ("He called it \u201ea disaster\u201c and left.", "quotes"),
    ("He called it \u00bba disaster\u00ab and left.", "quotes"),
    ("The plan was approved by the government und die Kosten steigen weiter.", "left_untranslated"),
])
def test_each_kind_is_found_in_a_damaged_sentence(text, kind):
    assert kind in kinds([text])[0]


@needs_parser
@pytest.mark.parametrize("text", [
    "Furthermore, according to his information, Russia has hardly any troops stationed in the country.",
    "With VOX's \"Tone Room\" software, you can shape the sound.",
    "\"We are fighting for our state,\" Latushka said.",
    "The A 45 was closed near Siegen on Monday.",
    "He visited Der Spiegel in Hamburg yesterday.",
    "Not because he loves Ukraine, but because he fears the army.",
    "Deputy Foreign Minister Arkadiusz Mularczyk told Bild that the situation was unstable.",
    # capitals that are names, titles and dates, not a new sentence
    "The storm reached the Canary Islands on Saturday and damaged several houses.",
    "Protestants rejected middlemen between God and man.",
    "This is not an exception according to Section 312 of the civil code.",
    "These tires are just like the Marathon Plus tires, but wider.",
    "Middle of May Dr. Anna Berg learned that she would be the notary's successor.",
    "He came home because I asked him to, and that is all I wanted.",
    "The band's album \u201cThe End Of The Road\u201d sold more than a million copies.",
    # names and titles after a noun or an adjective, a compound, a question, a table, an emoticon, a "vs"
    "The five-time Olympic champion has now won 14 World Cup titles.",
    "In response, former Kremlin leader Dmitry Medvedev promised thousands of new tanks.",
    "\"I'm sad, because I was not able to bring my A-game,\" the Italian told reporters.",
    "A new battery has been ordered, but why can't I just use the laptop with the cable?",
    "When I bought it I didn't notice that it is only a code for the game.",
    "What do I still use my console for :P There was a small adapter for the tablet.",
    "LED value: 00 0010 If the device stops with this display, a mistake was detected.",
    "It was a poignant television drama, Mr Bates Vs The Post Office, in an election year.",
    # a name opening a clause after a noun, a verb, a preposition or "and then" is good English
    "The man Merkel appointed last year resigned on Monday.",
    "He believes Merkel will win the vote, and then Merkel will form a government.",
    "Initial inquiries indicate that a youth from Munich pushed a man to the floor.",
])
def test_clean_sentences_have_no_finding(text):
    assert kinds([text]) == [[]]


def test_an_editorial_note_is_found_without_spacy():
    found = damage.check([Sentence("The army is under attack (from the Minsk regime, ed.).", 0)])
    assert [f.kind for f in found.all()] == ["editorial_note"]
    assert "fragment" in found.unavailable and "needs spaCy" in found.unavailable["fragment"]


def test_a_quotation_left_open_at_the_paragraph_end_unless_the_next_paragraph_reopens_it():
    texts = ["He continues: \"Not because he loves Ukraine.", "These data are available to us.", "Next."]
    assert kinds(texts, [0, 0, 1])[0] == ["quotes"]
    continued = ["He continues: \"Not because he loves Ukraine.", "\"These data are available to us.\""]
    assert kinds(continued, [0, 1]) == [[], []]


@needs_parser
def test_a_subordinate_clause_alone_is_a_fragment_but_not_inside_a_quotation():
    texts = ["Is a threat scenario thus becoming obsolete?",
             "Even if Moscow strongman Vladimir Putin and his circle have repeatedly hinted at this since 2022?"]
    assert kinds(texts, [0, 0]) == [[], ["fragment"]]
    quoted = ["He said: \"Not this time.", "Because the army would oppose him and the regime could fall.\""]
    assert kinds(quoted, [0, 0]) == [[], []]


def test_a_repeated_sentence_is_reported_at_its_repetition():
    first = "Lukashenko fears that at least part of the army would oppose him and that the regime could fall."
    texts = [first, "Something else happened today in Minsk.", "But only because he fears that at least part of "
             "the army would oppose him and that the regime could fall."]
    found = damage.check([Sentence(t, k) for k, t in enumerate(texts)])
    assert [(f.sentence, f.kind) for f in found.all()] == [(0, "repeated")]


@needs_parser
def test_one_quotation_given_to_two_people_is_an_attribution_error():
    quote = "\"We are fighting for the existence of our state and our nation,\""
    texts = [f"{quote} said Pavel Latushka.", "The talks went on.", f"{quote} said Alexander Lukashenko.",
             f"{quote} Latushka added."]
    found = damage.check_texts(texts, [0, 1, 2, 3])
    assert [f.kind for f in found.by_sentence[2] if f.kind == "attribution"] == ["attribution"]
    assert not [f for f in found.by_sentence[3] if f.kind == "attribution"]  # the same person, by surname


@needs_parser
def test_the_seed_article_hand_listed_damage_is_caught_and_nothing_else():
    document = segment_text(SEED.read_text(encoding="utf-8"), "en")
    listed = {item["sentence"]: set(item["kinds"]) for item in
              json.loads(SEED_DAMAGE.read_text(encoding="utf-8"))["damage"]}
    assert set(listed) <= set(document.sentences)  # the list names sentences as compare segments them
    found = damage.check_texts(document.sentences, [s.paragraph for s in document.segments])
    caught = {document.sentences[k] for k, fs in enumerate(found.by_sentence) if {f.kind for f in fs} &
              listed.get(document.sentences[k], set())}
    others = [document.sentences[k] for k, fs in enumerate(found.by_sentence) if fs and
              document.sentences[k] not in listed]
    assert caught == set(listed)
    assert len(others) <= 2, others


@needs_parser
def test_the_judge_flags_a_bead_with_a_finding_first_and_with_its_kinds_severity():
    texts = ["The talks went on in Minsk.", "The army is under attack (from the Minsk regime, ed.).",
             "This is what Latushka told IPPEN.MEDIA's Furthermore, Russia has few troops there."]
    beads = [BeadTexts(t, {"r": t}, lang="en") for t in texts]
    layout = Layout(texts, [0, 0, 1], [(0,), (1,), (2,)])
    judged = judge(beads, layout=layout)
    assert [j.verdict.flag for j in judged] == [False, True, True]
    note, lost = judged[1].verdict, judged[2].verdict
    assert note.reasons[0].signal == "editorial_note" and note.severity == SEVERITY["editorial_note"] == "minor"
    assert texts[1][slice(*note.reasons[0].translation_span)] == "(from the Minsk regime, ed.)"
    assert lost.reasons[0].signal == "lost_text" and lost.severity == "major"
    assert "breaks off after" in lost.reasons[0].detail and "IPPEN.MEDIA's" in lost.reasons[0].detail
    unchecked = judge(beads, layout=layout, checks=False)
    assert [j.verdict.flag for j in unchecked] == [False, False, False]


@needs_parser
def test_a_bead_of_two_sentences_gets_the_span_in_its_own_text():
    texts = ["The talks went on.", "The army is under attack (from the regime, ed.)."]
    bead = BeadTexts(" ".join(texts), {"r": " ".join(texts)}, lang="en")
    [judged] = judge([bead], layout=Layout(texts, [0, 0], [(0, 1)]))
    assert bead.translation[slice(*judged.verdict.reasons[0].translation_span)] == "(from the regime, ed.)"


@needs_parser
@pytest.mark.parametrize("kind", sorted(inject.INJECTORS))
def test_every_injector_damages_a_clean_document_in_a_way_its_check_can_see(kind):
    clean = ["The minister said on Monday that the new budget would be presented to parliament next week.",
             "\"We will not raise taxes this year, whatever the opposition demands,\" said Olaf Scholz in Berlin.",
             "Because the economy is growing again, the government expects higher revenue in the coming years.",
             "The opposition criticised the plan as too cautious and demanded more investment in schools.",
             "Analysts expect the debate to last several weeks before a final vote takes place in the autumn.",
             "The finance committee will meet again on Thursday to discuss the details of the proposal."]
    sentences, _ = damage.parsed(clean, [0, 0, 1, 1, 2, 2])
    german = "Die Regierung erwartet in den kommenden Jahren höhere Einnahmen, weil die Wirtschaft wieder wächst."
    pieces = [inject.Piece(s.text, s.paragraph, s.doc, german if k == 2 else "") for k, s in enumerate(sentences)]
    assert not damage.check(sentences).all()
    rng = random.Random(3)
    extra = {"others": ["Friedrich Merz"]} if kind == "attribution" else {}
    made = next(m for k in range(len(pieces)) if (m := inject.INJECTORS[kind](pieces, k, rng, **extra)))
    damaged, at = made
    parsed, _ = damage.parsed([s.text for s in damaged], [s.paragraph for s in damaged])
    assert kind in {f.kind for f in damage.check(parsed).by_sentence[at]}


@needs_parser
@pytest.mark.parametrize("texts, flagged", [
    # the subordinate clause goes on after "and"/"or", or has a complement: still no main clause
    (["People often keep their old habits.", "Even if it was small and resembled a hut."], True),
    (["Trust the police.", "Because in doubt they will save your life or go out on a limb for you."], True),
    (["He is no antisemite.", "Just because he says he is not."], True),
    # a main clause after a comma, or a remark in brackets beside a whole sentence
    (["The paint needs a day.", "After it has dried, begin with the second coat."], False),
    (["The shop sells pumps.", "If you want an air curtain (check our shop), buy the larger pump."], False),
    # verbless lines that are whole as they are: a ticker line, a greeting, a headline with its verb as a noun
    (["The figures came on Sunday.", "22 new Corona virus infections in Lower Austria and Vienna."], False),
    (["We thank our readers.", "First of all, happy Christmas to all of you and your families!"], False),
    (["We compared the offers.", "Which cell phone contract out of the many offers on the market?"], False),
    (["The gala was full.", "In love mode: the Minister of Health Klaus Holetschek with his wife Birgit."], False),
    (["It rang twice.", "My cell phone rings with an unknown number from abroad."], False),
    (["Start the setup.", "Insert the installation DVD into the DVD drive of your computer."], False),
    (["The trains are late.", "But what if travelers still haven't reached their destination by then?"], False),
    (["The race ended in Sibiu.", "Ackermann sprints to victory on the final leg of the tour."], False),
])
def test_fragments_are_sentences_without_a_main_clause(texts, flagged):
    assert ("fragment" in kinds(texts, [0, 0])[1]) == flagged


@needs_parser
def test_the_injectors_leave_out_what_no_reader_could_see_as_damage():
    def pieces(texts):
        sentences, _ = damage.parsed(texts, [0] * len(texts))
        return [inject.Piece(s.text, s.paragraph, s.doc) for s in sentences]

    # the cut falls after "and" (a six-word sentence leaves one place to cut): "... you and I hope ..." is whole
    assert inject.lost_text(pieces(["We thank you and greet everyone.", "I hope that the plan works."]), 0,
                            random.Random(1)) is None
    damaged, _ = inject.lost_text(pieces(["We thank you and greet everyone.", "He hopes that the plan works."]), 0,
                                  random.Random(1))
    assert damaged[0].text == "We thank you and He hopes that the plan works."
    # "So you can connect it ..." is a whole English sentence, "Because you want to connect it ..." is not
    so = pieces(["It has a sleeve for mounting so you can connect it directly to your tripod."])
    assert [t.lower_ for t in so[0].doc if t.dep_ == "mark"] == ["so"]
    assert inject.fragment(so, 0, random.Random(1)) is None
    because = pieces(["It has a sleeve for mounting because you want to connect it directly to your tripod."])
    assert inject.fragment(because, 0, random.Random(1))[0][0].text.startswith("Because you want")


def test_the_benchmark_puts_back_only_an_opening_mark_the_data_lost_in_both_languages():
    import runpy

    bench = runpy.run_path(str(ROOT / "eval" / "benchmarks" / "damage.py"), run_name="damage_benchmark")
    restored = bench["_restored"]
    english_line = "That was a bad game that we need to forget,\u201d said the captain."
    german_line = "Das war ein schlechtes Spiel, das wir vergessen m\u00fcssen\", sagte die Kapit\u00e4nin."
    assert restored(english_line, german_line, False) == "\u201c" + english_line
    # a quotation an earlier line of the paragraph opened, or a German line that opens its own: left as it is
    assert restored(english_line, german_line, True) == english_line
    assert restored(english_line, "\"Das war ein schlechtes Spiel\", sagte sie.", False) == english_line
    assert bench["_still_open"]("He said: \u201cWe will win.", False)
    assert not bench["_still_open"]("We will win,\u201d he said.", True)
