"""Inputs as users hold them: a megabyte on one line, fifty thousand sentences, a story pasted hundreds of times.

Each completes through the real code paths with exact offsets. Time bounds are set only where the old code took
minutes and the new one takes well under a second, so they catch a quadratic stage coming back without flaking.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from tests.conftest import ROOT, SEEDS
from tests.test_hostile import assert_offsets_true, read_csv, sbs

SEED = str(SEEDS[0])


def seed_text(k: int = 0) -> str:
    return SEEDS[k].read_text(encoding="utf-8")


def covered(text: str, spans) -> str:
    """The text's non-space characters inside `spans`, in order."""
    return re.sub(r"\s", "", "".join(text[s:e] for s, e in sorted(spans)))


# --- the command line on big files ---------------------------------------------------------------------------


def test_a_megabyte_line_aligns_with_exact_offsets(tmp_path):
    """A seed article with its full stops and line breaks removed, repeated to 1 MB on one line: every unit is
    cut at a space, links to the seed carry exact offsets, and the units cover the line."""
    from align.segment import MAX_UNIT

    words = re.sub(r"[.!?;\n]", " ", seed_text()).split()
    line = " ".join(words * (1_000_000 // len(" ".join(words)) + 1))[:1_000_000].rstrip()
    path = tmp_path / "line.txt"
    path.write_text(line + "\n", encoding="utf-8")
    r = sbs("align", str(path), SEED, "--csv", "-", "--groups-csv", str(tmp_path / "facts.csv"))
    assert r.returncode == 0, r.stderr
    rows = read_csv(r.stdout)
    text = path.read_text(encoding="utf-8")
    assert_offsets_true(rows, {"line.txt": text, os.path.basename(SEED): seed_text()})
    units = {(int(x["left_start"]), int(x["left_end"])) for x in rows if x["left_doc"] == "line.txt"}
    assert len(units) > 800 and max(e - s for s, e in units) <= MAX_UNIT
    assert covered(text, units) == re.sub(r"\s", "", text)
    assert any(x["kind"] in ("same", "partial", "conflict") for x in rows)  # it pairs with the seed it came from


def test_fifty_thousand_sentences_align_with_exact_offsets(tmp_path):
    from align.document import MAX_UNITS

    sentences = [f"Report {k} says {k % 7} boats reached the harbour." for k in range(MAX_UNITS)]
    text = "\n\n".join(" ".join(sentences[k:k + 10]) for k in range(0, len(sentences), 10)) + "\n"
    path = tmp_path / "many.txt"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.csv"
    r = sbs("align", str(path), SEED, "--csv", str(out), timeout=300)
    assert r.returncode == 0, r.stderr
    rows = read_csv(out.read_text(encoding="utf-8"))
    assert_offsets_true(rows, {"many.txt": text, os.path.basename(SEED): seed_text()})
    units = {(int(x["left_start"]), int(x["left_end"])) for x in rows if x["left_doc"] == "many.txt"}
    assert len(units) == MAX_UNITS  # every sentence a unit of its own, the limit itself accepted
    assert {text[s:e] for s, e in units} == set(sentences)


def test_a_paragraph_pasted_many_times_groups_in_bounded_time(tmp_path):
    """Duplicates are the worst case for the fact groups (a fact told in hundreds of copies); with 2 x 150 copies
    of one count the old groups compared every two counts (34 s for 2 x 1,990)."""
    from align.compare import compare
    from align.document import document_from_text
    from align.embed import HashingEmbedder

    pasted = document_from_text("pasted.txt", (seed_text().strip() + "\n\n") * 300)
    counts = document_from_text("counts.txt", "12 people were injured on Monday. " * 150)
    counts2 = document_from_text("counts2.txt", "Twelve people were injured in the attack. " * 150)
    seed = document_from_text("seed.txt", seed_text())
    started = time.monotonic()
    c = compare([pasted, seed, counts, counts2], HashingEmbedder())
    groups = c.groups()
    elapsed = time.monotonic() - started
    n = len(seed.sentences)
    shared = [g for g in groups if 0 in g.members and 1 in g.members]
    assert len(shared) >= n - 2  # nearly every seed sentence is a fact its copies share
    assert max(len(g.members[0]) for g in shared) == 300  # told 300 times, one fact
    assert sorted(s for g in groups for d, ss in g.members.items() if d == 0 for s in ss) == list(range(len(pasted)))
    assert elapsed < 60, elapsed  # about 3 s here


def test_progress_line_on_a_terminal_and_a_clean_standard_output(tmp_path):
    """On a terminal, standard error carries one updating line per stage, erased at the end; the CSV on standard
    output has none of it."""
    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "tui", "align", SEED, str(SEEDS[1]), "--csv", "-"],
                            stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, cwd=ROOT,
                            env={**os.environ, "SBS_MODEL": "hashing"})
    os.close(slave)
    out, err = proc.stdout.read(), _read_all(master, proc)
    assert proc.wait(timeout=60) == 0
    shown = err.decode("utf-8")
    for stage in ("reading", "embedding sentences", "scoring pairs", "linking pairs", "writing"):
        assert f"sbs: {stage}" in shown, shown
    assert shown.endswith("\r\x1b[K")  # the line is erased: the prompt comes back on a clean line
    assert "Traceback" not in shown
    rows = read_csv(out.decode("utf-8"))
    assert rows and "sbs:" not in out.decode("utf-8") and "\x1b" not in out.decode("utf-8")


