"""The alignment as one self-contained HTML page: the articles side by side, linked sentences level, word
differences and conflicts marked, the facts across all articles, and the figures a reader needs to judge it.

One file opens anywhere without a network: the CSS is inline, there are no scripts, fonts or images, and a
Content-Security-Policy forbids loading anything. Article text is data: every piece of it is escaped, control
and bidirectional-override characters are shown as visible marks, and each sentence sets its own direction.

Layout of a pair: both articles read top to bottom in their own order, each sentence once. The links that keep
both orders (the longest such chain) are drawn level, one table row each; what lies between two level rows sits
side by side in a row of its own. A link that crosses the chain (a fact told earlier in
one article than in the other) is marked on both sentences with a link to its partner (↗ R7).
With N > 2 articles the page has one section per pair (or only the pair asked for) and one facts table.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files

from align.alignment import Alignment, FactGroup, Link
from align.compare import Comparison
from align.conflicts import find_conflicts
from align.differences import word_diff
from align.document import Document
from align.export import refuse_an_article, select_pairs, write_output

KIND_MARK = {"same": "=", "partial": "≈", "conflict": "!"}
KIND_ORDER = {"same": 0, "partial": 1, "conflict": 2}
#: A conflict counts as this many more links when choosing which links to draw level.
CONFLICT_WEIGHT = 1.5
#: Beyond this many links the level chain is the longest increasing run (O(n log n)) instead of the quadratic
#: search that also weighs scores: a book of 5,000 links stays a fraction of a second.
EXACT_CHAIN_LIMIT = 1500


@dataclass(frozen=True)
class Row:
    """A row of the side-by-side table: contiguous sentence ranges of each article (either may be empty) and
    whether its sentences are drawn level (a linked passage) or are what lies between two of those."""

    left: range
    right: range
    level: bool


def level_rows(al: Alignment) -> list[Row]:
    """Rows covering every sentence of both articles once, each side in its own order, linked passages level.

    The level rows are the longest chain of links that keeps both orders (ties go to higher scores); a row then
    takes in the neighbouring sentences linked to its own (a fact one article tells in two sentences)."""
    n_left, n_right = len(al.left.sentences), len(al.right.sentences)
    chain = _chain(sorted(al.links, key=lambda ln: (ln.left, ln.right)))
    spans: list[tuple[int, int, int, int]] = []
    for k, ln in enumerate(chain):
        lo_l = spans[-1][1] + 1 if spans else 0
        lo_r = spans[-1][3] + 1 if spans else 0
        hi_l = chain[k + 1].left - 1 if k + 1 < len(chain) else n_left - 1
        hi_r = chain[k + 1].right - 1 if k + 1 < len(chain) else n_right - 1
        l0 = l1 = ln.left
        r0 = r1 = ln.right
        linked_r = {x.right for x in al.links_of_left(ln.left)}
        linked_l = {x.left for x in al.links_of_right(ln.right)}
        while r0 - 1 >= lo_r and r0 - 1 in linked_r:
            r0 -= 1
        while r1 + 1 <= hi_r and r1 + 1 in linked_r:
            r1 += 1
        while l0 - 1 >= lo_l and l0 - 1 in linked_l:
            l0 -= 1
        while l1 + 1 <= hi_l and l1 + 1 in linked_l:
            l1 += 1
        spans.append((l0, l1, r0, r1))
    rows: list[Row] = []
    li = ri = 0
    for l0, l1, r0, r1 in spans:
        if l0 > li or r0 > ri:
            rows.append(Row(range(li, l0), range(ri, r0), False))
        rows.append(Row(range(l0, l1 + 1), range(r0, r1 + 1), True))
        li, ri = l1 + 1, r1 + 1
    if li < n_left or ri < n_right:
        rows.append(Row(range(li, n_left), range(ri, n_right), False))
    return rows


def _chain(links: Sequence[Link]) -> list[Link]:
    """The links to draw level: each after the previous in both articles, the most of them, conflicts first
    (a conflict drawn level is what a reader must not miss), then higher scores."""
    if len(links) > EXACT_CHAIN_LIMIT:
        return _longest_run(links)
    if not links:
        return []
    weight = [1.0 + ln.score + (CONFLICT_WEIGHT if ln.kind == "conflict" else 0.0) for ln in links]
    best = list(weight)
    prev = [-1] * len(links)
    for t, ln in enumerate(links):
        for s in range(t):
            if links[s].left < ln.left and links[s].right < ln.right and best[s] + weight[t] > best[t]:
                best[t], prev[t] = best[s] + weight[t], s
    t = max(range(len(links)), key=best.__getitem__)
    out = []
    while t >= 0:
        out.append(links[t])
        t = prev[t]
    return out[::-1]


def _longest_run(links: Sequence[Link]) -> list[Link]:
    """The longest chain without regard to scores, in O(n log n): links by left, and within one left sentence by
    right descending, so a strictly increasing run of right indices uses each left sentence once."""
    from bisect import bisect_left

    order = sorted(links, key=lambda ln: (ln.left, -ln.right))
    tails: list[int] = []
    tail_at: list[int] = []
    prev = [-1] * len(order)
    for t, ln in enumerate(order):
        k = bisect_left(tails, ln.right)
        if k == len(tails):
            tails.append(ln.right)
            tail_at.append(t)
        else:
            tails[k], tail_at[k] = ln.right, t
        prev[t] = tail_at[k - 1] if k else -1
    t = tail_at[-1] if tail_at else -1
    out = []
    while t >= 0:
        out.append(order[t])
        t = prev[t]
    return out[::-1]


# --- text ------------------------------------------------------------------------------------------------------

#: Control characters as the escapes a programmer would write (\x1b): fonts often lack the Control Pictures
#: (␛) the terminal panes use. Bidirectional controls, which could reorder what a reader sees, become ⇄.
_SHOWN = {**{cp: f"\\x{cp:02x}" for cp in (*range(0x20), *range(0x7F, 0xA0))}, 0x09: " ", 0x0A: " ", 0x0D: " ",
          **{cp: "⇄" for cp in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}}


def text(value: object) -> str:
    """Any text for the page: escaped, control characters shown as escapes (\x1b), bidi controls as ⇄."""
    return html.escape(str(value).translate(_SHOWN), quote=True)


def _rule_title(rules: str) -> str:
    """A title attribute naming the conflict rules that found a conflict (align.conflicts), shown on hovering."""
    return f' title="{text("found by the " + rules + (" rules" if ";" in rules else " rule"))}"' if rules else ""


def _reason(reason: str, rules: str) -> str:
    return f"<span{_rule_title(rules)}>{text(reason)}</span>"


def marked(sentence: str, changed: Sequence[tuple[int, int]], conflicts: Sequence[tuple[int, int]]) -> str:
    """A sentence with its changed words underlined (<u>) and its conflicting words marked (<mark>)."""
    cuts = {0, len(sentence)}
    for s, e in (*changed, *conflicts):
        cuts.update((max(0, min(s, len(sentence))), max(0, min(e, len(sentence)))))
    edges = sorted(cuts)
    runs: list[list] = []  # [style, start, end], neighbours of one style merged
    for a, b in zip(edges, edges[1:]):
        style = ("mark" if any(s <= a and b <= e for s, e in conflicts)
                 else "u" if any(s <= a and b <= e for s, e in changed) else "")
        if runs and runs[-1][0] == style:
            runs[-1][2] = b
        else:
            runs.append([style, a, b])
    return "".join(f"<{st}>{text(sentence[a:b])}</{st}>" if st else text(sentence[a:b]) for st, a, b in runs)


# --- the page --------------------------------------------------------------------------------------------------

def report_html(comparison: Comparison, model: str = "", only: tuple[str, str] | None = None,
                made: datetime | None = None, version: str = "") -> str:
    """The page for every pair (or the pair `only` names) and the facts across all articles."""
    docs = comparison.documents
    pairs = select_pairs(comparison, only)
    made = made or datetime.now().astimezone()
    names = " vs ".join(d.name for d in docs) if len(docs) <= 3 else f"{len(docs)} articles"
    figures = [f"threshold {comparison.threshold:.2f}", f"model {model or 'unknown'}",
               f"made {made.strftime('%Y-%m-%d %H:%M %z').strip()}", f"{len(docs)} articles",
               f"{len(pairs)} pair{'s' if len(pairs) != 1 else ''} shown"]
    if version:
        figures.append(f"sidebyside {version}")
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           # Nothing may load: no script, no font, no image, no style sheet from elsewhere.
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           '<meta name="referrer" content="no-referrer">',
           f'<meta name="generator" content="sidebyside{text(" " + version if version else "")}">',
           f"<title>sidebyside: {text(names)}</title>",
           f"<style>\n{files('align').joinpath('report.css').read_text(encoding='utf-8')}</style>",
           "</head><body>", "<header>", f"<h1>{text(names)}</h1>",
           f'<p class="figures">{" · ".join(text(f) for f in figures)}</p>', _sources(docs), _legend()]
    if len(pairs) > 1:
        out.append('<nav><h2>Contents</h2><ol>' + "".join(
            f'<li><a href="#pair-{i + 1}-{j + 1}">{text(docs[i].name)} vs {text(docs[j].name)}</a></li>'
            for i, j in pairs) + '<li><a href="#facts">Facts across the articles</a></li></ol></nav>')
    out.append("</header><main>")
    for i, j in pairs:
        out.append(_pair(comparison.alignment(i, j), f"pair-{i + 1}-{j + 1}"))
    out.append(_facts(comparison))
    out.append("</main><footer><p>Offsets (hover a sentence) count characters of each article's text as read or "
               "extracted: <code>text[start:end]</code> is the sentence. For HTML, PDF and Word articles that is "
               "the extracted text (<code>sbs align --save-text DIR</code> writes it). Made by sidebyside, which "
               "pairs sentences that report the same fact; a link is a candidate for a reader to check, not a "
               "verdict.</p></footer></body></html>")
    return "\n".join(out) + "\n"


def _sources(docs: list[Document]) -> str:
    rows = []
    for k, d in enumerate(docs, 1):
        o = d.origin
        where = d.path if d.path and d.path != "-" else ("standard input" if d.path == "-" else "")
        source = (f'<a href="{text(o.url)}" rel="noreferrer noopener">{text(o.url)}</a>'
                  if o.url.startswith(("http://", "https://")) else text(where))
        kept = f'<br><span class="kept">kept as {text(o.kept)}</span>' if o.kept else ""
        title = text(o.title) if o.title else '<span class="none">no title</span>'
        about = " · ".join(text(x) for x in (o.byline, o.date, o.site) if x)
        about = f'<br><span class="about">{about}</span>' if about else ""
        rows.append(f"<tr><td>{k}</td><td>{text(d.name)}</td><td>{title}{about}</td>"
                    f"<td>{text(o.format)}</td><td>{len(d.sentences):,}</td><td>{source}{kept}</td></tr>")
    return ('<table class="sources"><caption>Articles</caption><thead><tr><th>#</th><th>name</th>'
            "<th>title · byline · date · site</th><th>format</th><th>sentences</th><th>source</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _legend() -> str:
    return ('<p class="legend">Marks: <span class="k same">=</span> same fact, nearly the same words · '
            '<span class="k partial">≈</span> partial: the same fact retold · '
            '<span class="k conflict">!</span> conflict: the same fact stated differently (the reason is under the '
            'row) · <u>underlined</u>: words that differ · <mark>marked</mark>: the words in conflict · '
            '<span class="k only">+</span> only this article · ↗ a link to a sentence elsewhere (the orders '
            "differ) · numbers are the link score in [0, 1].</p>")


def _heading(d: Document) -> str:
    o = d.origin
    sub = " · ".join(text(x) for x in (o.date, o.site or o.byline) if x)
    sub = f'<div class="about">{sub}</div>' if sub else ""
    title = f'<div class="title" dir="auto">{text(o.title)}</div>' if o.title else ""
    return f'<div class="name">{text(d.name)}</div>{title}{sub}'


def _pair(al: Alignment, anchor: str) -> str:
    kinds = {k: sum(1 for ln in al.links if ln.kind == k) for k in KIND_MARK}
    counts = (f"{_n(len(al.links), 'link')}: {kinds['same']:,} same, {kinds['partial']:,} partial, "
              f"{_n(kinds['conflict'], 'conflict')} · {_n(len(al.left_only), 'sentence')} only in "
              f"{al.left.name}, {len(al.right_only):,} only in {al.right.name}")
    rows = level_rows(al)
    left_row = {i: r for r, row in enumerate(rows) for i in row.left}
    right_row = {j: r for r, row in enumerate(rows) for j in row.right}
    marks = _sentence_marks(al)
    body = []
    for r, row in enumerate(rows):
        links = [ln for ln in al.links if ln.left in row.left and ln.right in row.right] if row.level else []
        left = "".join(_sentence(al, "L", i, anchor, marks, r, right_row) for i in row.left)
        right = "".join(_sentence(al, "R", j, anchor, marks, r, left_row) for j in row.right)
        if links:
            worst = max((ln.kind for ln in links), key=KIND_ORDER.__getitem__)
            mid = "<br>".join(f'<span class="k {ln.kind}">{KIND_MARK[ln.kind]}</span> {ln.score:.2f}'
                              for ln in links[:4]) + ("<br>…" if len(links) > 4 else "")
            cls = f"level {worst}"
        else:
            mid, cls = "", "between"
        body.append(f'<tr class="{cls}"><td class="l">{left}</td><td class="m">{mid}</td>'
                    f'<td class="r">{right}</td></tr>')
        reasons = [(ln.reason, ln.rules) for ln in links if ln.kind == "conflict" and ln.reason]
        if reasons:
            body.append('<tr class="why"><td colspan="3"><span class="k conflict">!</span> '
                        + " · ".join(_reason(*x) for x in dict.fromkeys(reasons)) + "</td></tr>")
    return (f'<section class="pair" id="{anchor}"><h2>{text(al.left.name)} vs {text(al.right.name)}</h2>'
            f'<p class="counts">{text(counts)}</p>'
            '<table class="sbs"><colgroup><col class="side"><col class="mid"><col class="side"></colgroup>'
            f'<thead><tr><th>{_heading(al.left)}</th><th></th><th>{_heading(al.right)}</th></tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></section>")


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _sentence_marks(al: Alignment) -> dict[tuple[str, int], tuple[list, list]]:
    """Per sentence: the spans of words that differ from its best-scoring partner, and of conflicting words."""
    out: dict[tuple[str, int], tuple[list, list]] = {}
    best: dict[tuple[str, int], Link] = {}
    for ln in al.links:
        for key in (("L", ln.left), ("R", ln.right)):
            if key not in best or ln.score > best[key].score:
                best[key] = ln
            spans = out.setdefault(key, ([], []))[1]
            for c in ln.conflicts:
                spans.append((c.left_start, c.left_end) if key[0] == "L" else (c.right_start, c.right_end))
    for key, ln in best.items():
        d = word_diff(al.left.sentences[ln.left].text, al.right.sentences[ln.right].text)
        side = d.left if key[0] == "L" else d.right
        out[key][0].extend((s.start, s.end) for s in side if s.op != "equal")
    return out


def _sentence(al: Alignment, side: str, k: int, anchor: str, marks, row: int, other_row: dict[int, int]) -> str:
    doc = al.left if side == "L" else al.right
    s = doc.sentences[k]
    links = al.links_of_left(k) if side == "L" else al.links_of_right(k)
    changed, conflicts = marks.get((side, k), ([], []))
    other = "R" if side == "L" else "L"
    refs = []
    for ln in links:
        partner = ln.right if side == "L" else ln.left
        if other_row.get(partner) != row:
            refs.append(f' <a class="ref" href="#{anchor}-{other}{partner + 1}" title="linked ({ln.kind}, '
                        f'{ln.score:.2f}) to sentence {partner + 1} of the other article">↗ {other}{partner + 1}</a>')
            if ln.kind == "conflict" and ln.reason:  # not drawn level: the reason goes with the reference
                refs.append(f' <span class="why"{_rule_title(ln.rules)}>{text(ln.reason)}</span>')
    if links:
        kind = max((ln.kind for ln in links), key=KIND_ORDER.__getitem__)
        mark = f'<span class="k {kind}">{KIND_MARK[kind]}</span> ' if kind == "conflict" else ""
    else:
        kind, mark = "only", '<span class="k only">+</span> '
    return (f'<p class="s {kind} {s.kind}" id="{anchor}-{side}{k + 1}" dir="auto" '
            f'title="{side}{k + 1} · characters {s.start}–{s.end}">{mark}'
            f"{marked(s.text, changed, conflicts)}{''.join(refs)}</p>")


def _facts(comparison: Comparison) -> str:
    """The overview's table: one row per fact reported by two or more articles (most sources first, conflicts
    first among equals); the facts a single article reports follow, folded (a native <details>, no script)."""
    docs = comparison.documents
    groups = sorted(comparison.groups(), key=lambda g: (-g.sources, not g.has_conflict, g.first))
    n = len(docs)
    shared = [g for g in groups if g.sources > 1]
    single = [g for g in groups if g.sources == 1]
    everywhere = sum(1 for g in groups if g.sources == n)
    conflicts = sum(1 for g in groups if g.has_conflict)
    head = f'<thead><tr><th>fact</th><th>in</th>{"".join(f"<th>{text(d.name)}</th>" for d in docs)}</tr></thead>'

    def table(rows: list[FactGroup]) -> str:
        body = []
        for g in rows:
            cells = "".join(_fact_cell(comparison, g, d) for d in range(n))
            cls = "conflict" if g.has_conflict else ("only" if g.sources == 1 else "")
            body.append(f'<tr class="{cls}"><td class="n">{g.id}</td><td class="n">{g.sources}/{n}</td>{cells}</tr>')
        return f'<table class="facts">{head}<tbody>{"".join(body)}</tbody></table>'

    some = f", {len(shared) - everywhere:,} by some of them" if n > 2 else ""
    out = [f'<section id="facts"><h2>Facts across the articles</h2><p class="counts">{_n(len(groups), "fact")}: '
           f"{everywhere:,} reported by {'both articles' if n == 2 else f'all {n} articles'}{some}, "
           f"{len(single):,} by one article only; {_n(conflicts, 'fact')} with a conflict. Each row is one fact; "
           "the version marked ◆ is the one the others are compared with (their differing words underlined, "
           "conflicting words marked, the reason below).</p>"]
    if shared:
        out.append(table(shared))
    if single:
        out.append(f"<details><summary>{_n(len(single), 'fact')} only one article reports (marked + in the "
                   f"pairs above)</summary>{table(single)}</details>")
    out.append("</section>")
    return "".join(out)


def _fact_cell(comparison: Comparison, g: FactGroup, d: int) -> str:
    if d not in g.members:
        return '<td class="silent">·</td>'
    doc = comparison.documents[d]
    relation = "only" if g.sources == 1 else ("pivot" if d == g.pivot else g.relations[d])
    mark = {"pivot": "◆", "only": "+", **KIND_MARK}[relation]
    parts = []
    for s in g.members[d]:
        t = doc.sentences[s].text
        changed: list[tuple[int, int]] = []
        conflicts: list[tuple[int, int]] = []
        if d != g.pivot:
            changed = [(sp.start, sp.end) for sp in word_diff(g.label, t).right if sp.op != "equal"]
            conflicts = [(c.right_start, c.right_end) for c in find_conflicts(g.label, t)]
        elif t == g.label:  # the label's words that another version contradicts
            conflicts = [(c.left_start, c.left_end) for o, ss in g.members.items()
                         if o != d and g.relations.get(o) == "conflict" for x in ss
                         for c in find_conflicts(t, comparison.documents[o].sentences[x].text)]
        parts.append(f'<span dir="auto">{marked(t, changed, conflicts)}</span>')
    why = ""
    if relation == "conflict":
        reasons = [c.reason for s in g.members[d] for c in find_conflicts(g.label, doc.sentences[s].text)]
        if reasons:
            why = f'<div class="why">{text("; ".join(dict.fromkeys(reasons)))}</div>'
    return (f'<td class="{relation}"><span class="k {relation}">{mark}</span> {" ".join(parts)}{why}</td>')


def write_html(comparison: Comparison, path: str, model: str = "", only: tuple[str, str] | None = None,
               version: str = "") -> None:
    """Write the report atomically (temporary file and rename); refuses to replace an article."""
    refuse_an_article(path, comparison.documents)
    page = report_html(comparison, model=model, only=only, version=version)  # built before the file opens
    write_output(path, lambda f: f.write(page))
