"""The HTML report (align/report.py): every sentence once per side and in order, linked sentences level, article
text escaped whatever it holds, nothing that would load from a network, written atomically."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.alignment import Alignment, Link
from align.compare import compare
from align.document import Document, Origin, Sentence, document_from_text
from align.export import ExportError
from align.report import level_rows, report_html, write_html
from tests.conftest import ROOT

HOSTILE = ("Border raid\n\n"
           "Governor Vyacheslav Gladkov said 12 civilians were injured on Monday. "
           "The statement read: <script>alert(1)</script> and </div></td></tr></table> closed nothing.\n\n"
           "A caption \"><img src=x onerror=alert(2)> and an escape \x1b[31mred\x1b[0m and \u202eevil\u202c here.\n\n"
           "Residents of nine villages were evacuated overnight.\n")
PLAIN = ("Border raid\n\n"
         "Governor Vyacheslav Gladkov said no civilians were injured on Monday. "
         "Residents of nine villages were evacuated during the night.\n\n"
         "The army said the attackers fled.\n")


def hostile_comparison(hashing):
    a = document_from_text("<b>a</b>.txt", HOSTILE, path="/tmp/<b>a</b>.txt",
                           origin=Origin(format="html", title="</title><script>alert(3)</script>",
                                         url="javascript:alert(4)", kept="/tmp/k<i>.html"))
    b = document_from_text("b.txt", PLAIN, path="/tmp/b.txt",
                           origin=Origin(format="html", title="Raid", url="https://example.org/raid?a=1&b=2"))
    return compare([a, b], hashing)


def sentence_text(el) -> str:
    """What a reader sees of a sentence element, without the marks and references the report adds."""
    el = lxml.html.fromstring(lxml.html.tostring(el))
    for extra in el.xpath('.//span[contains(@class, "k")] | .//a[@class="ref"] | .//span[@class="why"]'):
        extra.drop_tree()
    return el.text_content().strip()


def test_hostile_text_stays_text(hashing):
    page = report_html(hostile_comparison(hashing), model="hashing-256")
    tree = lxml.html.fromstring(page)
    assert not tree.xpath("//script | //img | //iframe | //object | //embed | //link | //*[@onerror]")
    assert "<script" not in page.lower().replace("&lt;script", "")
    body = tree.text_content()
    assert "<script>alert(1)</script> and </div></td></tr></table> closed nothing." in body
    assert '"><img src=x onerror=alert(2)>' in body
    assert "</title><script>alert(3)</script>" in body and "<b>a</b>.txt" in body
    assert "\x1b" not in page and "\u202e" not in page  # shown as marks, never passed through
    assert "\\x1b[31mred\\x1b[0m" in body and "⇄evil⇄" in body
    assert not tree.xpath('//a[starts-with(@href, "javascript")]')  # only http(s) addresses become links
    assert tree.xpath('//a[@href="https://example.org/raid?a=1&b=2"]')
    # The structure is what the writer made: one table per pair, every sentence in a cell of its own side.
    table = tree.xpath('//table[@class="sbs"]')
    assert len(table) == 1
    for side, doc in (("L", 0), ("R", 1)):
        sents = hostile_comparison(hashing).documents[doc].sentences
        for k, s in enumerate(sents):
            [el] = tree.xpath(f'//*[@id="pair-1-2-{side}{k + 1}"]')
            assert el.getparent().get("class") == ("l" if side == "L" else "r")
            shown = sentence_text(el)
            assert shown == s.text.translate({0x1b: "\\x1b", 0x202e: "⇄", 0x202c: "⇄"})


def test_self_contained(hashing, seed_comparison):
    for page in (report_html(seed_comparison, model="m"), report_html(hostile_comparison(hashing))):
        tree = lxml.html.fromstring(page)
        assert tree.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content') == [
            "default-src 'none'; style-src 'unsafe-inline'"]
        assert not tree.xpath("//*[@src] | //link | //script")
        style = "".join(tree.xpath("//style/text()"))
        assert "@import" not in style and "url(" not in style and "@font-face" not in style


def test_conflict_is_level_and_marked(hashing):
    c = hostile_comparison(hashing)
    tree = lxml.html.fromstring(report_html(c))
    [row] = tree.xpath('//tr[contains(@class, "level") and contains(@class, "conflict")]')
    left, right = (sentence_text(el) for el in row.xpath('.//p[contains(@class, "s")]'))
    assert "12 civilians were injured" in left and "no civilians were injured" in right
    marked = [m.text_content() for m in row.xpath(".//mark")]
    assert any("12" in m for m in marked) and any("no" in m for m in marked)
    why = row.getnext()
    assert "conflict" in why.get("class", "") or "why" in why.get("class", "")
    assert "casualties: 12 civilians were injured vs no civilians were injured" in why.text_content()
    [named] = why.xpath(".//span[@title]")  # the rule that found it, on hovering
    assert named.get("title") == "found by the counts rule" and named.text_content().startswith("casualties: 12")


def test_every_sentence_once_per_side_in_order(seed_comparison):
    page = report_html(seed_comparison, model="hashing-256")
    tree = lxml.html.fromstring(page)
    sections = tree.xpath('//section[@class="pair"]')
    assert len(sections) == 10  # five articles: every pair
    assert len(tree.xpath("//nav//li")) == 11  # the pairs and the facts
    docs = seed_comparison.documents
    for sec, (i, j) in zip(sections, seed_comparison.pairs):
        for cls, doc in (("l", docs[i]), ("r", docs[j])):
            shown = [sentence_text(p) for p in sec.xpath(f'.//td[@class="{cls}"]/p')]
            assert shown == [s.text for s in doc.sentences]


def test_one_pair_when_asked(seed_comparison):
    names = [d.name for d in seed_comparison.documents]
    tree = lxml.html.fromstring(report_html(seed_comparison, only=(names[1], names[3])))
    [sec] = tree.xpath('//section[@class="pair"]')
    assert sec.get("id") == "pair-2-4" and not tree.xpath("//nav")
    # The facts table still spans all five articles.
    assert len(tree.xpath('(//section[@id="facts"]//table)[1]/thead//th')) == 2 + 5


def test_figures_name_threshold_model_and_sources(seed_comparison):
    c = seed_comparison.with_threshold(0.42)
    tree = lxml.html.fromstring(report_html(c, model="all-MiniLM-L6-v2@x", version="9.9"))
    figures = tree.xpath('//p[@class="figures"]')[0].text_content()
    assert "threshold 0.42" in figures and "model all-MiniLM-L6-v2@x" in figures and "sidebyside 9.9" in figures
    assert re.search(r"made \d{4}-\d\d-\d\d \d\d:\d\d", figures)
    sources = tree.xpath('//table[@class="sources"]')[0].text_content()
    for d in c.documents:
        assert d.name in sources and d.path in sources


def test_facts_table_has_every_fact(seed_comparison):
    tree = lxml.html.fromstring(report_html(seed_comparison))
    ids = [int(td.text_content()) for td in tree.xpath('//section[@id="facts"]//tbody/tr/td[1]')]
    assert sorted(ids) == sorted(g.id for g in seed_comparison.groups())


def test_write_is_atomic_and_never_replaces_an_article(tmp_path, hashing):
    story = tmp_path / "story.txt"
    story.write_text("The fire killed three people on Friday. Police closed the road.\n", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("Three people died in the fire on Friday. The road was closed.\n", encoding="utf-8")
    from align.document import read_document

    c = compare([read_document(story), read_document(other)], hashing)
    with pytest.raises(ExportError, match="is one of the articles being compared"):
        write_html(c, str(story))
    assert story.read_text(encoding="utf-8").startswith("The fire")
    out = tmp_path / "r.html"
    write_html(c, str(out), model="hashing-256")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(os.listdir(tmp_path)) == ["other.txt", "r.html", "story.txt"]  # no temporary file left
    with pytest.raises(ExportError, match="does not exist"):
        write_html(c, str(tmp_path / "no" / "r.html"))


def test_sbs_align_html(tmp_path, seed_paths):
    out = tmp_path / "r.html"
    r = subprocess.run([sys.executable, "-m", "tui", "align", *map(str, seed_paths[:3]), "--model", "hashing",
                        "--html", str(out), "--pair", seed_paths[0].name, seed_paths[2].name],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""  # --html alone writes no CSV to standard output
    assert f"sbs: wrote the report to {out}" in r.stderr
    tree = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    assert len(tree.xpath('//section[@class="pair"]')) == 1
    assert "model hashing-256" in tree.xpath('//p[@class="figures"]')[0].text_content()


# --- the level layout -----------------------------------------------------------------------------------------

def _doc(name: str, n: int) -> Document:
    text = "".join(f"Sentence {k}. " for k in range(n))
    sents, pos = [], 0
    for k in range(n):
        t = f"Sentence {k}."
        sents.append(Sentence(k, pos, pos + len(t), t))
        pos += len(t) + 1
    return Document(name, text, tuple(sents))


def _alignment(n_left: int, n_right: int, pairs) -> Alignment:
    links = tuple(sorted({(i, j): Link(i, j, s, k) for i, j, s, k in pairs}.values(), key=lambda x: (x.left, x.right)))
    linked_l, linked_r = {x.left for x in links}, {x.right for x in links}
    return Alignment(_doc("a", n_left), _doc("b", n_right), links,
                     tuple(i for i in range(n_left) if i not in linked_l),
                     tuple(j for j in range(n_right) if j not in linked_r), 0.5)


@st.composite
def alignments(draw):
    n_left, n_right = draw(st.integers(0, 25)), draw(st.integers(0, 25))
    if not n_left or not n_right:
        return _alignment(n_left, n_right, [])
    pairs = draw(st.lists(st.tuples(st.integers(0, n_left - 1), st.integers(0, n_right - 1),
                                    st.floats(0, 1), st.sampled_from(["same", "partial", "conflict"])), max_size=30))
    return _alignment(n_left, n_right, pairs)


@settings(max_examples=300, deadline=None)
@given(alignments())
def test_rows_cover_each_sentence_once_in_order(al):
    rows = level_rows(al)
    assert [i for r in rows for i in r.left] == list(range(len(al.left.sentences)))
    assert [j for r in rows for j in r.right] == list(range(len(al.right.sentences)))
    for r in rows:
        assert r.left or r.right
        if r.level:  # a level row holds at least one link drawn level
            assert any(ln.left in r.left and ln.right in r.right for ln in al.links)


def test_crossing_links_keep_the_most_and_prefer_a_conflict():
    # After 0-0, the links 1-3, 2-2 and 3-1 cross each other: only one of them can be level, and the conflict
    # wins over higher scores.
    al = _alignment(4, 4, [(0, 0, 0.9, "same"), (1, 3, 0.9, "partial"), (2, 2, 0.6, "same"),
                           (3, 1, 0.7, "conflict")])
    rows = [(list(r.left), list(r.right), r.level) for r in level_rows(al)]
    assert rows == [([0], [0], True), ([1, 2], [], False), ([3], [1], True), ([], [2, 3], False)]
    without = _alignment(4, 4, [(0, 0, 0.9, "same"), (1, 3, 0.9, "partial"), (2, 2, 0.6, "same"),
                                (3, 1, 0.7, "partial")])
    assert [(list(r.left), list(r.right)) for r in level_rows(without) if r.level] == [([0], [0]), ([1], [3])]


def test_a_sentence_told_in_two_is_one_level_row():
    al = _alignment(3, 4, [(0, 0, 0.9, "same"), (1, 1, 0.8, "partial"), (1, 2, 0.7, "partial"),
                           (2, 3, 0.9, "same")])
    rows = [(list(r.left), list(r.right), r.level) for r in level_rows(al)]
    assert rows == [([0], [0], True), ([1], [1, 2], True), ([2], [3], True)]


def test_a_book_sized_chain_is_quick():
    import time

    n = 5000
    al = _alignment(n, n, [(k, k, 0.8, "same") for k in range(n)] + [(k, k + 2, 0.6, "partial") for k in range(n - 2)])
    t = time.perf_counter()
    rows = level_rows(al)
    assert time.perf_counter() - t < 5
    assert sum(r.level for r in rows) >= n - 2
