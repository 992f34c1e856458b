"""The page of `toolkit serve` in a real browser: Playwright drives Debian's headless Chromium (given by path:
nothing is downloaded) against a uvicorn on a free loopback port. It pastes the seed, presses the button, waits
for the report and finds the flagged sentences, on a laptop and at 390 px wide; bad input shows its one line.

Screenshots go to $TOOLKIT_SCREENSHOTS when set (to look at them), else to the test's temporary folder.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import SEED, _apertium_ready

pytest.importorskip("starlette", reason="toolkit serve needs the serve extra: pip install -e '.[serve]'")
pytest.importorskip("uvicorn", reason="toolkit serve needs the serve extra: pip install -e '.[serve]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="the browser test needs Playwright for Python "
                               "(pip install -e '.[serve]')")
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: `make test` installs the "
                                "Debian package chromium as root (apt-get install chromium)")

from toolkit.cli import main  # noqa: E402
from toolkit.segment import segment_text  # noqa: E402
from toolkit.serve.app import Settings, create_app  # noqa: E402
from toolkit.serve.live import Background  # noqa: E402

REPORT_TIMEOUT_MS = 300_000


def _engines(folder: Path) -> list[str] | None:
    """The CLI's defaults (Apertium round trips) where installed; else precomputed round trips of the seed with
    its numbers changed, so there is something to flag."""
    if _apertium_ready():
        return None
    lines = [f"{s}\t{s.replace('0', '1')}" for s in segment_text(SEED.read_text(encoding="utf-8"), "en").sentences]
    (folder / "seed.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [f"file:{folder / 'seed.tsv'}"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-browser")
    engines = _engines(folder)
    app = create_app(Settings(folder / "server", engines=engines, cache=str(folder / "cache.sqlite")))
    with Background(app) as server:
        yield server, folder, engines


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def _shots(tmp_path: Path) -> Path:
    where = Path(os.environ.get("TOOLKIT_SCREENSHOTS") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


def _cli_result(folder: Path, engines, capsys) -> dict:
    """`toolkit compare --format json` on the seed with the server's cache."""
    args = ["compare", str(SEED), "--lang", "en", "--out", str(folder / "cli"), "--cache", str(folder / "cache.sqlite"),
            "--format", "json", "-q"]
    for spec in engines or ["apertium:eng-spa", "apertium:eng-cat"]:
        args += ["--engine", spec]
    capsys.readouterr()
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


def _check_seed(page, url: str) -> None:
    """Paste the seed, press the button, wait for the report."""
    page.goto(url)
    page.wait_for_selector('input[name="engine"]:checked')
    page.fill("#translation", SEED.read_text(encoding="utf-8"))
    page.click("#check")
    page.wait_for_selector("#report[data-loaded]", state="attached", timeout=REPORT_TIMEOUT_MS)


def _shown_flags(page) -> list[str]:
    frame = page.frame_locator("#report")
    frame.locator("article.bead").first.wait_for()
    return frame.locator('article.bead[data-flag="1"] .translation').all_text_contents()


def test_the_seed_from_the_page_shows_the_clis_flags(served, browser, tmp_path, capsys):
    server, folder, engines = served
    cli = _cli_result(folder, engines, capsys)
    flagged = [b for b in cli["beads"] if b["flag"]]
    assert flagged, "the seed has flagged sentences"

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _check_seed(page, server.url)
    shown = _shown_flags(page)
    assert len(shown) == len(flagged)
    for bead in flagged:  # every sentence the CLI flagged is shown flagged, with its words
        assert any(bead["translation"].split()[0] in text for text in shown)
    frame = page.frame_locator("#report")
    first = frame.locator("article.bead").first
    assert first.get_attribute("data-flag") == "1"  # flagged sentences first
    for link in ("#get-beads", "#get-parquet", "#get-summary", "#open-report"):
        assert page.locator(link).get_attribute("href").startswith("/jobs/")
    beads = page.request.get(server.url + page.locator("#get-beads").get_attribute("href"))
    assert beads.ok and len(beads.text().splitlines()) == len(cli["beads"])
    page.screenshot(path=str(_shots(tmp_path) / "serve-1280.png"), full_page=False)
    page.close()


def test_the_page_at_390_px(served, browser, tmp_path):
    server, _, _ = served
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    _check_seed(page, server.url)
    shown = _shown_flags(page)
    assert shown
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide at 390"
    box = page.locator("#report").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    inner = page.frame_locator("#report").locator('article.bead[data-flag="1"]').first.bounding_box()
    assert inner["width"] > 200  # the report lays itself out for the phone, not squeezed or cut
    page.screenshot(path=str(_shots(tmp_path) / "serve-390.png"))
    context.close()


def test_bad_input_shows_its_one_line_as_text(served, browser):
    server, _, _ = served
    page = browser.new_page()
    page.goto(server.url)
    page.wait_for_selector('input[name="engine"]')
    page.click("#check")  # nothing pasted
    page.wait_for_selector("#error:not([hidden])")
    assert "the translation is empty" in page.text_content("#error")

    page.fill("#translation", "Die Armee von Belarus hat 90.000 Soldaten, sagte der Präsident am Montag.")
    page.click("#check")
    page.locator("#error", has_text="reads as German").wait_for()

    # an engine nobody offered, named with markup: refused, and the markup shown as text
    page.evaluate("""() => { const b = document.createElement('input'); b.type = 'checkbox'; b.name = 'engine';
        b.value = '<img src=x onerror=window.hit=1>'; b.checked = true; document.body.append(b); }""")
    page.fill("#translation", SEED.read_text(encoding="utf-8"))
    page.click("#check")
    page.locator("#error", has_text="unknown engine").wait_for()
    assert "<img src=x" in page.text_content("#error")
    assert page.evaluate("document.querySelectorAll('#error *').length") == 0
    assert page.evaluate("window.hit") is None
    page.close()
