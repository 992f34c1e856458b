"""The optional checkers: coverage of the original through a German-English dictionary, and broken grammar
through an English parser. Both are tested with small stand-ins (a Ding-format file, a fake link-parser) so the
suite needs neither Debian package; the real parser is exercised too where it is installed."""
import shutil
import sys
import textwrap

import pytest

from toolkit.signals import BeadTexts, Resources, coverage, dictionary, grammar, measure_one

DING = textwrap.dedent("""\
    # Version :: test
    Minister {m} | Minister {pl} :: minister | ministers
    Truppe {f} | Truppen {pl} :: troop; unit | troops; units
    Grenze {f} | Grenzen {pl} :: border; frontier | borders
    sagen {vt} | sagend | gesagt | ich/er/sie sagte :: to say | saying | said | I/he/she said
    schicken; senden {vt} | schickend | geschickt :: to send | sending | sent
    mehr {adv} :: more
    Dienstag {m} :: Tuesday
    Inhaber {m} :: owner; proprietor
    Saison {f} | Saisons {pl} | Nach der Saison hörte er auf. :: season | seasons | Nach der Saison hörte er auf.
    Film {m} /F./ | Filme {pl} :: film; movie | films; movies
    Montag {m} /Mo/ :: Monday /Mon/
    Mai {m} :: May
    etw. abholen {vt} :: to collect sth.
    """)
ORIGINAL = "Der Minister sagte am Dienstag, man werde mehr Truppen an die Grenze schicken."
REFERENCE = "The minister said on Tuesday that they would send more troops to the border."


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def lexicon(tmp_path):
    path = tmp_path / "de-en"
    path.write_text(DING, encoding="utf-8")
    return dictionary.Dictionary.load(path)


