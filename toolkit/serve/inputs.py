"""What a request may ask for, checked before a job is queued: every refusal is a BadInput with one line.

The texts arrive in the request body (never as a path on the server); they are written into the job's own folder
and read back by the same `read_document` the command line uses, so a pasted text and a saved web page are read,
cleaned and refused exactly as `toolkit compare` would read them. A web address is fetched only over http(s) and
never from a loopback, private, link-local or otherwise reserved address (checked again on every redirect).
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..errors import ToolkitError
from ..languages import Language

MAX_BODY_BYTES = 5 * 1024 * 1024  # a saved news page with its inline scripts fits; the text is capped below
MAX_TEXT_CHARS = 200_000  # the text that is judged, once a page is reduced to its article (about 30,000 words)
MAX_SENTENCES = 3_000
MAX_FETCH_BYTES = MAX_BODY_BYTES
FETCH_TIMEOUT_S = 15


class BadInput(Exception):
    """A request the server refuses: `status` (400 or 413) and a one-line message for the page and the API."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(" ".join(str(message).split()))  # one line, whatever the message held
        self.status = status


@dataclass
class Request:
    """The fields of POST /api/compare, checked for their types."""

    translation: Optional[str]
    lang: Language
    original: Optional[str] = None
    original_lang: Optional[Language] = None
    engines: Optional[list[str]] = None
    url: Optional[str] = None
    names: dict = field(default_factory=dict)  # how the page calls each document (an upload's file name)


def _language(value, what: str) -> Language:
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{what} is missing: give an ISO 639-1 code such as en")
    try:
        return Language.parse(value.strip())
    except ToolkitError as err:
        raise BadInput(str(err)) from None


def _text(body: dict, key: str) -> Optional[str]:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadInput(f'"{key}" must be a string of text')
    return value


def parse(body) -> Request:
    """The request's fields, or BadInput naming the first that is wrong."""
    if not isinstance(body, dict):
        raise BadInput('the body must be a JSON object: {"translation": "...", "lang": "en"}')
    translation, url = _text(body, "translation"), _text(body, "url")
    if url is not None and not url.strip():
        url = None
    if url is None and (translation is None or not translation.strip()):
        raise BadInput("the translation is empty: paste its text, upload a saved page or give its address")
    lang = _language(body.get("lang"), '"lang" (the translation\'s language)')
    original = _text(body, "original")
    if original is not None and not original.strip():
        original = None
    original_lang = None
    if body.get("original_lang") not in (None, ""):
        original_lang = _language(body.get("original_lang"), '"original_lang"')
    if original is not None and original_lang is None:
        raise BadInput("an original needs its language: pick it (original_lang, e.g. de)")
    if original is not None and original_lang == lang:
        raise BadInput(f"the original and the translation are both {lang}: pick the original's language")
    engines = body.get("engines")
    if engines is not None and (not isinstance(engines, list) or not all(isinstance(e, str) for e in engines)):
        raise BadInput('"engines" must be a list of engine specs, e.g. ["apertium:eng-spa"], or null')
    names = {}
    for key in ("translation_name", "original_name"):
        name = _text(body, key)
        if name:  # a label for the report, never a path: only its last part, printable, short
            names[key.split("_")[0]] = (
                "".join(ch for ch in name.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable())[:120] or None
            )
    return Request(
        translation, lang, original, original_lang, [e.strip() for e in engines] if engines else None, url, names
    )


# --- web addresses ---


def _refused(address: str) -> Optional[str]:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    # the most telling name first: Python counts link-local and 0.0.0.0 as private too
    for kind, test in (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("non-public", not ip.is_global),
    ):
        if test:
            return kind
    return None


def check_url(url: str, resolve=socket.getaddrinfo) -> str:
    """The address if it may be fetched: http(s), a host name that resolves only to public addresses."""
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme.lower() not in ("http", "https"):
        raise BadInput(f"only http:// and https:// addresses can be fetched, not {parsed.scheme or 'this'}:")
    host = parsed.hostname
    if not host:
        raise BadInput("the address has no host name")
    if parsed.username or parsed.password:
        raise BadInput("addresses with a user name or password are not fetched")
    try:
        port = parsed.port or (443 if parsed.scheme.lower() == "https" else 80)
        found = resolve(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError, OSError):
        raise BadInput(
            f"the host {host} could not be found (no network here, or a wrong address): save the page "
            "in a browser and upload the file"
        ) from None
    for *_, sockaddr in found:
        why = _refused(sockaddr[0])
        if why:
            raise BadInput(f"{host} is a {why} address ({sockaddr[0]}): this server fetches only public web pages")
    return url.strip()


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_url(newurl)  # a public page may not send the server to a private one
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str) -> str:
    """The page at a checked address, as text (at most MAX_FETCH_BYTES)."""
    opener = urllib.request.build_opener(_CheckedRedirects)
    request = urllib.request.Request(check_url(url), headers={"User-Agent": "toolkit-serve"})
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT_S) as response:
            data = response.read(MAX_FETCH_BYTES + 1)
            charset = response.headers.get_content_charset() or "utf-8"
    except BadInput:
        raise
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = getattr(err, "reason", None) or err
        raise BadInput(
            f"{url} could not be fetched ({reason}): save the page in a browser and upload the file"
        ) from None
    if len(data) > MAX_FETCH_BYTES:
        raise BadInput(f"the page at {url} is larger than {MAX_FETCH_BYTES // (1024 * 1024)} MiB", 413)
    return data.decode(charset, errors="replace")


# --- the documents ---


def read(folder: Path, text: str, lang: Language, what: str, name: Optional[str] = None):
    """A Document of the text as `toolkit compare` reads a file: written into the job's folder (a web page as
    .html), then read, cleaned and segmented by read_document; refused when empty, binary, too large or surely
    in another language than `lang`."""
    from ..detect import SURE, detect
    from ..reading import looks_like_html
    from ..segment import read_document

    folder.mkdir(parents=True, exist_ok=True)
    page = looks_like_html(text)
    path = folder / f"{what}.{'html' if page else 'txt'}"
    path.write_text(text, encoding="utf-8")
    if not page and len(text) > MAX_TEXT_CHARS:
        raise BadInput(
            f"the {what} has {len(text):,} characters (limit {MAX_TEXT_CHARS:,}): judge it in parts, "
            "or run toolkit compare on it",
            413,
        )
    try:
        document = read_document(path, lang, what=what)
    except ToolkitError as err:
        # the message names the file the server wrote; the person sent a text, not a file
        raise BadInput(str(err).replace(f" {path}", "").replace(str(path), what)) from None
    if len(document.text) > MAX_TEXT_CHARS:
        raise BadInput(
            f"the {what}'s article has {len(document.text):,} characters (limit {MAX_TEXT_CHARS:,}): "
            "judge it in parts, or run toolkit compare on it",
            413,
        )
    if len(document.segments) > MAX_SENTENCES:
        raise BadInput(
            f"the {what} has {len(document.segments):,} sentences (limit {MAX_SENTENCES:,}): judge it in "
            "parts, or run toolkit compare on it",
            413,
        )
    if not document.segments:
        raise BadInput(f"the {what} has no sentences to judge")
    found = detect(document.text)
    if found and found[0] != lang and found[1] >= SURE:
        seen = Language.parse(found[0])
        raise BadInput(
            f"the {what} reads as {seen.english_name} ({found[0]}, {found[1]:.0%} sure), not "
            f"{lang.english_name}: pick its language ({found[0]}) and send it again"
        )
    document.path = name or ("web page" if page else "pasted text")
    return document