def test_no_progress_line_when_standard_error_is_not_a_terminal():
    r = sbs("align", SEED, str(SEEDS[1]), "--csv", "-")
    assert r.returncode == 0 and r.stderr == ""


def test_ctrl_c_stops_cleanly_with_nothing_written(tmp_path):
    """SIGINT while it works: one line, status 130, no traceback, no output file and no temporary file."""
    sentences = [f"Report {k} says {k % 7} boats reached the harbour on day {k % 31}." for k in range(40_000)]
    path = tmp_path / "many.txt"
    path.write_text(" ".join(sentences) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "tui", "align", str(path), SEED, "--csv", str(out)],
                            stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, cwd=ROOT,
                            env={**os.environ, "SBS_MODEL": "hashing", "SBS_CACHE_DIR": str(tmp_path / "cache")})
    os.close(slave)
    seen = bytearray()
    deadline = time.monotonic() + 60
    while b"embedding sentences" not in seen and time.monotonic() < deadline and proc.poll() is None:
        if select.select([master], [], [], 0.2)[0]:
            seen.extend(os.read(master, 65536))
    assert b"embedding sentences" in seen, seen
    proc.send_signal(signal.SIGINT)
    seen.extend(_read_all(master, proc))
    assert proc.wait(timeout=30) == 130
    shown = seen.decode("utf-8")
    assert "Traceback" not in shown
    assert shown.rstrip("\r\n").endswith("\r\x1b[Ksbs: interrupted")  # the progress line erased, then one line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "many.txt"]
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and not p.name.endswith(".npy")]


