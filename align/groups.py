"""Cross-source fact groups: the sentences across N articles that report one fact, each fact once.

Links from all pairs form a graph over (document, sentence) nodes. Plain connected components chain unrelated
facts together through long sentences, so groups grow greedily from the strongest links and a sentence joins a
group only when it is linked to most of the group's members in other documents.
"""

from __future__ import annotations

from align.alignment import Alignment, FactGroup
from align.document import Document

_RANK = {"same": 0, "partial": 1, "conflict": 2}


def build_groups(documents: list[Document], alignments: dict[tuple[int, int], Alignment]) -> list[FactGroup]:
    edges: dict[tuple[tuple[int, int], tuple[int, int]], tuple[float, str]] = {}
    for (a, b), al in alignments.items():
        for ln in al.links:
            edges[((a, ln.left), (b, ln.right))] = (ln.score, ln.kind)
            edges[((b, ln.right), (a, ln.left))] = (ln.score, ln.kind)
    adj: dict[tuple[int, int], set[tuple[int, int]]] = {}
    for u, v in edges:
        adj.setdefault(u, set()).add(v)

    group_of: dict[tuple[int, int], int] = {}
    groups: list[dict[int, list[int]]] = []
    for (u, v), (score, _) in sorted(edges.items(), key=lambda kv: -kv[1][0]):
        gu, gv = group_of.get(u), group_of.get(v)
        if gu is None and gv is None:
            gid = len(groups)
            groups.append({u[0]: [u[1]], v[0]: [v[1]]})
            group_of[u] = group_of[v] = gid
        elif gu is not None and gv is None:
            if _fits(v, groups[gu], adj):
                groups[gu].setdefault(v[0], []).append(v[1])
                group_of[v] = gu
        elif gv is not None and gu is None:
            if _fits(u, groups[gv], adj):
                groups[gv].setdefault(u[0], []).append(u[1])
                group_of[u] = gv
    out = []
    for members in groups:
        if len(members) < 2:
            continue
        pivot = min(members, key=lambda d: (-_degree(d, members, adj), d))
        psent = min(members[pivot])
        relations = {}
        for d, sents in members.items():
            if d == pivot:
                relations[d] = "same"
                continue
            kinds = [edges[((pivot, p), (d, s))][1] for p in members[pivot] for s in sents if ((pivot, p), (d, s)) in edges]
            relations[d] = max(kinds, key=lambda k: _RANK[k]) if kinds else "partial"
        first = min((d, min(s)) for d, s in members.items())
        out.append(FactGroup(
            id=0,
            members={d: tuple(sorted(s)) for d, s in sorted(members.items())},
            relations=relations,
            pivot=pivot,
            label=documents[pivot].sentences[psent].text,
            first=first,
        ))
    out.sort(key=lambda g: g.first)
    return [FactGroup(i + 1, g.members, g.relations, g.pivot, g.label, g.first) for i, g in enumerate(out)]


def _fits(node: tuple[int, int], group: dict[int, list[int]], adj: dict) -> bool:
    others = [(d, s) for d, ss in group.items() if d != node[0] for s in ss]
    if not others:
        return False
    linked = sum(1 for o in others if o in adj.get(node, ()))
    return linked * 2 >= len(others)


def _degree(d: int, members: dict[int, list[int]], adj: dict) -> int:
    return sum(len(adj.get((d, s), set()) & {(e, t) for e, ts in members.items() for t in ts}) for s in members[d])
