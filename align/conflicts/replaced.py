"""Words one sentence replaces by another word in the other, as the word differences show them (not a rule: it
exposes no RULE; the opposites and dates rules use it)."""

from __future__ import annotations

from collections.abc import Callable
from difflib import SequenceMatcher

from align.alignment import Conflict
from align.text import is_content, tokens

#: The most words on either side of one replacement for its words to count (a long rewrite that happens to hold
#: "east" on one side and "west" on the other is not a statement of the opposite).
REACH = 4


def replaced(a: str, b: str, match: Callable[[str, str], str | None]) -> list[Conflict]:
    """Words of `a` that `b` replaces by a word `match(x, y)` names a conflict for (its reason's head), where the
    word differences put one in place of the other next to a content word both sentences share."""
    ta, tb = tokens(a), tokens(b)
    out = []
    sm = SequenceMatcher(None, [t.key for t in ta], [t.key for t in tb], autojunk=False)
    ops = sm.get_opcodes()
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        if op != "replace" or i2 - i1 > REACH or j2 - j1 > REACH:
            continue
        # Anchored: a content word both sentences share right before or after ("schools to | close / stay open").
        if not any(o[0] == "equal" and any(is_content(t) for t in ta[o[1]:o[2]])
                   for o in ops[max(0, k - 1):k] + ops[k + 1:k + 2]):
            continue
        for x in ta[i1:i2]:
            found = next(((y, what) for y in tb[j1:j2] if (what := match(x.key, y.key))), None)
            if found is not None:
                y, what = found
                out.append(Conflict(x.start, x.end, y.start, y.end, f"{what}: {a[x.start:x.end]} vs {b[y.start:y.end]}"))
                break
    return out
