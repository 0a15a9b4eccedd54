"""Article names that fit a width and still tell the articles apart.

Journalists' file names often share a long start or end ("2023-05-23 Belgorod raid - BBC.txt", "2023-05-23
Belgorod raid - Reuters.txt"); cutting them at the end shows the same words for every article. Here the part
that differs is always kept: the shared start and end are cut first (marked with …), and what room is left
goes back to the name around it.
"""

from __future__ import annotations

import os

from tui.text_safety import safe_line

SEPARATORS = " -_."


def _boundary_prefix(prefix: str) -> int:
    """Length of the shared start, cut back to just after a separator (never mid-word)."""
    for k in range(len(prefix) - 1, -1, -1):
        if prefix[k] in SEPARATORS:
            return k + 1
    return 0


def _boundary_suffix(suffix: str) -> int:
    """Length of the shared end, cut forward to a separator."""
    for k, ch in enumerate(suffix):
        if ch in SEPARATORS:
            return len(suffix) - k
    return 0


def _shown(name: str, lo: int, hi: int) -> str:
    return ("…" if lo > 0 else "") + name[lo:hi] + ("…" if hi < len(name) else "")


def _middle(name: str, width: int) -> str:
    """The start and the end of the name (date, outlet, extension) around one …"""
    if len(name) <= width:
        return name
    keep = max(width - 1, 0)
    return (name[:keep - keep // 2] + "…" + name[len(name) - keep // 2:])[:width]


def _fit(name: str, lo: int, hi: int, width: int) -> str:
    """name[lo:hi] (the part that tells it apart) within `width`, widened with whole words around it."""
    if len(_shown(name, lo, hi)) > width:
        return _middle(name, width)
    start, end = lo, hi
    grew = True
    while grew:
        grew = False
        if hi < len(name) and len(_shown(name, lo, hi + 1)) <= width:
            hi, grew = hi + 1, True
        if lo > 0 and len(_shown(name, lo - 1, hi)) <= width:
            lo, grew = lo - 1, True
    # Never show half a word at a cut: back off to the nearest separator (the differing part always stays).
    if 0 < lo < start:
        cut = next((k + 1 for k in range(lo, start) if name[k] in SEPARATORS), start)
        lo = cut if name[lo - 1] not in SEPARATORS else lo
    if end < hi < len(name):
        cut = next((k for k in range(hi, end, -1) if name[k] in SEPARATORS), end)
        hi = cut if name[hi] not in SEPARATORS else hi
    return _shown(name, lo, hi)


def distinct_names(names: list[str], width: int) -> list[str]:
    """Each name made safe to draw and at most `width` characters, keeping the part where they differ."""
    clean = [safe_line(n, 10_000) for n in names]
    width = max(width, 1)
    if all(len(n) <= width for n in clean):
        return clean
    p = s = 0
    if len(set(clean)) > 1:
        p = _boundary_prefix(os.path.commonprefix(clean))
        s = _boundary_suffix(os.path.commonprefix([n[::-1] for n in clean])[::-1])
        s = max(0, min(s, min(len(n) for n in clean) - p))
    return [n if len(n) <= width else _fit(n, p, len(n) - s, width) for n in clean]
