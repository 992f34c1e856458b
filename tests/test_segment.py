from toolkit.segment import read_document, segment_text

from conftest import SEED


def sentences(text, lang):
    return [s.text for s in segment_text(text, lang).segments]


def test_german_abbreviations_ordinals_and_quotes():
    text = "Das ist z. B. ein Test von Dr. Müller. Am 3. Oktober kam er. »Ist das so?« fragte sie. „Ja.“ Er ging."
    assert sentences(text, "de") == [
        "Das ist z. B. ein Test von Dr. Müller.",
        "Am 3. Oktober kam er.",
        "»Ist das so?« fragte sie.",
        "„Ja.“",
        "Er ging.",
    ]


def test_english_abbreviations_and_dotted_names():
    text = "He met Dr. Smith at approx. 5 p.m. on Oct. 3. Then he told IPPEN.MEDIA: «no»."
    assert sentences(text, "en") == ["He met Dr. Smith at approx. 5 p.m. on Oct. 3.", "Then he told IPPEN.MEDIA: «no»."]


def test_headline_without_final_stop_is_its_own_sentence():
    text = "Ukraine war: Lukashenko fears for his regime\nHe said so. She did not."
    doc = segment_text(text, "en")
    assert [s.text for s in doc.segments] == ["Ukraine war: Lukashenko fears for his regime", "He said so.",
                                              "She did not."]
    assert [s.paragraph for s in doc.segments] == [0, 1, 1]


def test_offsets_point_into_the_cleaned_text():
    doc = read_document(SEED, "en")
    for segment in doc.segments:
        assert doc.text[segment.start:segment.end] == segment.text


def test_seed_cleaning_removes_scraping_debris():
    raw = SEED.read_text(encoding="utf-8")
    assert "top of page" in raw and "Source:" in raw  # the corpus file is kept as published
    doc = read_document(SEED, "en")
    texts = [s.text for s in doc.segments]
    assert texts[:3] == ["Is Putin's bluff exposed?", "Lukashenko and Putin in Sochi 2023.",
                         "Lukashenko reveals explosive details about the army"]
    joined = "\n".join(texts)
    assert "top of page" not in joined and "bottom of page" not in joined and "Source:" not in joined
    assert texts[-1].startswith("MEDIA") is False
    assert len(texts) == 32
