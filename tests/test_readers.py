"""Reading HTML, PDF and Word articles (align.readers): the story's text without page furniture, its title, byline
and date, offsets into the extracted text, and one line for every file that is not a usable article."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import pytest

from align.document import DocumentError, expand_paths
from align.readers import ARTICLE_KINDS, ARTICLE_SUFFIXES, read_article, sniff, url_name
from align.readers.pdf import paragraphs
from tests.conftest import SEEDS
from tests.samples.formats import (FURNITURE, STORY, docx_bytes, encrypted_pdf, nav_only_page, news_page,
                                   paragraphs_pdf, pdf_bytes, press_release_pdf, wrap)


def write(tmp_path, name: str, data: bytes) -> str:
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


def assert_offsets(doc) -> None:
    for s in doc.sentences:
        assert doc.text[s.start:s.end] == s.text


def assert_story(doc) -> None:
    """Every paragraph of the story is in the text, in order, and nothing of the page around it."""
    pos = 0
    for p in STORY:
        at = doc.text.find(p, pos)
        assert at >= 0, (p, doc.text)
        pos = at + len(p)
    for junk in FURNITURE:
        assert junk not in doc.text


def test_html_article_without_page_furniture(tmp_path):
    doc = read_article(write(tmp_path, "story.html", news_page()))
    assert_story(doc)
    assert "By Jane Reporter" not in doc.text  # the byline is metadata, not a sentence to align
    assert doc.name == "story.html" and doc.origin.format == "html"
    assert doc.origin.title == STORY[0]
    assert doc.origin.byline == "Jane Reporter"
    assert doc.origin.date == "2023-05-23"
    assert doc.origin.site == "The Daily Example"
    assert doc.sentences[0].text == STORY[0] and doc.sentences[0].kind == "heading"
    assert_offsets(doc)


def test_html_title_heads_the_text_when_the_body_lacks_it(tmp_path):
    page = news_page().replace(f"<h1>{STORY[0]}</h1>".encode(), b"")
    doc = read_article(write(tmp_path, "story.htm", page))
    assert doc.text.startswith(STORY[0] + "\n\n")
    assert_offsets(doc)


def test_html_in_a_declared_legacy_encoding(tmp_path):
    story = [STORY[0], "Le gouverneur a déclaré que douze civils ont été blessés à Belgorod, selon l’agence.",
             *STORY[2:]]
    doc = read_article(write(tmp_path, "fr.html", news_page(story, charset="windows-1252")))
    assert "déclaré que douze civils ont été blessés" in doc.text


def test_hostile_markup_in_a_page_stays_text(tmp_path):
    story = [*STORY, "The statement read: <script>alert(1)</script> and </div> closed nothing at all here."]
    doc = read_article(write(tmp_path, "h.html", news_page(story)))
    assert "<script>alert(1)</script>" in doc.text and "</div>" in doc.text


def test_pdf_lines_are_joined_into_paragraphs(tmp_path):
    doc = read_article(write(tmp_path, "release.pdf", press_release_pdf()))
    assert doc.text == "\n\n".join(STORY) + "\n"  # wrapped lines joined, the page number dropped
    assert [s.text for s in doc.sentences] == STORY
    assert doc.origin.format == "pdf"
    assert (doc.origin.title, doc.origin.byline, doc.origin.date) == (STORY[0], "Press Office", "2023-05-23")
    assert_offsets(doc)


def test_pdf_headline_set_large_and_wrapped_stays_one_paragraph(tmp_path):
    """A 24-point headline over two lines (each shorter than a body line, each further below the one above) is
    one paragraph, and the 11-point body under it starts its own."""
    headline = ["Russia says it repelled an armed raid", "in its Belgorod region, killing dozens"]
    body = [line for p in STORY[1:] for line in [*wrap(p), ""]]
    doc = read_article(write(tmp_path, "head.pdf", pdf_bytes([body], headline=headline)))
    assert doc.text == "\n\n".join([" ".join(headline), *STORY[1:]]) + "\n"
    assert doc.sentences[0].text == " ".join(headline)
    assert_offsets(doc)


def test_pdf_headline_in_short_ragged_lines_stays_one_paragraph(tmp_path):
    """A browser prints a 24-point headline ragged, some lines well short of the body's width (a user trial saw
    "Russia Says Ukraine Sent" / "Sabotage Units ..." / "Bakhmut Loss" as three units)."""
    headline = ["Russia Says Ukraine Sent", "Sabotage Units Into Belgorod", "Bakhmut Loss"]
    body = [line for p in STORY[1:] for line in [*wrap(p), ""]]
    doc = read_article(write(tmp_path, "ragged.pdf", pdf_bytes([body], headline=headline)))
    assert doc.sentences[0].text == " ".join(headline)
    assert doc.sentences[1].text.startswith(STORY[1][:40])


def test_pdf_running_headers_and_footers_are_not_article_text(tmp_path):
    """What a browser prints around each page (date, time and title at the top; the address and page/pages at
    the foot) is page furniture: aligned, it linked to a sentence of the story at 0.51 in a user trial."""
    lines = [line for p in STORY[1:] for line in [*wrap(p), ""]]
    half = len(lines) // 2
    pages = [[f"12/4/26, 5:07 AM {STORY[0]}", "", *part, f"file:///tmp/story.html {n}/2"]
             for n, part in ((1, lines[:half]), (2, lines[half:]))]
    doc = read_article(write(tmp_path, "printed.pdf", pdf_bytes(pages)))
    assert "5:07" not in doc.text and "file:" not in doc.text and STORY[0] not in doc.text
    assert all(p in doc.text for p in STORY[1:]), doc.text
    assert_offsets(doc)
    # One page: the browser's stamp still goes; a line that only looks like a date stays.
    one = [["12/4/26, 5:07 AM Storm hits Marlow", "", *wrap(STORY[1]), "", "https://example.org/story 1/1"]]
    doc = read_article(write(tmp_path, "one.pdf", pdf_bytes(one)))
    assert doc.text == STORY[1] + "\n"
    kept = [[*wrap(STORY[1]), "", "On 12/4/26 the council met again to count the damage."]]
    assert "12/4/26" in read_article(write(tmp_path, "kept.pdf", pdf_bytes(kept))).text


def test_a_change_of_type_size_ends_a_paragraph():
    """Lines evenly spaced and of full width still part where the type size changes (a deck under a headline)."""
    page = ("Russia says it repelled an armed raid in its Belgorod region\n"
            "The Russian Defense Ministry said on Tuesday that it had thrown\n"
            "out of its Belgorod region the armed men who had entered Russian\n"
            "territory from Ukraine the day before.\n")
    heights = [700.0, 686.0, 672.0, 658.0]
    assert paragraphs(page, heights, sizes=[14.0, 11.0, 11.0, 11.0]) == [
        "Russia says it repelled an armed raid in its Belgorod region", STORY[1]]
    assert paragraphs(page, heights, sizes=[11.0] * 4) == [
        "Russia says it repelled an armed raid in its Belgorod region " + STORY[1]]


def test_pdf_hyphenation_and_a_paragraph_across_pages(tmp_path):
    first = ["Governor Vyacheslav Gladkov said that twelve civil-", "ians were injured and that residents of nine",
             "villages were evacuated overnight after the raid on the border district of Graivoron in the"]
    second = ["south of the region, officials said.", "2"]
    doc = read_article(write(tmp_path, "two.pdf", pdf_bytes([first, second])))
    assert doc.text == ("Governor Vyacheslav Gladkov said that twelve civilians were injured and that residents of "
                        "nine villages were evacuated overnight after the raid on the border district of Graivoron "
                        "in the south of the region, officials said.\n")
    assert len(doc.sentences) == 1


def test_pdf_keeps_the_hyphen_of_a_word_the_article_hyphenates_elsewhere(tmp_path):
    lines = ["Officials called it a large-scale incursion, and the army said it had repelled the second large-",
             "scale attack of the week on the border district of Graivoron, where twelve civil-",
             "ians were hurt.", "3"]
    doc = read_article(write(tmp_path, "hy.pdf", pdf_bytes([lines])))
    assert "the second large-scale attack" in doc.text
    assert "twelve civilians were hurt" in doc.text
    assert "\ue000" not in doc.text
    assert_offsets(doc)


def test_pdf_ligatures_are_spelled_out():
    from align.readers.pdf import join_pages, paragraphs, rehyphenate

    page = "The \ufb01rst drones \ufb02ew over the o\ufb03ce and the a\ufb00ected\nvillages, of\ufb01cials said."
    assert rehyphenate(join_pages([paragraphs(page)])) == (
        "The first drones flew over the office and the affected villages, officials said.\n")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_every_seed_survives_a_pdf(tmp_path, seed):
    """Each seed's lines as paragraphs of a PDF (wrapped, some running over a page break, some ending in a full
    line, headings among them) come back as the same paragraphs: the gaps between lines tell them apart."""
    paras = [line.strip() for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    doc = read_article(write(tmp_path, "seed.pdf", paragraphs_pdf(paras, lines_per_page=40)))
    assert doc.text == "\n\n".join(paras) + "\n"


def test_paragraphs_without_line_heights():
    """Where pypdf cannot tell line heights, a short line (a paragraph's last, a headline) still ends one."""
    page = ("Border raid\n"
            "The Russian Defense Ministry said on Tuesday that it had thrown\n"
            "out of its Belgorod region the armed men who had entered Russian\n"
            "territory from Ukraine the day before.\n"
            "According to Moscow, they have been defeated, dozens of them have\n"
            "ended up dead and the rest have fled to the neighbouring country.\n"
            "7\n")
    assert paragraphs(page) == ["Border raid", STORY[1], STORY[2]]


def test_pdf_with_owner_password_only_opens(tmp_path):
    doc = read_article(write(tmp_path, "copy-protected.pdf", encrypted_pdf(press_release_pdf(), user_password="")))
    assert [s.text for s in doc.sentences] == STORY


def test_docx_paragraphs_table_and_properties(tmp_path):
    data = docx_bytes(table=[["Casualties", "12"], ["Villages evacuated", "9"]])
    doc = read_article(write(tmp_path, "statement.docx", data))
    assert doc.text == "\n\n".join([*STORY, "Casualties | 12", "Villages evacuated | 9"]) + "\n"
    assert doc.origin.format == "docx"
    assert (doc.origin.title, doc.origin.byline, doc.origin.date) == (STORY[0], "Press Office", "2023-05-23")
    assert_offsets(doc)


def test_docx_title_property_wins(tmp_path):
    doc = read_article(write(tmp_path, "s.docx", docx_bytes(title="Statement on Belgorod")))
    assert doc.origin.title == "Statement on Belgorod"


def test_docx_without_properties_has_no_made_up_byline_or_date(tmp_path):
    """A file python-docx made keeps its template's properties: "python-docx", 2013-12-23. They name the library,
    not the article's author and day, so they are not shown; a first paragraph in a heading style is the title."""
    import docx

    d = docx.Document()
    d.add_heading(STORY[0], 1)
    for p in STORY[1:]:
        d.add_paragraph(p)
    path = tmp_path / "plain.docx"
    d.save(str(path))
    doc = read_article(str(path))
    assert (doc.origin.title, doc.origin.byline, doc.origin.date) == (STORY[0], "", "")
    # A long first paragraph in a heading style is text, not a title.
    d = docx.Document()
    d.add_heading(" ".join(STORY), 1)
    d.save(str(path))
    assert read_article(str(path)).origin.title == ""


def test_format_from_the_bytes_when_the_name_does_not_say(tmp_path):
    assert sniff("", press_release_pdf()) == "pdf"
    assert sniff("download", docx_bytes()) == "docx"
    assert sniff("page", news_page()) == "html"
    assert sniff("notes.txt", b"<html> is a tag I write about") == "text"  # a .txt file is text
    doc = read_article(write(tmp_path, "release", press_release_pdf()))  # saved without a suffix
    assert doc.origin.format == "pdf" and doc.sentences[0].text == STORY[0]


def test_a_pdf_through_standard_input(tmp_path):
    r = subprocess.run([sys.executable, "-m", "tui", "align", "-", write(tmp_path, "b.html", news_page()),
                        "--model", "hashing", "--csv", "-"], input=press_release_pdf(), capture_output=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert b"stdin vs b.html" in r.stdout


@pytest.mark.parametrize("name, data, reason", [
    ("nav.html", nav_only_page(), "no article text found"),
    ("scan.pdf", pdf_bytes([[], []], image_only=True), "no text layer (a scan?)"),
    ("locked.pdf", encrypted_pdf(press_release_pdf()), "password-protected PDF"),
    ("damaged.pdf", press_release_pdf()[:200], "not a readable PDF"),
    ("fake.pdf", b"this is not a PDF at all", "not a readable PDF"),
    ("broken.docx", docx_bytes()[:3000], "not a readable Word document"),
    ("renamed.docx", b"plain words, not a zip", "not a readable Word document"),
    ("empty.docx", docx_bytes([""]), "no text in the document"),
    ("old.doc", b"\xd0\xcf\x11\xe0 old word", "an old Word file (.doc) is not read"),
    ("empty.html", b"", "no article text found"),
])
def test_bad_articles_are_one_line(tmp_path, name, data, reason):
    path = write(tmp_path, name, data)
    with pytest.raises(DocumentError) as err:
        read_article(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and reason in message
    assert "\n" not in message


def test_a_zip_that_is_not_word_is_binary(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("photo.txt", "x")
    with pytest.raises(DocumentError, match="binary file .ZIP/Office., not text"):
        read_article(write(tmp_path, "archive", buf.getvalue()))


def test_a_directory_stands_for_every_article_in_it(tmp_path):
    write(tmp_path, "a.html", news_page())
    write(tmp_path, "b.pdf", press_release_pdf())
    write(tmp_path, "c.docx", docx_bytes())
    write(tmp_path, "d.txt", "A plain story.\n".encode())
    write(tmp_path, "e.png", b"\x89PNG\r\n")
    found = expand_paths([str(tmp_path)], ARTICLE_SUFFIXES, ARTICLE_KINDS)
    assert [p.rsplit("/", 1)[-1] for p in found] == ["a.html", "b.pdf", "c.docx", "d.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DocumentError, match=r"directory has no articles \(.txt, .md, .html, .pdf, .docx\)"):
        expand_paths([str(empty)], ARTICLE_SUFFIXES, ARTICLE_KINDS)


def test_a_pattern_stands_for_the_files_it_matches(tmp_path):
    for name in ("b.txt", "a.txt", "c.md"):
        write(tmp_path, name, b"A plain story.\n")
    found = expand_paths([str(tmp_path / "*.txt")], ARTICLE_SUFFIXES, ARTICLE_KINDS)
    assert [p.rsplit("/", 1)[-1] for p in found] == ["a.txt", "b.txt"]
    write(tmp_path, "odd[1].txt", b"A file whose name looks like a pattern.\n")
    assert expand_paths([str(tmp_path / "odd[1].txt")]) == [str(tmp_path / "odd[1].txt")]  # a name as it is
    with pytest.raises(DocumentError, match=r"nothing\*\.txt: no file matches"):
        expand_paths([str(tmp_path / "nothing*.txt")])


def test_url_names():
    assert url_name("https://www.bbc.com/news/world-europe-65678901") == "bbc.com/world-europe-65678901"
    assert url_name("https://example.org/") == "example.org"
    assert url_name("https://example.org/2023/05/story/index.html?x=1") == "example.org/story"
    assert url_name("http://127.0.0.1:8080/a%20b") == "127.0.0.1/a b"


def test_wrap_keeps_words():  # the fixture's own helper, so the PDF tests test what they mean to
    assert " ".join(wrap(STORY[1], 30)) == STORY[1]
    assert all(len(line) <= 30 for line in wrap(STORY[1], 30))


def sbs(*args: str) -> subprocess.CompletedProcess:
    from tests.conftest import ROOT

    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def test_sbs_align_on_html_pdf_and_docx_offsets_into_the_saved_texts(tmp_path):
    import csv
    import json

    other = [STORY[0], "Moscow said on Tuesday that the armed men who crossed from Ukraine had been driven out.",
             *STORY[2:]]
    files = [write(tmp_path, "a.html", news_page()), write(tmp_path, "b.pdf", press_release_pdf(other)),
             write(tmp_path, "c.docx", docx_bytes(other[::-1]))]
    texts = tmp_path / "texts"
    texts.mkdir()
    r = sbs("align", *files, "--model", "hashing", "--csv", str(tmp_path / "out.csv"), "--json",
            str(tmp_path / "out.json"), "--save-text", str(texts))
    assert r.returncode == 0, r.stderr
    assert f"sbs: wrote the 3 articles' texts (a.html.txt, b.pdf.txt, c.docx.txt) to {texts}" in r.stderr
    saved = {p.name: p.read_text(encoding="utf-8") for p in texts.iterdir()}
    assert saved["b.pdf.txt"] == "\n\n".join(other) + "\n"
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r_["pair"] for r_ in rows} == {"a.html vs b.pdf", "a.html vs c.docx", "b.pdf vs c.docx"}
    for row in rows:
        for side in ("left", "right"):
            if row[f"{side}_doc"]:
                t = saved[row[f"{side}_doc"] + ".txt"]
                assert t[int(row[f"{side}_start"]):int(row[f"{side}_end"])] == row[f"{side}_text"]
    docs = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["documents"]
    assert [(d["format"], d["title"], d["date"]) for d in docs] == [
        ("html", STORY[0], "2023-05-23"), ("pdf", STORY[0], "2023-05-23"), ("docx", other[-1], "2023-05-23")]
    assert docs[0]["byline"] == "Jane Reporter" and docs[0]["site"] == "The Daily Example"


def test_sbs_align_names_every_bad_file_and_writes_nothing(tmp_path):
    good = write(tmp_path, "a.html", news_page())
    bad = [write(tmp_path, "scan.pdf", pdf_bytes([[]], image_only=True)),
           write(tmp_path, "locked.pdf", encrypted_pdf(press_release_pdf())),
           write(tmp_path, "broken.docx", docx_bytes()[:3000]),
           write(tmp_path, "nav.html", nav_only_page())]
    texts = tmp_path / "texts"
    texts.mkdir()
    r = sbs("align", good, *bad, "--model", "hashing", "--csv", str(tmp_path / "out.csv"), "--html",
            str(tmp_path / "out.html"), "--save-text", str(texts))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert [line.split(": ")[1] for line in lines] == bad  # one line each, in the order given
    assert "no text layer" in lines[0] and "password-protected" in lines[1] and "Word document" in lines[2]
    assert "no article text" in lines[3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["a.html", "scan.pdf", "locked.pdf", "broken.docx", "nav.html", "texts"])
    assert not list(texts.iterdir())
