"""Articles from web addresses, against a loopback HTTP server (no network): the page is read and kept, and a
slow server, a redirect loop, a 404, a 50 MB body, a content type that is no article and an address where
nothing listens each give one line."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from align.document import DocumentError
from align.readers import read_article
from align.readers.fetch import fetch
from tests.conftest import ROOT
from tests.samples.formats import STORY, news_page, press_release_pdf

BIG = 50 * 1024 * 1024
BOMB = gzip.compress(b"<html><body><p>" + b" " * BIG, compresslevel=9)
OTHER = [STORY[0], "Moscow said on Tuesday that the armed men who crossed from Ukraine had been driven out of the "
         "Belgorod region.", *STORY[2:]]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", length: bool = True,
             headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: C901 - one route per case
        try:
            self.route()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def route(self) -> None:
        path = self.path.split("?")[0]
        if path == "/story":
            self.send(200, news_page())
        elif path == "/other":
            self.send(200, news_page(OTHER, author="Ivan Writer", site="Other Times"))
        elif path == "/moved":
            self.send(301, b"", headers={"Location": "/story"})
        elif path == "/loop":
            self.send(302, b"", headers={"Location": "/loop-b"})
        elif path == "/loop-b":
            self.send(302, b"", headers={"Location": "/loop"})
        elif path == "/missing":
            self.send(404, b"<h1>Not Found</h1>")
        elif path == "/slow":
            time.sleep(3)  # longer than the test's timeout, before any byte of the answer
            self.send(200, news_page())
        elif path == "/drip":  # headers at once, then a byte now and then: never silent, never done
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(60):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/big":  # 50 MB announced
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(BIG))
            self.end_headers()
            self.stream_big()
        elif path == "/big-unannounced":  # 50 MB, no length given
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            self.stream_big()
        elif path == "/image":
            self.send(200, b"\x89PNG\r\n\x1a\n" + bytes(100), ctype="image/png")
        elif path == "/release":
            self.send(200, press_release_pdf(), ctype="application/pdf")
        elif path == "/gzip":
            self.send(200, gzip.compress(news_page()), headers={"Content-Encoding": "gzip"})
        elif path == "/bomb":  # 50 MB of spaces in 50 KB: the cap counts what the page unpacks to
            self.send(200, BOMB, headers={"Content-Encoding": "gzip"})
        elif path == "/empty":
            self.send(200, b"<html><body><nav><a href=/>Home</a></nav></body></html>")
        else:
            self.send(404, b"")

    def stream_big(self) -> None:
        chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
        for _ in range(BIG // len(chunk)):
            self.wfile.write(chunk)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def pages(tmp_path):
    return tmp_path / "pages"


def test_a_page_is_read_and_kept(server, pages):
    doc = read_article(f"{server}/story", pages_dir=pages)
    assert doc.name == "127.0.0.1/story"
    assert doc.sentences[0].text == STORY[0] and doc.origin.title == STORY[0]
    assert doc.origin.url == f"{server}/story" and doc.path is None
    kept = Path(doc.origin.kept)
    assert kept.parent == pages and kept.suffix == ".html"
    assert kept.read_bytes() == news_page()  # the very bytes compared, to cite
    assert hashlib.sha256(news_page()).hexdigest()[:16] in kept.name
    note = json.loads(kept.with_name(kept.name + ".json").read_text(encoding="utf-8"))
    assert note["url"] == f"{server}/story" and note["sha256"] == hashlib.sha256(news_page()).hexdigest()
    assert not [p for p in pages.iterdir() if p.name.startswith(".sbs-")]  # no temporary file left


def test_a_redirect_is_followed_and_the_final_address_named(server, pages):
    doc = read_article(f"{server}/moved", pages_dir=pages)
    assert doc.origin.url == f"{server}/story" and doc.name == "127.0.0.1/story"


def test_a_compressed_page(server, pages):
    doc = read_article(f"{server}/gzip", pages_dir=pages)
    assert doc.sentences[0].text == STORY[0]
    assert Path(doc.origin.kept).read_bytes() == news_page()  # kept as the page, not as the compressed bytes


def test_a_pdf_from_the_web(server, pages):
    doc = read_article(f"{server}/release", pages_dir=pages)
    assert doc.origin.format == "pdf" and [s.text for s in doc.sentences] == STORY
    assert doc.origin.kept.endswith(".pdf")


@pytest.mark.parametrize("path, reason", [
    ("/loop", "too many redirects (more than 5)"),
    ("/missing", "HTTP 404 Not Found"),
    ("/image", "not an article (content type image/png)"),
    ("/big", "too large (50 MB; the limit is 16 MB)"),
    ("/big-unannounced", "too large (over 16 MB, the limit)"),
    ("/empty", "no article text found"),
    ("/bomb", "too large (over 16 MB, the limit)"),
])
def test_bad_pages_are_one_line(server, pages, path, reason):
    with pytest.raises(DocumentError) as err:
        read_article(f"{server}{path}", pages_dir=pages)
    message = str(err.value)
    assert message.startswith(f"{server}{path}: {reason}") and "\n" not in message
    assert not (pages.exists() and list(pages.iterdir()))  # nothing kept of a page that was refused


def test_a_server_that_does_not_answer_times_out(server):
    t = time.monotonic()
    with pytest.raises(DocumentError, match=r"/slow: no answer within 1 s$"):
        fetch(f"{server}/slow", timeout=1.0)
    assert time.monotonic() - t < 2.5


def test_a_server_that_drips_is_cut_off_by_the_deadline(server):
    t = time.monotonic()
    with pytest.raises(DocumentError, match=r"/drip: too slow \(not complete after 2 s\)$"):
        fetch(f"{server}/drip", timeout=0.7)
    assert time.monotonic() - t < 4


def test_the_size_cap_stops_reading(server):
    t = time.monotonic()
    with pytest.raises(DocumentError, match="too large"):
        fetch(f"{server}/big-unannounced", max_bytes=2 * 1024 * 1024)
    assert time.monotonic() - t < 5


def test_nothing_listening(pages):
    with socket.socket() as s:  # a port that was free a moment ago
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DocumentError, match=rf"^http://127.0.0.1:{port}/x: cannot connect \(connection refused\)$"):
        read_article(f"http://127.0.0.1:{port}/x", pages_dir=pages)


def test_not_a_web_address():
    with pytest.raises(DocumentError, match="not a web address"):
        fetch("http:///nohost")


def sbs(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, env={**os.environ, **(env or {})})


def test_sbs_align_on_two_web_pages(server, tmp_path):
    cache = tmp_path / "cache"
    out = tmp_path / "out.json"
    r = sbs("align", f"{server}/story", f"{server}/other", "--model", "hashing", "--json", str(out),
            "--csv", str(tmp_path / "out.csv"), "--save-text", str(tmp_path), env={"SBS_CACHE_DIR": str(cache)})
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    first, second = data["documents"]
    assert first["name"] == "127.0.0.1/story" and first["url"] == f"{server}/story"
    assert first["title"] == STORY[0] and first["byline"] == "Jane Reporter" and first["date"] == "2023-05-23"
    assert second["site"] == "Other Times"
    for d in (first, second):
        assert Path(d["kept"]).parent == cache / "pages" and Path(d["kept"]).is_file()
        assert f"kept as {d['kept']}" in r.stderr
    # Offsets point into the extracted texts that --save-text wrote.
    texts = {d["name"]: (tmp_path / (d["name"].replace("/", "_") + ".txt")).read_text(encoding="utf-8")
             for d in (first, second)}
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    assert rows
    for row in rows:
        for side in ("left", "right"):
            if row[f"{side}_doc"]:
                t = texts[row[f"{side}_doc"]]
                assert t[int(row[f"{side}_start"]):int(row[f"{side}_end"])] == row[f"{side}_text"]


def test_sbs_align_names_every_bad_address_and_writes_nothing(server, tmp_path):
    out = tmp_path / "out.csv"
    r = sbs("align", f"{server}/story", f"{server}/missing", f"{server}/image", "--model", "hashing",
            "--csv", str(out), env={"SBS_CACHE_DIR": str(tmp_path / "cache")})
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        f"sbs: fetched {server}/story; kept as {next((tmp_path / 'cache' / 'pages').glob('*.html'))}",
        f"sbs: {server}/missing: HTTP 404 Not Found",
        f"sbs: {server}/image: not an article (content type image/png); sidebyside reads web pages, PDF, DOCX "
        "and plain text",
    ]
    assert not out.exists()
