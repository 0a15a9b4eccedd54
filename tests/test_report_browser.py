"""The HTML report in a real browser: headless Chromium parses it (the DOM it builds is checked, with a hostile
article in it) and draws it (the screenshot shows both articles side by side, the level rows and a conflict)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

from align.report import report_html
from tests.samples.png import decode
from tests.test_report import hostile_comparison, sentence_text

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian package "
                                                          "chromium; `make test` installs it when run as root)")
#: No sandbox (root in a container), no GPU, and nothing that reaches for the network on start.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--hide-scrollbars", "--force-device-scale-factor=1"]
#: The report's colours (report.css, light scheme): the conflict mark's background and a level row's tint.
CONFLICT_RED = (0xB4, 0x23, 0x18)
LEVEL_TINT = (0xEE, 0xF4, 0xFF)


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"  # a fresh profile each run: nothing from an earlier one
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          timeout=120)


@pytest.fixture
def report(tmp_path, hashing) -> tuple[Path, object]:
    comparison = hostile_comparison(hashing)
    path = tmp_path / "report.html"
    path.write_text(report_html(comparison, model="hashing-256"), encoding="utf-8")
    return path, comparison


def test_the_browser_builds_the_page_as_written(tmp_path, report):
    path, comparison = report
    r = chromium(tmp_path, "--dump-dom", path.as_uri())
    assert r.returncode == 0, r.stderr.decode(errors="replace")[-2000:]
    tree = lxml.html.fromstring(r.stdout.decode("utf-8"))
    assert not tree.xpath("//script | //img | //iframe | //*[@onerror]")
    # Every sentence of both articles in a cell of its own side, shown as the text it is.
    for side, cls, doc in (("L", "l", comparison.documents[0]), ("R", "r", comparison.documents[1])):
        cells = tree.xpath(f'//table[@class="sbs"]//td[@class="{cls}"]/p')
        assert len(cells) == len(doc.sentences)
        for p, s in zip(cells, doc.sentences):
            assert p.get("id") == f"pair-1-2-{side}{s.index + 1}"
            assert sentence_text(p) == s.text.translate({0x1b: "\\x1b", 0x202e: "⇄", 0x202c: "⇄"})
    text = tree.text_content()
    assert "The statement read: <script>alert(1)</script> and </div></td></tr></table> closed nothing." in text
    assert '"><img src=x onerror=alert(2)>' in text
    assert "casualties: 12 civilians were injured vs no civilians were injured" in text
    assert "threshold 0.50" in text and "model hashing-256" in text


def test_the_screenshot_shows_two_columns_a_level_row_and_a_conflict(tmp_path, report):
    path, _ = report
    shot = tmp_path / "report.png"
    r = chromium(tmp_path, "--window-size=1200,900", f"--screenshot={shot}", path.as_uri())
    assert r.returncode == 0 and shot.is_file(), r.stderr.decode(errors="replace")[-2000:]
    image = decode(shot.read_bytes())
    assert (image.width, image.height) == (1200, 900)
    colours = {image.pixel(x, y) for y in range(0, image.height, 3) for x in range(0, image.width, 3)}
    assert len(colours) > 50, "the page looks blank"

    def near(c, target, tol=12):
        return all(abs(a - b) <= tol for a, b in zip(c, target))

    assert any(near(c, CONFLICT_RED) for c in colours), "no conflict mark drawn"
    assert any(near(c, LEVEL_TINT, 3) for c in colours), "no level row drawn"
    # Text (dark pixels) in both columns, at the same height: the articles are side by side.
    def dark_rows(x0: int, x1: int) -> set[int]:
        return {y for y in range(image.height) for x in range(x0, x1, 2) if sum(image.pixel(x, y)) < 200}

    left, right = dark_rows(40, 540), dark_rows(660, 1160)
    assert len(left & right) > 50
