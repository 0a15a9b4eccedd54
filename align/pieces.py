"""Encoding a list of texts as a model reads them: each distinct text once, and a text longer than the model's
window by the pieces the window holds.

Why pieces here and not more units in segmentation: a unit is what the reader sees, compares and exports, and its
bounds must not depend on the model (segmentation is cached per text, the CSV offsets are a contract, and models
differ in window: all-MiniLM-L6-v2 reads 256 word pieces, others 384 or 512). So segmentation only keeps units
displayable (align.segment.MAX_UNIT characters, cut at a space), and a unit that still holds more word pieces than
the model's window is cut here, at word starts, into pieces of at most the window; its vector is the mean of its
pieces' vectors weighted by their word pieces (the mean pooling the model would have done over the whole text,
had it fit), normalised. Nothing of a unit is left unread, and its span in the export stays exactly the unit's.

Identical texts are encoded once (a file of one line repeated, a paragraph pasted twice): the vectors are the
same whatever else is encoded alongside, so this changes no result, only the time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

#: (done, total) in texts.
Progress = Callable[[int, int], None]
#: Encodes texts that fit the window: float32 rows, one per text.
Encode = Callable[[list[str], "Progress | None"], np.ndarray]
#: Character offsets (start, end) of each word piece of each text, special tokens excluded.
Offsets = Callable[[list[str]], list[list[tuple[int, int]]]]

#: Word pieces kept free below the window when a text is cut: a piece cut inside a very long word (a URL, a line of
#: CJK characters without spaces) may tokenise into a few more pieces on its own than it did inside the text.
SLACK = 8


def distinct(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The distinct texts in order of first appearance, and for each text the index of its distinct text."""
    first: dict[str, int] = {}
    inverse = np.fromiter((first.setdefault(t, len(first)) for t in texts), dtype=np.int64, count=len(texts))
    return list(first), inverse


def cut(text: str, offsets: Sequence[tuple[int, int]], window: int) -> list[tuple[int, int, int]]:
    """Pieces of `text` of at most `window` word pieces: (start, end, word pieces), consecutive, covering every word
    piece. Each piece ends before a word start (a token after white space) when one lies in its second half."""
    n = len(offsets)
    if n <= window:
        return [(0, len(text), n)]
    out = []
    a = 0
    while a < n:
        b = min(n, a + window)
        if b < n:
            for k in range(b, a + window // 2, -1):
                if offsets[k][0] > offsets[k - 1][1]:  # token k starts a word
                    b = k
                    break
        out.append((offsets[a][0], offsets[b - 1][1], b - a))
        a = b
    return out


def encode_texts(texts: Sequence[str], encode: Encode, window: int | None = None, offsets: Offsets | None = None,
                 progress: Progress | None = None) -> np.ndarray:
    """Unit rows (len(texts), dim): each distinct text encoded once; with a `window` (word pieces the model reads,
    special tokens excluded) and `offsets`, a longer text is encoded by pieces and averaged (see the module).

    A text that fits the window gets exactly the row `encode` gave it; with no repeated text and none too long,
    this is one call of `encode` on `texts` itself."""
    texts = list(texts)
    if not texts:
        return encode(texts, progress)
    unique, inverse = distinct(texts)
    spans = None
    if window is not None and offsets is not None:
        step = max(1, window - SLACK)
        spans = [cut(t, o, step) if len(o) > window else None for t, o in zip(unique, offsets(unique))]
        if not any(spans):
            spans = None
    if spans is None:
        pieces = unique
    else:
        pieces = [t[a:b] for t, s in zip(unique, spans) for a, b, _ in (s or [(0, len(t), 0)])]
    piece_texts, piece_inverse = distinct(pieces)  # pieces repeat too: a long line of one word repeated

    step_progress: Progress | None = None
    if progress is not None:
        report = progress

        def step_progress(done: int, total: int) -> None:
            report(min(len(texts), done * len(texts) // max(1, total)), len(texts))

    encoded = np.asarray(encode(piece_texts, step_progress), np.float32)
    vecs = encoded[piece_inverse]
    if spans is not None:
        rows = np.empty((len(unique), vecs.shape[1]), np.float32)
        k = 0
        for u, s in enumerate(spans):
            if s is None:
                rows[u] = vecs[k]
                k += 1
            else:
                w = np.array([n for _, _, n in s], np.float32)
                mean = (vecs[k:k + len(s)] * w[:, None]).sum(axis=0)
                rows[u] = mean / max(float(np.linalg.norm(mean)), 1e-12)
                k += len(s)
        vecs = rows
    if progress:
        progress(len(texts), len(texts))
    return vecs[inverse]


