"""Language codes: the toolkit speaks ISO 639-1 everywhere and maps to each engine family's codes here only."""

from __future__ import annotations

from .errors import ToolkitError

# ISO 639-1 -> (English name, ISO 639-3 as Apertium and multilingual OPUS-MT use it, FLORES-200 code for NLLB)
_LANGUAGES: dict[str, tuple[str, str, str]] = {
    "ar": ("Arabic", "ara", "arb_Arab"),
    "be": ("Belarusian", "bel", "bel_Cyrl"),
    "bg": ("Bulgarian", "bul", "bul_Cyrl"),
    "ca": ("Catalan", "cat", "cat_Latn"),
    "cs": ("Czech", "ces", "ces_Latn"),
    "da": ("Danish", "dan", "dan_Latn"),
    "de": ("German", "deu", "deu_Latn"),
    "el": ("Greek", "ell", "ell_Grek"),
    "en": ("English", "eng", "eng_Latn"),
    "es": ("Spanish", "spa", "spa_Latn"),
    "et": ("Estonian", "est", "est_Latn"),
    "fi": ("Finnish", "fin", "fin_Latn"),
    "fr": ("French", "fra", "fra_Latn"),
    "he": ("Hebrew", "heb", "heb_Hebr"),
    "hu": ("Hungarian", "hun", "hun_Latn"),
    "it": ("Italian", "ita", "ita_Latn"),
    "ja": ("Japanese", "jpn", "jpn_Jpan"),
    "ko": ("Korean", "kor", "kor_Hang"),
    "lt": ("Lithuanian", "lit", "lit_Latn"),
    "lv": ("Latvian", "lav", "lvs_Latn"),
    "nl": ("Dutch", "nld", "nld_Latn"),
    "pl": ("Polish", "pol", "pol_Latn"),
    "pt": ("Portuguese", "por", "por_Latn"),
    "ro": ("Romanian", "ron", "ron_Latn"),
    "ru": ("Russian", "rus", "rus_Cyrl"),
    "sk": ("Slovak", "slk", "slk_Latn"),
    "sv": ("Swedish", "swe", "swe_Latn"),
    "tr": ("Turkish", "tur", "tur_Latn"),
    "uk": ("Ukrainian", "ukr", "ukr_Cyrl"),
    "zh": ("Chinese", "zho", "zho_Hans"),
}
_BY_ISO3 = {iso3: code for code, (_, iso3, _) in _LANGUAGES.items()}


class Language(str):
    """A language code the toolkit knows (ISO 639-1), parsed once where text enters (CLI, Python API, JSONL
    records, engine specs): code past that edge takes a Language and never checks it again."""

    __slots__ = ()

    @classmethod
    def parse(cls, code: str) -> "Language":
        """ "EN", " en ", "eng" -> Language("en"); an unknown code is one ToolkitError naming known ones."""
        if isinstance(code, Language):
            return code
        normal = (code or "").strip().lower() if isinstance(code, str) else ""
        normal = _BY_ISO3.get(normal, normal)
        if normal not in _LANGUAGES:
            raise ToolkitError(
                f"unknown language code {code!r}: use an ISO 639-1 code such as "
                + ", ".join(sorted(_LANGUAGES)[:12])
                + ", ..."
            )
        return cls(normal)

    @property
    def english_name(self) -> str:
        return _LANGUAGES[self][0]

    @property
    def iso3(self) -> str:
        return _LANGUAGES[self][1]

    @property
    def flores(self) -> str:
        return _LANGUAGES[self][2]


def check(code: str) -> Language:
    return Language.parse(code)


def iso3(code: str) -> str:
    return Language.parse(code).iso3


def flores(code: str) -> str:
    return Language.parse(code).flores


def known() -> list[str]:
    return sorted(_LANGUAGES)


# Each MT model family writes the target language its own way: multilingual OPUS-MT (Marian) models take a
# `>>deu<<` token before the source text, NLLB-200 forces `deu_Latn` as the first output token, M2M-100 `__de__`.
def model_code(family: str, code: str) -> str:
    """The language code a model family uses for an ISO 639-1 code: marian deu, nllb deu_Latn, m2m100 de."""
    code = check(code)
    if family == "marian":
        return iso3(code)
    if family == "nllb":
        return flores(code)
    if family == "m2m100":
        return code
    raise ValueError(f"unknown model family {family!r}")


def language_token(family: str, code: str) -> str:
    """The token that selects the target language: >>deu<<, deu_Latn or __de__."""
    family_code = model_code(family, code)
    return {"marian": f">>{family_code}<<", "nllb": family_code, "m2m100": f"__{family_code}__"}[family]


def from_model_code(family: str, family_code: str) -> str | None:
    """The ISO 639-1 code for a family's code (deu, deu_Latn, de), or None when the toolkit does not know it."""
    for code in _LANGUAGES:
        if model_code(family, code) == family_code:
            return code
    if family == "marian" and family_code in _BY_ISO3:
        return _BY_ISO3[family_code]
    return None
