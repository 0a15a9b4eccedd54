"""The rules' word lists, read from the text files in `data/` (one list a file; `#` starts a comment).

Lists are data, not code, so a reader can extend one without reading a rule: a number word, an opposite pair, a
counted noun. Read once per process; the files ship inside the package (importlib.resources).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def lines(name: str) -> tuple[str, ...]:
    """The non-empty lines of `data/NAME.txt`, comments and surrounding blanks removed, in file order."""
    text = (files("align.conflicts") / "data" / f"{name}.txt").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return tuple(out)


def word_list(name: str) -> tuple[str, ...]:
    """Every whitespace-separated word of `data/NAME.txt`, in file order."""
    return tuple(w for line in lines(name) for w in line.split())


def word_table(name: str) -> tuple[tuple[str, ...], ...]:
    """Each line of `data/NAME.txt` split at whitespace: a word and its values."""
    return tuple(tuple(line.split()) for line in lines(name))
