"""Fetching an article from a web address: bounded in time and size, every failure one line, the page kept.

urllib3 (MIT) is the HTTP client: trafilatura already depends on it, and its streamed reads let us stop at the
size cap and at the deadline instead of trusting the server. The page is saved under a name made of its host and
the SHA-256 of its bytes, with a small JSON note of the address and the time, so what was compared can be cited.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from align.document import DocumentError
from align.util.atomic import atomic_bytes

#: Seconds to connect, seconds of silence while reading, and seconds for the whole page.
TIMEOUT = 20.0
#: A news page is well under 5 MB; this stops a runaway download long before it fills memory.
MAX_PAGE_BYTES = 16 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "sidebyside (article comparison; +https://pypi.org/project/sidebyside/)"

#: Content types we can read, and the format each is read as.
CONTENT_TYPES = {
    "text/html": "html", "application/xhtml+xml": "html", "text/plain": "text", "text/markdown": "text",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
_EXTENSIONS = {"html": ".html", "text": ".txt", "pdf": ".pdf", "docx": ".docx"}


@dataclass(frozen=True)
class Page:
    """A fetched page: its bytes, the address they came from (after redirects) and where a copy was kept."""

    url: str
    final_url: str
    format: str  # html | text | pdf | docx, from the content type
    content_type: str
    data: bytes
    kept: str = ""


def is_url(source: str) -> bool:
    return source[:8].lower().startswith(("http://", "https://"))


def default_pages_dir() -> Path:
    """Where fetched pages are kept unless the caller says (the command line: `pages/` in its cache folder,
    $SBS_CACHE_DIR or the user cache): `pages/` in the user cache folder."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("sidebyside")) / "pages"


def fetch(url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_PAGE_BYTES,
          max_redirects: int = MAX_REDIRECTS) -> Page:
    """GET `url`; DocumentError with one line naming the address if it cannot be had as an article."""
    import urllib3
    from urllib3.exceptions import HTTPError, MaxRetryError

    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise DocumentError(f"{url}: not a web address (http:// or https://)")
    deadline = time.monotonic() + 3 * timeout
    pool = _pool(url, urllib3)
    retries = urllib3.Retry(total=None, connect=0, read=0, status=0, other=0, redirect=max_redirects,
                            raise_on_redirect=True, raise_on_status=False)
    try:
        resp = pool.request("GET", url, preload_content=False, retries=retries,
                            timeout=urllib3.Timeout(connect=timeout, read=timeout),
                            headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,"
                                     "application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5"})
    except MaxRetryError as exc:
        raise DocumentError(f"{url}: {_reason(exc.reason, max_redirects, timeout)}") from None
    except (HTTPError, OSError, ValueError) as exc:
        raise DocumentError(f"{url}: {_reason(exc, max_redirects, timeout)}") from None
    try:
        final = urljoin(url, resp.geturl() or url)  # urllib3 may give the path alone
        if resp.status >= 400:
            raise DocumentError(f"{url}: HTTP {resp.status} {resp.reason or ''}".rstrip())
        ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        fmt = CONTENT_TYPES.get(ctype) or ("html" if not ctype else "")
        if not fmt:
            raise DocumentError(f"{url}: not an article (content type {ctype}); sidebyside reads web pages, "
                                "PDF, DOCX and plain text")
        length = resp.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise DocumentError(f"{url}: too large ({_mb(int(length))}; the limit is {_mb(max_bytes)})")
        chunks, size = [], 0
        while True:
            # read1 returns what has arrived (a plain read would wait for the whole chunk), so the deadline is
            # checked while a server drips its page out a byte at a time.
            chunk = resp.read1(64 * 1024, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise DocumentError(f"{url}: too large (over {_mb(max_bytes)}, the limit)")
            if time.monotonic() > deadline:
                raise DocumentError(f"{url}: too slow (not complete after {3 * timeout:.0f} s)")
            chunks.append(chunk)
    except DocumentError:
        raise
    except (HTTPError, OSError) as exc:
        raise DocumentError(f"{url}: {_reason(exc, max_redirects, timeout)}") from None
    finally:
        resp.release_conn()
        resp.close()
        pool.clear()  # the sockets are closed now, not when the pool is collected
    return Page(url=url, final_url=str(final), format=fmt, content_type=ctype, data=b"".join(chunks))


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def _pool(url: str, urllib3):
    """A pool for the address: through the proxy the environment names (http_proxy, https_proxy, no_proxy), as
    browsers and curl do, except for the machine itself."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme.lower())
    if proxy and host not in ("localhost", "127.0.0.1", "::1") and not urllib.request.proxy_bypass(host):
        return urllib3.ProxyManager(proxy)
    return urllib3.PoolManager()


def _reason(exc: BaseException | None, max_redirects: int, timeout: float) -> str:
    from urllib3.exceptions import NameResolutionError, NewConnectionError, ProtocolError, ResponseError, SSLError
    from urllib3.exceptions import TimeoutError as Urllib3Timeout

    if isinstance(exc, ResponseError) and "redirect" in str(exc):
        return f"too many redirects (more than {max_redirects})"
    if isinstance(exc, NameResolutionError):  # before NewConnectionError, which it is a kind of
        return "host not found"
    if isinstance(exc, NewConnectionError):  # before the timeouts: urllib3 makes it a kind of ConnectTimeoutError
        if isinstance(exc.__cause__ or exc.__context__, TimeoutError) or "timed out" in str(exc):
            return f"no answer within {timeout:.0f} s"
        detail = str(exc).rsplit("] ", 1)[-1] if "]" in str(exc) else "connection failed"
        return f"cannot connect ({detail[:1].lower()}{detail[1:]})"
    if isinstance(exc, Urllib3Timeout):
        return f"no answer within {timeout:.0f} s"
    if isinstance(exc, SSLError):
        return "secure connection failed (TLS certificate or protocol)"
    if isinstance(exc, ProtocolError):
        return "the connection broke off"
    text = str(exc or "cannot fetch").splitlines()[0] if exc else "cannot fetch"
    return text[:200]


def keep_page(page: Page, directory: str | os.PathLike[str] | None = None) -> Page:
    """Save the page's bytes (and a note of where and when they were fetched) so the comparison can be cited;
    the same bytes fetched again reuse the file. Returns the page with `kept` set."""
    folder = Path(directory) if directory else default_pages_dir()
    digest = hashlib.sha256(page.data).hexdigest()
    host = "".join(c if c.isalnum() or c in ".-" else "_" for c in (urlsplit(page.final_url).hostname or "page"))
    path = folder / f"{host[:60]}-{digest[:16]}{_EXTENSIONS[page.format]}"
    note = {"url": page.url, "final_url": page.final_url, "content_type": page.content_type, "sha256": digest,
            "bytes": len(page.data), "fetched": datetime.now(UTC).isoformat(timespec="seconds")}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            atomic_bytes(path, page.data)
        atomic_bytes(path.with_name(path.name + ".json"),
                      (json.dumps(note, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    except OSError as exc:
        raise DocumentError(f"{page.url}: cannot keep a copy in {folder} ({exc.strerror or exc})") from None
    return Page(page.url, page.final_url, page.format, page.content_type, page.data, str(path))
