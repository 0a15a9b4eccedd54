"""Cross-source fact groups: the sentences across N articles that report one fact, each fact once.

Links from all pairs form a graph over (document, sentence) nodes. Connected components would chain unrelated
facts together through long sentences (A-B on one fact, B-C on another), so groups are built by constrained
average linkage instead. Support between two sentences is their link score, else their sub-threshold candidate
score, else 0; two sentences that count the same thing for the same event ("12 civilians were injured", "no
civilians had been harmed") support each other whatever else they say, since the number is the fact.

1. Links are taken strongest first. A link merges the groups of its two sentences when they cover different
   articles, and every sentence of the smaller group is supported by a strict majority of the larger group's
   articles, with a high enough average: one link through a long sentence cannot pull a fact in.
2. A further sentence of an article already in a group joins it by the same rule (a fact told in two sentences).
3. An article missing from a group contributes its best-supported sentence by the same rule, from links or
   sub-threshold candidates; a sentence already in another fact may join a second one when its support is
   high (a long sentence that reports two facts).
4. A linked sentence still alone joins the row of its strongest partner when that row lacks its article and
   another of the row's articles supports it a little; else it forms a fact with that partner (which then
   reports two facts).
5. Every sentence left over is a fact only its own article reports (a group with one source).
An exact copy of another article (a wire story two outlets ran) is grouped as its original, so it never tips a
majority.

The pivot is the article whose version conflicts with the fewest others, then has the most support (a sentence
that is in two facts, or a heading, only if no other can); its sentence labels the group, and every other article's relation
(same / partial / conflict) is classified against it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from align.alignment import Alignment, FactGroup, PairScores
from align.differences import classify
from align.document import Document
from align.linking import SECOND_PARTNER_MARGIN

# Support levels, as multiples of the link threshold (scores are calibrated around it; a reader who lowers the
# threshold in the app asks for looser groups too).
#: Average support over cross articles needed to merge two groups.
MERGE_SUPPORT = 1.0
#: Support that counts as agreement in the majority rule (a candidate score, below the link threshold).
WEAK_SUPPORT = 0.75
#: Average support for a sentence without a group to complete a group that misses its article (step 3): the
#: majority rule already asks most of the group's articles to support it.
ATTACH_SUPPORT = 0.75
#: Average support for a sentence already in another fact to join a second one.
SECOND_FACT_SUPPORT = 1.25
#: Support from a second article that lets a linked sentence left alone complete its partner's row (step 4).
SECOND_VOICE_SUPPORT = 0.4
#: Support between two sentences that count the same thing for the same event.
QUANTITY_SUPPORT = 1.5
#: Pairs of sentences in different articles that count one kind of thing, at most: a kind of count stated more often
#: than that (a book's worth of numbers, a file of one sentence repeated) says nothing about which two report one
#: fact, and is skipped.
QUANTITY_PAIRS = 50_000

Node = tuple[int, int]  # (document index, sentence index)
Members = dict[int, list[int]]


class _Support:
    """Support between two sentences: link score, else candidate score, else shared quantity, else 0 (a link
    kept for a shared count takes the higher of its score and the count's support)."""

    def __init__(self, documents, alignments, scores) -> None:
        thresholds = {al.threshold for al in alignments.values()}
        self.threshold = min(thresholds) if thresholds else 0.5
        self.links: dict[Node, dict[Node, float]] = {}
        self.edges: list[tuple[float, Node, Node]] = []
        for (a, b), al in alignments.items():
            for ln in al.links:
                u, v = (a, ln.left), (b, ln.right)
                self.links.setdefault(u, {})[v] = ln.score
                self.links.setdefault(v, {})[u] = ln.score
                self.edges.append((ln.score, u, v))
        self.weak: dict[Node, dict[Node, float]] = {}
        for (a, b), ps in (scores or {}).items():
            for (i, j), s in zip(ps.pairs.tolist(), ps.scores.tolist()):
                self._weak((a, i), (b, j), s)
        for u, v in _shared_quantities(documents):
            self._weak(u, v, max(self.weak.get(u, {}).get(v, 0.0), min(0.95, self.level(QUANTITY_SUPPORT))))
        self._near: dict[Node, dict[int, list[Node]]] = {}

    def _weak(self, u: Node, v: Node, s: float) -> None:
        self.weak.setdefault(u, {})[v] = s
        self.weak.setdefault(v, {})[u] = s

    def near(self, n: Node) -> dict[int, list[Node]]:
        """The sentences n has any support from (links and candidates), by article, sorted."""
        if n not in self._near:
            by_doc: dict[int, list[Node]] = {}
            for o in sorted(set(self.links.get(n, ())) | set(self.weak.get(n, ()))):
                by_doc.setdefault(o[0], []).append(o)
            self._near[n] = by_doc
        return self._near[n]

    def best(self, n: Node, d: int, ss: list[int], member: Callable[[Node], bool] | None = None) -> float:
        """max(self(n, (d, s)) for s in ss). With `member` (whether a sentence is among ss), through n's supporters
        when they are fewer: a fact one article tells in a thousand copies must not cost a thousand look-ups
        per sentence that joins it (support is never negative, and 0 where there is none)."""
        near = self.near(n).get(d, ()) if member is not None else ()
        if member is None or len(ss) <= len(near):
            return max(self(n, (d, s)) for s in ss)
        return max((self(n, o) for o in near if member(o)), default=0.0)

    def strength(self, n: Node, nodes: list[Node], node_set: set[Node]) -> float:
        """sum(self(n, o) for o in nodes if o[0] != n[0]) for `nodes` sorted; only n's supporters add anything, so
        they are summed alone, in the same order (the same float) when they are fewer."""
        near = [o for d, os in self.near(n).items() if d != n[0] for o in os]
        if len(near) >= len(nodes):
            return sum(self(n, o) for o in nodes if o[0] != n[0])
        return sum(self(n, o) for o in near if o in node_set)

    def level(self, multiple: float) -> float:
        return multiple * self.threshold

    def __call__(self, u: Node, v: Node) -> float:
        s = self.links.get(u, {}).get(v)
        weak = self.weak.get(u, {}).get(v, 0.0)
        # A link below the second partners' band was kept for a count both sentences state (align.linking
        # .count_partners): it keeps the support that shared count gives.
        return weak if s is None else max(s, weak) if s < self.threshold - SECOND_PARTNER_MARGIN else s

    def joins(self, small: list[Node], large: Members, average: float = MERGE_SUPPORT,
              member: Callable[[Node], bool] | None = None) -> float | None:
        """Average support if `small` may join the group `large`: each sentence of `small` must be supported by a
        strict majority of the other articles in `large` (an article's support is its best sentence's), and the
        average over those articles must reach `average` (a multiple of the link threshold). `member` tells
        whether a sentence is in `large` (see `best`)."""
        total, count = 0.0, 0
        for n in small:
            sup = [self.best(n, d, ss, member) for d, ss in large.items() if d != n[0]]
            if not sup:
                continue
            if sum(1 for s in sup if s >= self.level(WEAK_SUPPORT)) * 2 <= len(sup):
                return None
            total += sum(sup)
            count += len(sup)
        if not count or total / count < self.level(average) - 1e-9:
            return None
        return total / count


def build_groups(
    documents: list[Document],
    alignments: Mapping[tuple[int, int], Alignment],
    scores: Mapping[tuple[int, int], PairScores] | None = None,
    singles: bool = True,
) -> list[FactGroup]:
    """Fact groups over all documents, ordered by first appearance (article order, then sentence order).

    `alignments` maps (i, j) with i < j to the alignment of document i with j; `scores`, when given, supplies
    sub-threshold candidate scores as weaker support. With `singles`, sentences no other article reports are
    groups with one source.
    """
    copies = _copies(documents)
    if copies:
        return _with_copies(documents, alignments, scores, singles, copies)
    support = _Support(documents, alignments, scores)
    links = support.links

    # 1. Average-linkage merges along links, strongest first; a group has one sentence per article.
    group_of: dict[Node, int] = {}
    groups: dict[int, Members] = {}
    for node in sorted(links):
        group_of[node] = len(groups)
        groups[len(groups)] = {node[0]: [node[1]]}
    for _, u, v in sorted(support.edges, key=lambda e: (-e[0], e[1], e[2])):
        gu, gv = group_of[u], group_of[v]
        if gu == gv or groups[gu].keys() & groups[gv].keys():
            continue
        small, large = sorted((gu, gv), key=lambda g: (_size(groups[g]), g))
        if support.joins(_nodes(groups[small]), groups[large], member=_in_group(group_of, large)) is None:
            continue
        for d, ss in groups.pop(small).items():
            groups[large][d] = ss
            for s in ss:
                group_of[(d, s)] = large

    # 2. A sentence left alone joins a linked group that already has its article, by the same rule.
    for node in sorted(links):
        g = group_of[node]
        if _size(groups[g]) > 1:
            continue
        options = []
        for h in {group_of[o] for o in links[node]} - {g}:
            if node[0] in groups[h]:
                avg = support.joins([node], groups[h], member=_in_group(group_of, h))
                if avg is not None:
                    options.append((avg, -h))
        if options:
            h = -max(options)[1]
            del groups[g]
            groups[h][node[0]].append(node[1])
            group_of[node] = h

    # 3. An article missing from a group contributes its best-supported sentence (links or candidates).
    extra: dict[int, Members] = {}
    for gid, members in sorted(groups.items()):
        if len(members) < 2:
            continue
        nodes = _nodes(members)
        for d in range(len(documents)):
            if d in members:
                continue
            cands = sorted({v for n in nodes for near in (support.weak.get(n, {}), links.get(n, {}))
                            for v in near if v[0] == d})
            best = None
            for c in cands:
                alone = _size(groups[group_of[c]]) == 1 if c in group_of else True
                avg = support.joins([c], members, ATTACH_SUPPORT if alone else SECOND_FACT_SUPPORT,
                                    _in_group(group_of, gid))
                if avg is not None and (best is None or avg > best[0]):
                    best = (avg, c, alone)
            if best is not None:
                extra.setdefault(gid, {})[d] = [best[1][1]]
    for gid, add in extra.items():
        for d, ss in add.items():
            node = (d, ss[0])
            if node in group_of and _size(groups.get(group_of[node], {})) == 1 and group_of[node] != gid:
                del groups[group_of[node]]
                group_of[node] = gid
            groups[gid][d] = ss

    # 4. A linked sentence still alone: a fact it shares with its strongest partner. Each row also notes its
    #    borrowed sentences (whose first fact is another row): they label a row only when nothing else can, or
    #    two rows would read the same.
    rows = [(m, {n for n in _nodes(m) if group_of.get(n, gid) != gid}) for gid, m in groups.items() if len(m) >= 2]
    grouped = {n for m, _ in rows for n in _nodes(m)}
    row_of: dict[Node, set[int]] = {}  # the rows each sentence is in
    for x, (m, _) in enumerate(rows):
        for n in _nodes(m):
            row_of.setdefault(n, set()).add(x)
    for node in sorted(links):
        if node in grouped:
            continue
        partner = max(links[node], key=lambda o: (links[node][o], (-o[0], -o[1])))
        # When the partner's row lacks this article, the sentence completes that row rather than open a second
        # row around the same partner sentence, provided some other article of the row shows it support too:
        # one link alone does not pull a sentence into a fact.
        homes = []
        for x in sorted(row_of.get(partner, ())):
            m = rows[x][0]
            if node[0] in m:
                continue
            per_doc = {d: support.best(node, d, ss, _in_row(row_of, x)) for d, ss in m.items()}
            if any(v >= support.level(SECOND_VOICE_SUPPORT) for d, v in per_doc.items() if d != partner[0]):
                homes.append((sum(per_doc.values()) / len(per_doc), -x))
        if homes:
            x = -max(homes)[1]
            rows[x][0][node[0]] = [node[1]]
            row_of.setdefault(node, set()).add(x)
        else:
            rows.append(({node[0]: [node[1]], partner[0]: [partner[1]]}, {partner}))
            for n in (node, partner):
                row_of.setdefault(n, set()).add(len(rows) - 1)
        grouped.add(node)

    # 5. The rest is reported by one article only.
    if singles:
        rows += [({d: [s.index]}, set()) for d, doc in enumerate(documents) for s in doc.sentences
                 if (d, s.index) not in grouped]

    out = [_fact(documents, m, support, borrowed) for m, borrowed in rows]
    out.sort(key=lambda g: (g.first, -g.sources))
    return [FactGroup(i + 1, g.members, g.relations, g.pivot, g.label, g.first) for i, g in enumerate(out)]


def _copies(documents: list[Document]) -> dict[int, int]:
    """Articles whose text is an exact copy of an earlier one (a wire story run by two outlets): copy -> first."""
    first: dict[str, int] = {}
    return {d: first[doc.text] for d, doc in enumerate(documents) if first.setdefault(doc.text, d) != d}


def _with_copies(documents, alignments, scores, singles, copies: dict[int, int]) -> list[FactGroup]:
    """Groups over the distinct articles, then each copy reports what its original reports, as the original does:
    a copy must not change which facts the others share (it would add a vote to every majority it is in)."""
    distinct = [d for d in range(len(documents)) if d not in copies]
    index = {d: k for k, d in enumerate(distinct)}
    sub = lambda mapping: {(index[a], index[b]): v for (a, b), v in (mapping or {}).items()  # noqa: E731
                           if a in index and b in index}
    groups = build_groups([documents[d] for d in distinct], sub(alignments), sub(scores), singles)
    out = []
    for g in groups:
        members = {distinct[k]: ss for k, ss in g.members.items()}
        relations = {distinct[k]: r for k, r in g.relations.items()}
        pivot = distinct[g.pivot]
        for copy, original in copies.items():
            if original in members:
                members[copy] = members[original]
                relations[copy] = "same" if original == pivot else relations[original]
        out.append(FactGroup(g.id, dict(sorted(members.items())), dict(sorted(relations.items())), pivot, g.label,
                             (distinct[g.first[0]], g.first[1])))
    return out


def _in_group(group_of: dict[Node, int], gid: int) -> Callable[[Node], bool]:
    return lambda o: group_of.get(o) == gid


def _in_row(row_of: dict[Node, set[int]], x: int) -> Callable[[Node], bool]:
    return lambda o: x in row_of.get(o, ())


def _nodes(members: Members) -> list[Node]:
    return [(d, s) for d, ss in members.items() for s in ss]


def _size(members: Members) -> int:
    return sum(len(ss) for ss in members.values())


def _shared_quantities(documents: list[Document]) -> list[tuple[Node, Node]]:
    """Pairs of sentences in different articles with a quantity of the same thing for the same event."""
    from align.conflicts import Quantity, comparable, counted, harmed

    buckets: dict[tuple[str, str | None], list[tuple[Node, Quantity]]] = {}
    for d, doc in enumerate(documents):
        for s in doc.sentences:
            for q in counted(s.text):
                # Keyed as `comparable` compares: "12 injured" and "no one was hurt" count the same people.
                buckets.setdefault((harmed(q), q.event), []).append(((d, s.index), q))
    out = set()
    for items in buckets.values():
        by_doc: dict[int, list[tuple[Node, Quantity]]] = {}
        for item in items:
            by_doc.setdefault(item[0][0], []).append(item)
        sizes = [len(x) for x in by_doc.values()]
        if (sum(sizes) ** 2 - sum(k * k for k in sizes)) // 2 > QUANTITY_PAIRS:
            continue
        docs = sorted(by_doc)
        for a, da in enumerate(docs):
            for db in docs[a + 1:]:
                for u, qu in by_doc[da]:
                    for v, qv in by_doc[db]:
                        if comparable(qu, qv):
                            out.add((u, v))
    return sorted(out)


def _fact(documents: list[Document], members: Members, support: _Support,
          borrowed: set[Node] | frozenset[Node] = frozenset()) -> FactGroup:
    members = {d: sorted(set(ss)) for d, ss in sorted(members.items())}
    nodes = _nodes(members)
    node_set = set(nodes)

    def strength(n: Node) -> float:
        return support.strength(n, nodes, node_set)

    def text(n: Node) -> str:
        return documents[n[0]].sentences[n[1]].text

    first = min((d, ss[0]) for d, ss in members.items())
    if len(members) == 1:
        (d, ss), = members.items()
        return FactGroup(0, {d: tuple(ss)}, {d: "same"}, d, text((d, ss[0])), first)
    # Each article's main sentence is its best supported one; the pivot's labels the group.
    main = {d: max(ss, key=lambda s: (strength((d, s)), -s)) for d, ss in members.items()}
    conflicts = {d: sum(1 for e in members
                        if e != d and classify(text((d, main[d])), text((e, main[e])))[0] == "conflict")
                 for d in members}
    # A heading labels a row only when no sentence can: it names a topic, not the fact.
    pivot = min(members, key=lambda d: ((d, main[d]) in borrowed, documents[d].sentences[main[d]].kind == "heading",
                                        conflicts[d], -strength((d, main[d])), d))
    label = (pivot, main[pivot])
    relations = {}
    for d, ss in members.items():
        if d == pivot:
            relations[d] = "same"
            continue
        kinds = {classify(text(label), text((d, s)))[0] for s in ss}
        relations[d] = "conflict" if "conflict" in kinds else "same" if "same" in kinds else "partial"
    return FactGroup(0, {d: tuple(ss) for d, ss in members.items()}, relations, pivot, text(label), first)
