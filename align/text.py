"""The words of a sentence, read one way for the whole library: tokens with offsets, stop words, stems.

Three readings, each for one job:
- `tokens`: words, numbers and `%` with their offsets, a comparison key, a stem and whether a clause break comes
  before them: what the conflict rules parse;
- `spaced_words`: whitespace-separated words with offsets, compared without case, punctuation or curly quotes:
  what the word differences show (a reader sees "70," changed, not "70" and ",");
- `words`: the lower-cased letters-and-digits runs of a text: what the link kinds and the scorer's word overlap
  count. `scorer_words` is the scorer's reading of them; its stop words and stems are the ones the shipped
  weights were fitted on (align/weights), so it changes only together with a refit (bench/calibrate.py --write).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# ---------------------------------------------------------------------------------------------------- tokens

_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[^\W\d_]+(?:['’][^\W\d_]+)*|%")
#: Characters between two tokens that end a clause (quotes and dashes do not).
CLAUSE_BREAK = frozenset(",.;:!?()…")


class Token(NamedTuple):
    """One word, number or `%` of a sentence."""

    start: int
    end: int
    key: str  # lower case, straight apostrophe
    stem: str  # see `stem`
    brk: bool  # a clause break lies between this token and the previous one
    cap: bool  # starts with a capital letter: a name, or a sentence's first word


# Why not a library stemmer: Snowball's English stemmer (BSD) as the one stemmer for `stem` and `lemma` left the
# seeds' exports identical but made Law's false conflicts 10 -> 13, as it stems a noun and its verb alike
# ("commandments" / "commanded not"); `lemma` exists to keep those apart (docs/quality.md, Link kinds).
def stem(key: str) -> str:
    """A crude stem of a lower-case word, so word forms meet ('agrees'/'agreed', 'injured'/'injuries'): a plural
    s off, then the first five letters. Numbers are their own stem."""
    if key[0].isdigit():
        return key
    if len(key) > 3 and key[-1] == "s" and key[-2] != "s":
        key = key[:-1]
    return key[:5]


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[Token, ...]:
    """The sentence's tokens, memoized by text (linking compares one sentence with many)."""
    out: list[Token] = []
    prev_end = 0
    new = tuple.__new__  # a NamedTuple without the keyword handling of Token(...): tokenizing is most of the cost
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        word = m.group()
        key = word.lower()
        if "’" in key:
            key = key.replace("’", "'")
        gap = text[prev_end:start]
        brk = gap != " " and bool(out) and not CLAUSE_BREAK.isdisjoint(gap)
        out.append(new(Token, (start, end, key, stem(key), brk, word[0].isupper())))
        prev_end = end
    return tuple(out)


#: Words that say little about what a sentence reports, modern and older English ("hath", "thou": translations).
STOP_WORDS = frozenset(
    "the a an and or but of to in on at by for with from as is are was were be been being has have had it its this "
    "that these those he she they them his her their we our you your i said says say after before than then there "
    "which who whom what when where while also into over about more most some such only other would could should "
    "will can may might do does did so if up out one two day days this according told shall must "
    "art hast hath hadst shalt wilt dost doth didst canst thee thou thy ye".split()
)


def is_content(tok: Token) -> bool:
    """A word that carries content: not a stop word, not a number, longer than two letters."""
    return tok.key not in STOP_WORDS and not tok.key[0].isdigit() and len(tok.key) > 2


# ---------------------------------------------------------------------------------------------- spaced words

#: Chinese and Japanese characters (Han, kana): these scripts put no space between words, so each character is a
#: word of its own here (a difference inside a CJK sentence marks the characters that differ, not the sentence).
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACED = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")
_STRIP = re.compile(r"[^\w%$€£]+")


def spaced_words(text: str) -> list[tuple[int, int, str]]:
    """Whitespace-separated words (a CJK character is one) with offsets and their comparison key (lower case, no
    punctuation, straight quotes); a run of punctuation alone is no word."""
    out = []
    for m in _SPACED.finditer(text):
        key = m.group().lower()
        if not key.isalnum():
            key = _STRIP.sub("", key.replace("’", "'"))
        if key:
            out.append((m.start(), m.end(), key))
    return out


# ----------------------------------------------------------------------------------------------------- words

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The lower-cased runs of letters and digits ("Kyiv's 1,500" -> kyiv, s, 1, 500)."""
    return _WORD.findall(text.lower())


#: The scorer's stop words (see the module's docstring: its weights were fitted on them).
SCORER_STOP_WORDS = frozenset(
    "the a an and or but of to in on at by for with from as is are was were be been being has have had it its "
    "this that these those he she they them his her their we our you your i not no said says say after before "
    "than then there which who whom what when where while also into over about more most some such only other "
    "would could should will can may might do does did so if up out new one two unto thee thou thy shall hath "
    "him me my us".split()
)


def scorer_words(text: str) -> list[str]:
    """The scorer's content words: `words` without its stop words and one- or two-letter words, cut to their
    first six letters so 'injured'/'injuries' meet; numbers kept whole."""
    out = []
    for w in words(text):
        if w in SCORER_STOP_WORDS or (len(w) < 3 and not w.isdigit()):
            continue
        out.append(w if w.isdigit() else w[:6])
    return out


def lemma(key: str) -> str:
    """A lower-case word's verb or noun form, finer than `stem`: 'agrees'/'agreed'/'agree' and 'fighting'/'fight'
    meet, 'fighters' stays apart (a negated verb must meet the same verb, not a noun sharing its first letters)."""
    for suf, rep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if key.endswith(suf) and len(key) - len(suf) >= 3:
            key = key[: -len(suf)] + rep
            break
    return key.rstrip("e")
