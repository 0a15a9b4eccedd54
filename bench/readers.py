"""How long reading an article takes, by format: the five seeds made into web pages (with navigation, an advert
and a related-stories box), PDFs (wrapped lines) and Word files, read through align.readers; then one long
article (the seeds ten times over) in each format; then a page fetched from a loopback server.

Prints the time of the first read in a fresh process (imports included) and the median of later reads; for the
long article, the first read in this process (segmentation included) and later ones (units from the cache).
Usage: python bench/readers.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from align.readers import read_article  # noqa: E402
from tests.samples.formats import docx_bytes, news_page, paragraphs_pdf  # noqa: E402


def paragraphs(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def make(folder: Path, stem: str, paras: list[str]) -> dict[str, Path]:
    out = {}
    for fmt, data in (("html", news_page(paras)), ("pdf", paragraphs_pdf(paras)), ("docx", docx_bytes(paras))):
        p = folder / f"{stem}.{fmt}"
        p.write_bytes(data)
        out[fmt] = p
    return out


def first_read(path: Path) -> float:
    """Seconds for one read in a fresh interpreter, imports included."""
    code = ("import time, sys; t = time.perf_counter(); from align.readers import read_article; "
            f"read_article({str(path)!r}); print(time.perf_counter() - t)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return float(r.stdout)


def warm(path: str, n: int = 5) -> tuple[float, int, int]:
    """Median seconds of n reads in this process (a long text's segmentation is cached after the first)."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        doc = read_article(path)
        times.append(time.perf_counter() - t)
    return statistics.median(times), len(doc.text), len(doc.sentences)


def main() -> None:
    import os

    os.environ.setdefault("SBS_CACHE_DIR", tempfile.mkdtemp(prefix="sbs-bench-cache-"))  # not the user's cache
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        made = [make(folder, s.stem, paragraphs(s)) for s in seeds]
        long_paras = [p for _ in range(10) for s in seeds for p in paragraphs(s)]
        long = make(folder, "long", long_paras)
        print(f"{'format':6} {'article':26} {'bytes':>9} {'chars':>8} {'units':>6} {'first read':>11} {'warm':>9}")
        for fmt in ("html", "pdf", "docx"):
            first = first_read(made[0][fmt])
            for k, files in enumerate(made):
                p = files[fmt]
                median, chars, units = warm(str(p))
                shown = f"{first:.2f} s" if k == 0 else ""
                print(f"{fmt:6} {p.name[:26]:26} {p.stat().st_size:>9,} {chars:>8,} {units:>6,} {shown:>11} "
                      f"{median * 1000:>7.1f} ms")
            p = long[fmt]
            t = time.perf_counter()
            doc = read_article(str(p))  # the first read segments; later ones find the units in the cache
            cold = time.perf_counter() - t
            median, chars, units = warm(str(p), 3)
            print(f"{fmt:6} {'long (seeds x10)':26} {p.stat().st_size:>9,} {chars:>8,} {units:>6,} "
                  f"{cold:>9.2f} s {median * 1000:>7.1f} ms  (first: segmentation; warm: units cached)")
        page = news_page(paragraphs(seeds[0]))

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        from align.readers import read_article as read

        url = f"http://127.0.0.1:{httpd.server_address[1]}/story"
        times = []
        for _ in range(5):
            t = time.perf_counter()
            read(url, pages_dir=folder / "pages")
            times.append(time.perf_counter() - t)
        httpd.shutdown()
        print(f"url    {'loopback, seed 000 as a page':26} {len(page):>9,} {'':>8} {'':>6} {'':>11} "
              f"{statistics.median(times) * 1000:>7.1f} ms  (fetch, keep, extract)")


if __name__ == "__main__":
    main()