def _read_all(master: int, proc: subprocess.Popen, timeout: float = 120) -> bytes:
    got = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if select.select([master], [], [], 0.2)[0]:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed its end
                break
            if not data:
                break
            got.extend(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    return bytes(got)


# --- segmentation: linear on every shape of text ---------------------------------------------------------------


def test_syntok_break_characters_cover_syntoks_own():
    """The shortcut that skips syntok on text without a break character must know every character syntok breaks
    at (its terminals and opening brackets): a syntok upgrade that adds one fails here."""
    from syntok._segmentation_states import State

    from align.segment import _SYNTOK_BREAKS

    for token in set(State.terminals) | set(State.opening_brackets):
        assert _SYNTOK_BREAKS.search(token), token


@pytest.mark.parametrize("text", [
    "word " * 5000,
    "saboteurs crossed the border near graivoron and the ministry counted vehicles " * 300,
    "“quoted words” — and a dash, a comma: and a colon " * 200,
    "中文没有空格的一行文字" * 500,
], ids=["word", "prose", "quotes-dashes-commas", "cjk"])
def test_text_without_breaks_segments_as_syntok_would(text, monkeypatch):
    from align import segment

    fast = segment.segment(text)
    monkeypatch.setattr(segment, "_SYNTOK_BREAKS", re.compile(r"(?=.)"))  # every window through syntok
    assert segment.segment(text) == fast


@pytest.mark.parametrize("text", [
    "word word word word\n" * 40_000,  # a soft-wrapped book: 800 KB of lines joined into one paragraph (was 70 s)
    "Acme Co. Acme Co. " * 20_000,  # a unit that keeps ending in a title
    "word " * 1_000_000,  # 5 MB without a full stop (was 7.7 s)
], ids=["soft-wrapped-lines", "title-chain", "5MB-line"])
def test_segmentation_is_fast_on_pathological_shapes(text):
    from align.segment import MAX_UNIT, segment

    started = time.monotonic()
    units = segment(text)
    elapsed = time.monotonic() - started
    assert all(u.text == text[u.start:u.end] and len(u.text) <= MAX_UNIT for u in units)
    assert covered(text, [(u.start, u.end) for u in units]) == re.sub(r"\s", "", text)
    assert elapsed < 30, elapsed  # under 3 s here


def test_segmentation_reports_progress_and_stops_at_the_limit():
    from align.segment import segment

    text = "One sentence here. " * 3000
    seen = []
    units = segment(text, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (len(text.rstrip()), len(text)) and all(t == len(text) for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(segment(text, limit=100)) == 101 and len(units) == 3000


@pytest.mark.parametrize("sentence", ["Yes.\n", "Yes. "], ids=["lines", "one-paragraph"])
def test_too_many_sentences_is_refused_before_segmenting_the_rest(tmp_path, sentence):
    from align.document import MAX_UNITS, DocumentError, read_document
    from align.segment import WINDOW

    path = tmp_path / "many.txt"
    path.write_text(sentence * (4 * MAX_UNITS), encoding="utf-8")
    seen = []
    with pytest.raises(DocumentError, match="too many sentences"):
        read_document(path, progress=lambda done, total: seen.append(done))
    assert seen[-1] < len(sentence) * MAX_UNITS + WINDOW  # stopped just past the limit, not at the end


# --- embedding: each text once, and a text longer than the window by pieces --------------------------------------


class WordWindow:
    """A real embedder (hashing) behind a tokenizer of whole words and a window of `window` words, the interface
    a sentence-transformers model gives align.pieces; counts what it is asked to encode."""

    def __init__(self, window: int) -> None:
        from align.embed import HashingEmbedder

        self.window = window
        self.inner = HashingEmbedder()
        self.encoded: list[str] = []

    def offsets(self, texts):
        return [[m.span() for m in re.finditer(r"\S+", t)] for t in texts]

    def encode_fitting(self, texts, progress=None):
        assert all(len(o) <= self.window for o in self.offsets(texts)), "a piece longer than the window"
        self.encoded.extend(texts)
        return self.inner._encode(texts, progress)

    def encode(self, texts, progress=None):
        from align.pieces import encode_texts

        return encode_texts(texts, self.encode_fitting, self.window, self.offsets, progress)


def test_pieces_cover_the_text_within_the_window():
    from align.pieces import cut

    text = "alpha beta gamma delta " * 40 + "supercalifragilistic " * 3
    offsets = [m.span() for m in re.finditer(r"\S+", text)]
    pieces = cut(text, offsets, 25)
    assert sum(n for _, _, n in pieces) == len(offsets)
    assert all(n <= 25 for _, _, n in pieces)
    assert pieces[0][0] == offsets[0][0] and pieces[-1][1] == offsets[-1][1]
    assert all(a[1] < b[0] for a, b in zip(pieces, pieces[1:]))  # consecutive, in order, never overlapping
    assert cut(text[:30], offsets[:5], 25) == [(0, 30, 5)]


def test_a_text_longer_than_the_window_is_the_weighted_mean_of_its_pieces():
    from align.embed import HashingEmbedder

    model = WordWindow(window=12)
    long = " ".join(f"word{k}" for k in range(30))  # 30 words: pieces of 4 (12 - SLACK) words
    short = "a short sentence"
    vecs = model.encode([short, long, short, long])
    assert model.encoded.count(short) == 1  # each distinct text once
    pieces = [t for t in model.encoded if t != short]
    assert " ".join(pieces) == long and all(len(p.split()) <= 4 for p in pieces)
    parts = HashingEmbedder()._encode(pieces)
    weights = np.array([len(p.split()) for p in pieces], np.float32)
    mean = (parts * weights[:, None]).sum(axis=0)
    np.testing.assert_allclose(vecs[1], mean / np.linalg.norm(mean), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(vecs[0], HashingEmbedder()._encode([short])[0])  # a text that fits: untouched
    assert np.array_equal(vecs[0], vecs[2]) and np.array_equal(vecs[1], vecs[3])


def test_duplicates_are_encoded_once_and_progress_counts_every_text():
    model = WordWindow(window=50)
    texts = ["the same line"] * 1000 + ["another line"]
    seen = []
    vecs = model.encode(texts, lambda done, total: seen.append((done, total)))
    assert model.encoded == ["the same line", "another line"]
    assert vecs.shape[0] == 1001 and seen[-1] == (1001, 1001)


@pytest.mark.model
def test_the_real_model_reads_all_of_a_long_sentence(real_embedder):
    """MiniLM reads 256 word pieces; a unit of 1,200 characters can hold more. Its vector now covers the whole
    unit: the part after the window counts, where truncation dropped it."""
    head = "The ministry said the saboteurs crossed the border near the village at dawn. " * 30
    tail = "Heavy rain flooded the valley and farmers lost their harvest to the river. " * 30
    text = head + tail
    assert real_embedder.window == 254  # 256 word pieces, less [CLS] and [SEP]
    assert len(real_embedder._offsets([text])[0]) > 2 * real_embedder.window  # truly longer than the window
    whole, rain = real_embedder.encode([text, tail])
    truncated = real_embedder._encode([text])[0]  # what the model alone makes of it: the head only
    assert float(whole @ rain) > float(truncated @ rain) + 0.2
    assert abs(float(np.linalg.norm(whole)) - 1.0) < 1e-5
