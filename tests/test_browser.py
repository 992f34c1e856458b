"""report.html in a real browser: headless Chromium loads the file, a test checks the DOM, clicks the filters,
presses the navigation keys and takes screenshots (laptop and phone sizes).

Chromium is driven over the DevTools protocol through --remote-debugging-pipe (file descriptors 3 and 4,
NUL-terminated JSON): no port is opened, nothing is fetched, and no client package is needed. Screenshots go to
$TOOLKIT_SCREENSHOTS when set (to look at them), else to the test's temporary folder.
"""
from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import SEED, needs_apertium
from report_fixtures import aligned_run, hostile_run, round_trip_run

from toolkit.output import write_run
from toolkit.report.html import reading_order

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed: `make test` installs the Debian package chromium as root "
    "(apt-get install chromium)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic", "--disable-extensions",
         "--disable-default-apps", "--mute-audio", "--remote-debugging-pipe"]


class Chromium:
    """Just enough of the DevTools protocol: commands with replies, and waiting for one event."""

    def __init__(self, profile: Path, timeout: float = 30.0):
        self.timeout = timeout
        to_browser_r, self._write = os.pipe()
        self._read, from_browser_w = os.pipe()
        # Chromium expects its command pipe on fd 3 and its reply pipe on fd 4; bash puts them there (dash
        # cannot: it takes single-digit descriptors only, and these are often above 9).
        script = f'exec "$0" "$@" 3<&{to_browser_r} 4>&{from_browser_w}'
        self.process = subprocess.Popen(
            ["bash", "-c", script, CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(to_browser_r, from_browser_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        self.session = None
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable")
        self.send("Runtime.enable")

    def _message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, **params):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            message["sessionId"] = self.session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, event: str) -> dict:
        deadline = time.monotonic() + self.timeout
        for index, seen in enumerate(self.events):
            if seen.get("method") == event:
                return self.events.pop(index)
        while True:
            message = self._message(deadline)
            if message.get("method") == event:
                return message
            self.events.append(message)

    def open(self, path: Path, width: int = 1280, height: int = 900, mobile: bool = False) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=2 if mobile else 1, mobile=mobile)
        self.events.clear()
        self.send("Page.navigate", url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")

    def js(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def key(self, key: str) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, text=key if kind == "keyDown" else "",
                      code=f"Key{key.upper()}", windowsVirtualKeyCode=ord(key.upper()))

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        shot = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=full_page)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._read)
        os.close(self._write)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("TOOLKIT_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def aligned_report(tmp_path_factory) -> Path:
    return write_run(aligned_run(), tmp_path_factory.mktemp("aligned")) / "report.html"


VISIBLE = "Array.from(document.querySelectorAll('article.bead')).filter(b => getComputedStyle(b).display !== 'none')"


def test_report_loads_with_every_bead_and_the_plot(browser, aligned_report, shots):
    run = aligned_run()
    browser.open(aligned_report)
    assert browser.js("document.querySelectorAll('article.bead').length") == len(run.judgements)
    assert browser.js(f"{VISIBLE}.length") == len(run.judgements)
    assert browser.js("document.getElementById('controls').hidden") is False  # the script ran
    assert browser.js("document.getElementById('shown').textContent") == \
        f"{len(run.judgements)} of {len(run.judgements)} beads shown"
    # the plot is an embedded PNG that the browser decoded
    assert browser.js("(() => { const i = document.querySelector('.plot img');"
                      " return i.src.startsWith('data:image/png;base64,') && i.complete && i.naturalWidth > 0 })()")
    # an omitted sentence and an added one show a placeholder, not an empty box
    assert "left out" in browser.js("document.querySelector('#bead-3 .translation').textContent")
    assert "added" in browser.js("document.querySelector('#bead-4 .original').textContent")
    # the changed number is highlighted in the translation
    assert browser.js("Array.from(document.querySelectorAll('#bead-1 .translation mark.chg'))"
                      ".map(m => m.textContent)") == ["3,000"]
    browser.screenshot(shots / "report-laptop.png", full_page=True)


def test_filtering_by_severity_hides_rows(browser, aligned_report):
    browser.open(aligned_report)
    browser.js("document.querySelector('input[name=severity][value=none]').click()")
    visible = browser.js(f"{VISIBLE}.map(b => b.dataset.severity)")
    expected = [j.severity for j in aligned_run().judgements if j.severity != "none"]
    assert sorted(visible) == sorted(expected) and "none" not in visible
    hidden = browser.js("Array.from(document.querySelectorAll('article.bead[data-severity=none]'))"
                        ".map(b => getComputedStyle(b).display)")
    assert hidden and set(hidden) == {"none"}
    browser.js("document.querySelector('input[name=severity][value=none]').click()")
    assert browser.js(f"{VISIBLE}.length") == len(aligned_run().judgements)


def test_flagged_first_by_default_and_document_order_one_click_away(browser, aligned_report):
    browser.open(aligned_report)
    order = "Array.from(document.querySelectorAll('article.bead')).map(b => Number(b.dataset.bead))"
    assert browser.js(order) == [j.bead for j in reading_order(aligned_run().judgements)]
    browser.js("(() => { const o = document.getElementById('sort'); o.value = 'document';"
               " o.dispatchEvent(new Event('change', {bubbles: true})) })()")
    assert browser.js(order) == sorted(j.bead for j in aligned_run().judgements)
    browser.js("(() => { const o = document.getElementById('sort'); o.value = 'flagged';"
               " o.dispatchEvent(new Event('change', {bubbles: true})) })()")
    assert browser.js(order) == [j.bead for j in reading_order(aligned_run().judgements)]


def test_filtering_by_reason_and_sorting_by_divergence(browser, aligned_report):
    browser.open(aligned_report)
    browser.js("(() => { const s = document.getElementById('reason'); s.value = 'numbers and dates';"
               " s.dispatchEvent(new Event('change', {bubbles: true})) })()")
    assert browser.js(f"{VISIBLE}.map(b => Number(b.dataset.bead))") == [1]
    browser.js("(() => { const s = document.getElementById('reason'); s.value = '';"
               " s.dispatchEvent(new Event('change', {bubbles: true}));"
               " const o = document.getElementById('sort'); o.value = 'divergence';"
               " o.dispatchEvent(new Event('change', {bubbles: true})) })()")
    order = browser.js("Array.from(document.querySelectorAll('article.bead')).map(b => Number(b.dataset.divergence))")
    assert order == sorted(order, reverse=True) and len(order) == len(aligned_run().judgements)


def test_clicking_a_point_of_the_plot_goes_to_its_bead(browser, aligned_report):
    browser.open(aligned_report)
    critical = next(j for j in aligned_run().judgements if j.severity == "critical")
    # where the page believes the critical bead is drawn: image pixel and screen point
    where = browser.js(f"""(() => {{
        const img = document.querySelector('.plot img'), d = img.dataset;
        const fx = +d.left + ({critical.bead} - +d.xmin) / (+d.xmax - +d.xmin) * (+d.right - +d.left);
        const fy = +d.bottom + ({critical.divergence} - +d.ymin) / (+d.ymax - +d.ymin) * (+d.top - +d.bottom);
        const px = fx * img.naturalWidth, py = (1 - fy) * img.naturalHeight;
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
        const context = canvas.getContext('2d');
        context.drawImage(img, 0, 0);
        const rgb = Array.from(context.getImageData(Math.round(px), Math.round(py), 1, 1).data).slice(0, 3);
        const box = img.getBoundingClientRect();
        const scale = Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
        return {{rgb, x: box.left + px * scale, y: box.top + py * scale}};
    }})()""")
    # the PNG really has the critical colour (#c92a2a) there: the geometry matches what matplotlib drew
    assert all(abs(got - want) <= 30 for got, want in zip(where["rgb"], (0xc9, 0x2a, 0x2a))), where
    for kind in ("mousePressed", "mouseReleased"):
        browser.send("Input.dispatchMouseEvent", type=kind, x=where["x"], y=where["y"], button="left", clickCount=1)
    assert browser.js("document.querySelector('article.current').id") == f"bead-{critical.bead}"


def test_keys_move_between_flags(browser, aligned_report):
    browser.open(aligned_report)
    flagged = [j.bead for j in reading_order(aligned_run().judgements) if j.flag]  # worst first, as shown
    current = "Number(document.querySelector('article.current').dataset.bead)"
    browser.key("j")
    assert browser.js(current) == flagged[0]
    browser.key("n")
    assert browser.js(current) == flagged[1]
    assert browser.js("document.activeElement.id") == f"bead-{flagged[1]}"
    browser.key("k")
    assert browser.js(current) == flagged[0]
    browser.key("?")
    assert browser.js("document.getElementById('keys').hidden") is False


def test_hostile_text_is_shown_not_executed(browser, tmp_path):
    report = write_run(hostile_run(), tmp_path) / "report.html"
    browser.open(report)
    assert browser.js("typeof window.__pwned") == "undefined"
    assert browser.js("document.querySelectorAll('img[onerror], script[src]').length") == 0
    shown = browser.js("document.querySelector('#bead-0 .translation').textContent")
    assert "</script><script>window.__pwned = 1</script>" in shown
    assert "<img src=x onerror=" in browser.js("document.querySelector('#bead-0 .renderings').textContent")
    # the embedded JSON survived intact and still parses
    summary = browser.js("JSON.parse(document.getElementById('run-summary').textContent)")
    assert summary["translation"]["path"] == hostile_run().summary["translation"]["path"]


def test_report_is_complete_without_javascript(browser, aligned_report):
    browser.send("Emulation.setScriptExecutionDisabled", value=True)
    try:
        browser.open(aligned_report)
        assert browser.js(f"{VISIBLE}.length") == len(aligned_run().judgements)
        # controls that could do nothing without the script stay out of the way
        assert browser.js("getComputedStyle(document.getElementById('controls')).display") == "none"
    finally:
        browser.send("Emulation.setScriptExecutionDisabled", value=False)


def test_round_trip_report_reads_on_a_phone(browser, tmp_path, shots):
    report = write_run(round_trip_run(), tmp_path) / "report.html"
    browser.open(report, width=390, height=844, mobile=True)
    assert browser.js("document.querySelectorAll('article.bead .original').length") == 0  # no empty column
    # nothing wider than the screen: no sideways scrolling on a phone
    assert browser.js("document.documentElement.scrollWidth <= window.innerWidth")
    # one column: the translation sits above its renderings, not beside them
    assert browser.js("(() => { const t = document.querySelector('#bead-0 .translation').getBoundingClientRect();"
                      " const r = document.querySelector('#bead-0 .renderings').getBoundingClientRect();"
                      " return r.top >= t.bottom })()")
    assert browser.js("document.getElementById('legend').open") is False  # folded to save the small screen
    assert "--original" in browser.js("document.getElementById('scope').textContent")
    browser.screenshot(shots / "report-phone.png")
    browser.js("document.getElementById('bead-0').scrollIntoView()")
    browser.screenshot(shots / "report-phone-beads.png")
    browser.open(report)
    browser.screenshot(shots / "report-round-trip-laptop.png", full_page=True)


@needs_apertium
def test_seed_report_from_the_real_pipeline(browser, tmp_path, shots, cache):
    from toolkit.pipeline import compare_files

    run = compare_files(SEED, "en", ["apertium:eng-spa", "apertium:eng-cat"], cache=cache)
    report = write_run(run, tmp_path / "seed") / "report.html"
    browser.open(report)
    assert browser.js("document.querySelectorAll('article.bead').length") == len(run.judgements)
    assert browser.js("document.querySelectorAll('article.bead[data-flag=\"1\"]').length") == len(run.flagged)
    assert browser.js("document.documentElement.scrollWidth <= window.innerWidth")
    browser.screenshot(shots / "seed-laptop.png")
    browser.open(report, width=390, height=844, mobile=True)
    assert browser.js("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_plot_reads_on_a_phone(browser, tmp_path, shots):
    """32 beads, as the seed has: at 390 px the narrow drawing shows, whole (every bead, and its legend, which
    sits inside the image), not cut off nor panned sideways, and shrunk little enough that its labels read."""
    from toolkit.records import Run

    base = round_trip_run()
    template = base.judgements[0]
    judgements = [type(template)(k, [], [k], "", f"Sentence {k}.", template.renderings, {},
                                 0.9 if k in (3, 30) else 0.1 + (k % 5) / 20, k in (3, 30),
                                 "critical" if k == 3 else "minor" if k == 30 else "none", [])
                  for k in range(32)]
    report = write_run(Run(judgements, base.summary), tmp_path) / "report.html"
    browser.open(report, width=390, height=844, mobile=True)
    shown = browser.js("""(() => {
        const visible = Array.from(document.querySelectorAll('.plot img'))
            .filter(i => getComputedStyle(i).display !== 'none');
        const i = visible[0], box = i.getBoundingClientRect();
        return {count: visible.length, cls: i.className, left: box.left, right: box.right,
                width: box.width, natural: i.naturalWidth, xmax: +i.dataset.xmax,
                scroll: i.parentElement.scrollWidth <= i.parentElement.clientWidth};
    })()""")
    assert shown["count"] == 1 and shown["cls"].startswith("narrow")
    assert shown["left"] >= 0 and shown["right"] <= 390 and shown["scroll"]  # whole, nothing to pan
    assert shown["xmax"] >= 31  # the last bead is inside the axes
    # drawn at 200 dpi with 10 pt labels: shrunk to the screen they stay about 12 px high or more
    assert shown["width"] / shown["natural"] * 10 * 200 / 72 >= 11
    browser.js("document.querySelector('.plot').scrollIntoView()")
    browser.screenshot(shots / "plot-phone.png")