def test_the_parsed_dictionary_is_cached_and_a_damaged_or_cut_cache_is_reparsed(lexicon, tmp_path):
    cached = dictionary._cache_file(tmp_path / "de-en")
    whole = cached.read_text(encoding="utf-8")
    assert "truppen" in whole
    assert dictionary.Dictionary.load(tmp_path / "de-en").entries == lexicon.entries
    with open(tmp_path / "de-en", encoding="utf-8") as handle:
        fresh, english = dictionary.parse(handle)
    assert {w: frozenset(s) for w, s in lexicon.entries.items()} == fresh and lexicon.english == english
    for damaged in ("{not json", whole[: len(whole) // 2], whole.replace("#end", "#end 1"), b"\xff\xfe"):
        if isinstance(damaged, bytes):
            cached.write_bytes(damaged)
        else:
            cached.write_text(damaged, encoding="utf-8")
        assert dictionary.Dictionary.load(tmp_path / "de-en").entries == lexicon.entries
        assert cached.read_text(encoding="utf-8") == whole  # parsed again and stored whole


def test_a_whole_cache_is_read_without_parsing_the_dictionary_again(lexicon, tmp_path, monkeypatch):
    def no_parse(lines):
        raise AssertionError("the dictionary was parsed again")

    monkeypatch.setattr(dictionary, "parse", no_parse)
    again = dictionary.Dictionary.load(tmp_path / "de-en")
    assert again.entries == lexicon.entries and again.english == lexicon.english


def test_entries_share_their_stems_and_sets(lexicon):
    # synonyms of one sub-entry ("schicken; senden") map to one set of stems, stored once
    assert lexicon.entries["schicken"] is lexicon.entries["senden"]
    assert lexicon.entry("senden") == {"send"}
    stems = [s for found in lexicon.entries.values() for s in found]
    assert len({id(s) for s in stems}) == len(set(stems))  # each stem one string object


def test_ding_lines_map_one_word_synonyms_to_english_stems(lexicon):
    assert lexicon.entry("truppen") == {"troop", "units"}  # the plural sub-entry
    assert lexicon.entry("abholen") == {"colle"}  # "etw." and "to ... sth." are fillers
    assert "said" in lexicon.entry("sagte")  # "ich/er/sie sagte": German pronouns are fillers


def test_inflected_and_compound_german_words_find_their_entry(lexicon):
    assert "borde" in lexicon.translations("grenzen")
    assert "owner" in lexicon.translations("grossmarktinhaber")  # the compound's head
    assert lexicon.translations("merkel") == {"merke"}  # a name translates to itself
    assert lexicon.translations("x" * 10_000) == {"xxxxx"}  # not split: every cut would be a lookup


def test_a_dropped_noun_is_a_dropped_word_of_the_original(lexicon):
    translation = "The minister said on Tuesday that they would send more to the border."
    values, reasons = coverage.coverage_signals(translation, {"reference": REFERENCE}, ORIGINAL, "de", "en",
                                                lexicon)
    # anchored: Minister, sagte, Dienstag, mehr, Truppen, Grenze, schicken; Truppen is dropped
    assert values["source_dropped"] == pytest.approx(1 / 7, abs=1e-4)
    assert any('"Truppen"' in r.detail for r in reasons if r.signal == "source")
    same, _ = coverage.coverage_signals(REFERENCE, {"reference": REFERENCE}, ORIGINAL, "de", "en", lexicon)
    assert same["source_dropped"] == 0.0


def test_a_rewording_the_dictionary_knows_is_not_a_dropped_word(lexicon):
    translation = "On Tuesday the minister said they would send more units to the frontier."
    values, _ = coverage.coverage_signals(translation, {"reference": REFERENCE}, ORIGINAL, "de", "en", lexicon)
    assert values["source_dropped"] == 0.0


def test_an_added_word_is_unanchored_with_its_span(lexicon):
    translation = "The minister said on Tuesday that they would send more armoured troops to the border."
    values, reasons = coverage.coverage_signals(translation, {"reference": REFERENCE}, ORIGINAL, "de", "en",
                                                lexicon)
    assert values["source_unanchored"] > 0
    spans = [translation[a:b] for r in reasons if r.signal == "source" and r.translation_span
             for a, b in [r.translation_span]]
    assert spans == ["armoured"]


def test_a_german_word_left_where_the_renderings_translate_it_is_copied(lexicon):
    original = "Die Saison endete am Montag mit einem Film."
    reference = "The season ended on Monday with a movie."
    translation = "The Saison ended on Monday with a film."
    values, reasons = coverage.coverage_signals(translation, {"reference": reference}, original, "de", "en", lexicon)
    assert values["source_copied"] == 1.0  # Saison; "film" is English too
    assert "film" in lexicon.english and "saison" not in lexicon.english  # not from a sentence left untranslated
    assert [translation[a:b] for r in reasons if "left untranslated" in r.detail
            for a, b in [r.translation_span]] == ["Saison"]
    fine, _ = coverage.coverage_signals(reference, {"reference": reference}, original, "de", "en", lexicon)
    assert fine["source_copied"] == 0.0


def test_abbreviations_and_function_word_translations_are_kept(lexicon):
    assert "monda" in lexicon.translations("montag")  # "Montag {m} /Mo/" is one word, not two
    assert "may" in lexicon.translations("mai")  # "May" is all there is, though a stopword


def test_coverage_is_absent_for_other_language_pairs(lexicon):
    assert coverage.coverage_signals(REFERENCE, {"r": REFERENCE}, ORIGINAL, "fr", "en", lexicon) == ({}, [])
    assert coverage.coverage_signals(REFERENCE, {"r": REFERENCE}, "", "de", "en", lexicon) == ({}, [])
    assert coverage.coverage_signals(REFERENCE, {"r": REFERENCE}, ORIGINAL, "de", "en", None) == ({}, [])


def test_a_missing_empty_or_binary_dictionary_is_unavailable_with_the_fix(tmp_path):
    with pytest.raises(dictionary.Unavailable, match="make checkers"):
        dictionary.Dictionary.load(tmp_path / "nowhere")
    (tmp_path / "empty").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(dictionary.Unavailable, match="no German-English entries"):
        dictionary.Dictionary.load(tmp_path / "empty")
    (tmp_path / "binary").write_bytes(b"\xff\xfe\x00\x81" * 100)
    with pytest.raises(dictionary.Unavailable, match="not UTF-8"):
        dictionary.Dictionary.load(tmp_path / "binary")


def test_the_status_says_whether_the_dictionary_is_installed_without_loading_it(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_DICTIONARY", str(tmp_path / "de-en"))
    dictionary.default.cache_clear()
    assert dictionary.available() == (False, f"no German-English dictionary at {tmp_path / 'de-en'}")
    (tmp_path / "de-en").write_text(DING, encoding="utf-8")
    assert dictionary.available() == (True, "de-en")
    assert dictionary.default.cache_info().currsize == 0  # a run without a German original never loads it
    dictionary.default.cache_clear()


FAKE_PARSER = textwrap.dedent("""\
    import os, sys
    # link-parser's cost line for every input line; "zz" words stay unlinked; a "LOSE" line gets no parse, a
    # "DIE" line ends the process; a "PANIC" line enters panic mode, after which every line of the process gets
    # one unlinked word more (as the real parser's panic settings linger); the echo of the sentinel command;
    # each start is logged, one line a start
    with open(os.environ["FAKE_PARSER_STARTS"], "a") as log:
        log.write("start\\n")
    extra = 0
    for line in sys.stdin:
        if line.startswith("!limit="):
            print("limit set to " + line.strip().split("=")[1], flush=True)
        elif "DIE" in line:
            sys.exit(3)
        elif "LOSE" not in line:
            if "PANIC" in line:
                print("Timer is expired!")
                print('Entering "panic" mode...')
            print("Found 1 linkage")
            print(f"\\tUnique linkage, cost vector = (UNUSED={line.split().count('zz') + extra} DIS= 0.00 LEN=3)")
            extra += "PANIC" in line
            print("(S " + " ".join("{zz.n}" if w == "zz" else w for w in line.split()) + ")", flush=True)
    """)


@pytest.fixture
def fake_parser(tmp_path, monkeypatch):
    script = tmp_path / "fake.py"
    script.write_text(FAKE_PARSER, encoding="utf-8")
    monkeypatch.setenv("FAKE_PARSER_STARTS", str(tmp_path / "starts.log"))
    command = tmp_path / "link-parser"
    command.write_text(f"#!/bin/sh\nexec {sys.executable} {script} \"$@\"\n", encoding="utf-8")
    command.chmod(0o755)
    parser = grammar.Parser(str(command), processes=2)  # two, whatever this machine's CPUs or OMP_NUM_THREADS
    yield parser
    parser.close()


def _starts(tmp_path) -> int:
    log = tmp_path / "starts.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_unlinked_words_beyond_the_renderings_are_counted(fake_parser):
    values, reasons = grammar.grammar_signals(fake_parser, "The zz said zz .", {"a": "The man said .",
                                              "b": "The zz man said ."}, "en")
    assert values == {"grammar_unlinked": 1.5}
    assert [r.translation_span for r in reasons] == [(4, 6), (12, 14)]  # both "zz", where they stand
    assert reasons[0].detail.startswith('"zz" does not fit into the sentence')  # plain words for a reader
    assert "2 such words here, 0.5 in the renderings" in reasons[0].technical  # the counts for a specialist
    fewer, _ = grammar.grammar_signals(fake_parser, "The man said .", {"a": "The zz man said ."}, "en")
    assert fewer == {"grammar_unlinked": 0.0}
    assert grammar.grammar_signals(fake_parser, "Der zz.", {"a": "Der Mann."}, "de") == ({}, [])


def test_a_line_the_parser_says_nothing_about_gets_no_count_and_keeps_its_neighbours_in_step(fake_parser):
    fake_parser.add(["one zz", "LOSE zz zz", "three"])
    assert fake_parser.unlinked("one zz") == 1
    assert fake_parser.unlinked("three") == 0
    assert fake_parser.unlinked("LOSE zz zz") is None


def test_parser_processes_live_across_batches_and_one_that_dies_is_replaced(fake_parser, tmp_path):
    fake_parser.add(["one zz", "two"])
    fake_parser.add(["three zz zz", "four"])
    # the dictionary is loaded once per process, not once per batch
    assert 1 <= _starts(tmp_path) <= fake_parser.processes
    before = _starts(tmp_path)
    fake_parser.processes = 1  # one chunk, one process: the death and the replacement in one place
    fake_parser.add(["five zz", "DIE now", "six zz zz", "seven"])
    assert [fake_parser.unlinked(t) for t in ("five zz", "DIE now", "six zz zz", "seven")] == [1, None, 2, 0]
    assert _starts(tmp_path) > before  # the lines after the one it died on went to a new process


def test_a_process_that_panicked_takes_no_more_sentences(fake_parser, tmp_path):
    fake_parser.processes = 1
    texts = ["one zz", "PANIC zz zz", "three zz", "four"]
    fake_parser.add(texts)
    # the panicked line keeps its own count; the lines after it are parsed by a fresh process, as if alone
    assert [fake_parser.unlinked(t) for t in texts] == [1, 2, 1, 0]
    assert _starts(tmp_path) == 2


def test_commands_and_overlong_lines_never_reach_the_parser(fake_parser):
    assert grammar._parsable("!exit") == "exit"
    assert grammar._parsable("...") is None
    assert grammar._parsable("word " * (grammar.MAX_WORDS + 1)) is None
    assert grammar._parsable("x" * (grammar.MAX_CHARS + 1)) is None
    assert fake_parser.unlinked("word " * (grammar.MAX_WORDS + 1)) is None


def test_a_parser_that_fails_mid_run_leaves_its_sentences_unmeasured(fake_parser, tmp_path, monkeypatch):
    fake_parser.command = str(tmp_path / "vanished")
    assert fake_parser.unlinked("The man said .") is None
    assert grammar.grammar_signals(fake_parser, "The man said .", {"a": "The man said ."}, "en") == ({}, [])
    started = []
    monkeypatch.setattr(grammar, "_Process", lambda command: started.append(command))
    fake_parser.add([f"sentence {n} zz" for n in range(20)])
    assert started == []  # a vanished parser is not started again for every line
    assert fake_parser.unlinked("sentence 7 zz") is None


def test_a_parser_that_cannot_start_is_not_started_again_for_every_line(tmp_path):
    # installed but broken (e.g. its English dictionary missing): every start exits at once
    log = tmp_path / "starts.log"
    command = tmp_path / "link-parser"
    command.write_text(f"#!/bin/sh\necho start >> {log}\nexit 1\n", encoding="utf-8")
    command.chmod(0o755)
    parser = grammar.Parser(str(command), processes=1)
    texts = [f"sentence {n}" for n in range(20)]
    parser.add(texts)
    assert all(parser.unlinked(t) is None for t in texts)
    assert len(log.read_text().splitlines()) == 2  # the second start that parsed nothing ends the tries
    with pytest.raises(ValueError, match="at least one process"):
        grammar.Parser(str(command), processes=0)


def test_no_parser_is_unavailable_with_the_fix(tmp_path):
    with pytest.raises(grammar.Unavailable, match="make checkers"):
        grammar.Parser(str(tmp_path / "no-such-parser"))


@pytest.mark.skipif(shutil.which("link-parser") is None, reason="link-grammar is not installed (make checkers)")
def test_the_real_parser_sees_a_dropped_subject():
    parser = grammar.Parser()
    broken = parser.unlinked("The said on Tuesday that it would review the new plan.")
    whole = parser.unlinked("The minister said on Tuesday that it would review the new plan.")
    assert broken > whole == 0


def test_compute_leaves_the_optional_signals_out_for_a_french_original():
    values = measure_one(REFERENCE, {"reference": REFERENCE}, "Le ministre a dit mardi.", lang="en",
                         original_lang="fr", resources=Resources(embedder=None)).values
    assert "source_dropped" not in values and "source_unanchored" not in values


def test_renderings_are_parsed_only_for_translations_that_leave_a_word_unlinked(fake_parser):
    whole = BeadTexts("The man said .", {"a": "The zz man said .", "b": "A man said ."}, lang="en")
    broken = BeadTexts("The zz said .", {"a": "The man spoke .", "b": "A man said ."}, lang="en")
    grammar.prepare([whole, broken], Resources(embedder=None, parser=fake_parser))
    fake_parser.wait()  # prepare parses on a thread
    parsed = set(fake_parser._parsed)
    assert {"The man said .", "The zz said .", "The man spoke .", "A man said ."} <= parsed
    assert "The zz man said ." not in parsed  # a fully linked translation: its renderings cannot matter
    # the signal is what parsing everything gives: 0 for the whole one, 1 beyond the renderings for the broken one
    assert grammar.measure(whole, Resources(parser=fake_parser)).values == {"grammar_unlinked": 0.0}
    assert grammar.measure(broken, Resources(parser=fake_parser)).values == {"grammar_unlinked": 1.0}
    assert "The zz man said ." not in fake_parser._parsed


def test_a_fully_linked_translation_with_no_parsable_rendering_is_not_measured(fake_parser):
    assert grammar.grammar_signals(fake_parser, "The man said .", {"a": "..."}, "en") == ({}, [])


def test_parser_processes_are_held_to_the_threads_the_process_is_allowed(monkeypatch):
    monkeypatch.setattr(grammar.os, "cpu_count", lambda: 8)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert grammar.workers() == grammar.WORKERS
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # a batch worker of one thread
    assert grammar.workers() == 1
    for allowed in (" 1 ", "1,1"):  # as OpenMP reads them: one thread
        monkeypatch.setenv("OMP_NUM_THREADS", allowed)
        assert grammar.workers() == 1
    for unusable in ("junk", "0", "\u00b2"):
        monkeypatch.setenv("OMP_NUM_THREADS", unusable)
        assert grammar.workers() == grammar.WORKERS
    monkeypatch.setenv("OMP_NUM_THREADS", "16")
    assert grammar.workers() == grammar.WORKERS  # never more than WORKERS
    monkeypatch.setattr(grammar.os, "cpu_count", lambda: 1)
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert grammar.workers() == 1


def test_many_sentences_are_shared_among_parser_processes_in_order(fake_parser, monkeypatch):
    monkeypatch.setattr(grammar, "CHUNK", 3)
    texts = [f"line {k} " + "zz " * (k % 4) for k in range(20)]
    fake_parser.add(texts)
    assert [fake_parser.unlinked(t) for t in texts] == [k % 4 for k in range(20)]


def test_a_parser_that_breaks_on_its_thread_says_so_in_the_callers(fake_parser):
    def broken():
        raise RuntimeError("parser thread broke")

    fake_parser.in_background(broken)
    with pytest.raises(RuntimeError, match="parser thread broke"):
        fake_parser.parse("The man said .")
    assert fake_parser.unlinked("The man said .") == 0  # the parser goes on working after
