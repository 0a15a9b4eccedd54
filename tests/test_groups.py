"""Cross-source fact groups: one row per fact, each fact once, no chaining through long sentences."""

from __future__ import annotations

import numpy as np
import pytest

from align.alignment import Alignment, Link, PairScores
from align.document import document_from_text
from align.groups import build_groups


def docs(*texts: str):
    return [document_from_text(f"d{i}", t) for i, t in enumerate(texts)]


def alignments(documents, links: dict[tuple[int, int], list[tuple[int, int, float]]]):
    """Alignments from hand-made links: {(a, b): [(left sentence, right sentence, score), ...]}."""
    out = {}
    for a in range(len(documents)):
        for b in range(a + 1, len(documents)):
            ls = tuple(sorted((Link(i, j, s) for i, j, s in links.get((a, b), [])), key=lambda ln: (ln.left, ln.right)))
            li = {ln.left for ln in ls}
            ri = {ln.right for ln in ls}
            out[(a, b)] = Alignment(documents[a], documents[b], ls,
                                    tuple(i for i in range(len(documents[a].sentences)) if i not in li),
                                    tuple(j for j in range(len(documents[b].sentences)) if j not in ri), 0.5)
    return out


def candidates(documents, scores: dict[tuple[int, int], list[tuple[int, int, float]]]):
    out = {}
    for (a, b), items in scores.items():
        pairs = np.array([(i, j) for i, j, _ in items], dtype=np.int32).reshape(-1, 2)
        out[(a, b)] = PairScores(documents[a], documents[b], pairs, np.array([s for *_, s in items], np.float32))
    return out


def multi(groups):
    return [g for g in groups if g.sources >= 2]


FIVE = [
    "The governor said 12 civilians had been injured. The weather was mild.",
    "Officials met on Friday. Gladkov said that 12 civilians were wounded.",
    "Russian authorities say 12 civilians were injured in the assaults.",
    "On Monday, Gladkov said that 12 people were injured.",
    "Belgorod governor Gladkov said no civilians had been harmed.",
]


def test_a_fact_all_articles_carry_is_one_row_with_a_conflict_flagged():
    ds = docs(*FIVE)
    main = {0: 0, 1: 1, 2: 0, 3: 0, 4: 0}
    links = {(a, b): [(main[a], main[b], 0.8)] for a in range(5) for b in range(a + 1, 5)}
    groups = build_groups(ds, alignments(ds, links))
    [g] = multi(groups)
    assert g.members == {d: (main[d],) for d in range(5)}
    assert g.sources == 5 and g.has_conflict
    # The pivot is a majority version; the article that says "no civilians" is the conflict.
    assert g.pivot != 4 and g.relations[4] == "conflict"
    assert g.label == ds[g.pivot].sentences[main[g.pivot]].text
    assert all(g.relations[d] != "conflict" for d in range(4))
    # Each sentence is in some group; the other sentences are facts of one source.
    singles = [x for x in groups if x.sources == 1]
    assert sorted((d, s) for x in singles for d, ss in x.members.items() for s in ss) == [(0, 1), (1, 0)]
    assert [x.id for x in groups] == list(range(1, len(groups) + 1))
    assert [x.first for x in groups] == sorted(x.first for x in groups)


def test_missing_links_are_filled_by_the_majority_but_one_link_does_not_chain():
    # 0-1-2 all linked on fact A; 3 is linked to 2 only, on a different fact inside 2's long sentence.
    ds = docs("Fact A is told here.", "Fact A is told again.",
              "Fact A is told and fact B too, in one long sentence.", "Fact B alone.")
    links = {(0, 1): [(0, 0, 0.9)], (0, 2): [(0, 0, 0.7)], (1, 2): [(0, 0, 0.7)], (2, 3): [(0, 0, 0.95)]}
    weak = {(0, 3): [(0, 0, 0.05)], (1, 3): [(0, 0, 0.1)]}
    groups = multi(build_groups(ds, alignments(ds, links), candidates(ds, weak)))
    fact_a = next(g for g in groups if 0 in g.members)
    assert set(fact_a.members) == {0, 1, 2}
    # Article 3 shares fact B with article 2 only: its own row, not pulled into fact A.
    fact_b = next(g for g in groups if 3 in g.members)
    assert set(fact_b.members) == {2, 3}


def test_connected_components_would_chain_these_but_groups_do_not():
    # A chain of strong links through long sentences: 0~1 on X, 1~2 on Y, 2~3 on Z. Components would make one
    # four-article row; here the strongest links win and Y, whose sentences both went to other facts, gets none.
    ds = docs("X happened.", "X happened and Y happened.", "Y happened and Z happened.", "Z happened.")
    links = {(0, 1): [(0, 0, 0.9)], (1, 2): [(0, 0, 0.85)], (2, 3): [(0, 0, 0.8)]}
    groups = multi(build_groups(ds, alignments(ds, links)))
    assert groups and all(g.sources == 2 for g in groups)
    assert {tuple(sorted(g.members)) for g in groups} == {(0, 1), (2, 3)}


def test_sub_threshold_support_completes_a_row():
    ds = docs("Kyiv denied any role.", "Kyiv denied having any role.", "Kyiv rejected having any role.",
              "Ukraine said it had no part in it.")
    links = {(0, 1): [(0, 0, 0.9)], (0, 2): [(0, 0, 0.8)], (1, 2): [(0, 0, 0.8)]}
    weak_ok = {(0, 3): [(0, 0, 0.45)], (1, 3): [(0, 0, 0.42)], (2, 3): [(0, 0, 0.4)]}
    [g] = multi(build_groups(ds, alignments(ds, links), candidates(ds, weak_ok)))
    assert set(g.members) == {0, 1, 2, 3}
    weak_low = {(0, 3): [(0, 0, 0.45)], (1, 3): [(0, 0, 0.1)], (2, 3): [(0, 0, 0.1)]}
    [g] = multi(build_groups(ds, alignments(ds, links), candidates(ds, weak_low)))
    assert set(g.members) == {0, 1, 2}


def test_a_linked_sentence_left_alone_completes_its_partners_row_when_a_second_article_supports_it():
    # Fact A is firmly 0-1-2; article 3's sentence links to 2 only and misses the majority rule. With a little
    # support from article 0 too, it completes fact A's row instead of opening a second row around 2's sentence.
    ds = docs("Kyiv denied any role in the raid.", "Kyiv said it had no role in the raid.",
              "Kyiv denied any role and blamed two Russian groups.", "Ukraine denied involvement.")
    links = {(0, 1): [(0, 0, 0.9)], (0, 2): [(0, 0, 0.9)], (1, 2): [(0, 0, 0.9)], (2, 3): [(0, 0, 0.6)]}
    some = {(0, 3): [(0, 0, 0.3)], (1, 3): [(0, 0, 0.05)]}
    [g] = multi(build_groups(ds, alignments(ds, links), candidates(ds, some)))
    assert g.members == {0: (0,), 1: (0,), 2: (0,), 3: (0,)}
    # With no support beyond the one link, it stays a fact it shares with its partner alone (no chaining).
    none = {(0, 3): [(0, 0, 0.05)], (1, 3): [(0, 0, 0.05)]}
    groups = multi(build_groups(ds, alignments(ds, links), candidates(ds, none)))
    assert sorted(tuple(g.members.items()) for g in groups) == [((0, (0,)), (1, (0,)), (2, (0,))),
                                                                 ((2, (0,)), (3, (0,)))]


def test_a_heading_labels_a_row_only_when_no_sentence_can():
    ds = docs("Russian Opposition Groups\n\nThe weather was mild.", "Two Russian opposition groups claimed the raid.")
    assert ds[0].sentences[0].kind == "heading"
    # Equal support both ways: the first article would be the pivot, but its version is a heading.
    [g] = multi(build_groups(ds, alignments(ds, {(0, 1): [(0, 0, 0.9)]})))
    assert g.pivot == 1 and g.label == "Two Russian opposition groups claimed the raid."


def test_a_fact_told_in_two_sentences_keeps_both():
    ds = docs("The goal is a security zone. It would protect civilians.",
              "The goal is a security zone that would protect civilians.",
              "They want a security zone to protect civilians.")
    links = {(0, 1): [(0, 0, 0.8), (1, 0, 0.7)], (0, 2): [(0, 0, 0.7), (1, 0, 0.6)], (1, 2): [(0, 0, 0.8)]}
    [g] = multi(build_groups(ds, alignments(ds, links)))
    assert g.members == {0: (0, 1), 1: (0,), 2: (0,)}


def test_same_count_for_the_same_event_joins_without_a_link():
    ds = docs("He said that 12 civilians had been injured.", "Gladkov said 12 civilians were wounded.",
              "The assaults began on Monday, when 12 civilians were injured and a woman died.")
    links = {(0, 1): [(0, 0, 0.8)]}
    [g] = multi(build_groups(ds, alignments(ds, links), candidates(ds, {})))
    assert set(g.members) == {0, 1, 2}


def test_without_singles_only_shared_facts():
    ds = docs("A. B.", "A again. C.")
    groups = build_groups(ds, alignments(ds, {(0, 1): [(0, 0, 0.9)]}), singles=False)
    assert [g.members for g in groups] == [{0: (0,), 1: (0,)}]


def test_seeds_invariants(seed_comparison, seed_docs):
    groups = seed_comparison.groups()
    seen = set()
    for g in groups:
        assert set(g.relations) == set(g.members) and g.relations[g.pivot] == "same"
        assert set(g.relations.values()) <= {"same", "partial", "conflict"}
        assert g.label == seed_docs[g.pivot].sentences[g.members[g.pivot][0]].text or any(
            g.label == seed_docs[g.pivot].sentences[s].text for s in g.members[g.pivot])
        seen.update((d, s) for d, ss in g.members.items() for s in ss)
    # Every sentence of every article is in some row.
    assert seen == {(d, s.index) for d, doc in enumerate(seed_docs) for s in doc.sentences}
    # No chaining: no row has more sentences of one article than a fact told in a few sentences would.
    assert max(len(ss) for g in groups for ss in g.members.values()) <= 4


def test_ten_articles_group_quickly(hashing):
    import time

    from align.compare import compare

    base = [s for s in FIVE]
    ds = [document_from_text(f"a{i}", " ".join(base[(i + k) % 5] for k in range(5)) * 8) for i in range(10)]
    c = compare(ds, hashing)
    t0 = time.perf_counter()
    groups = c.groups()
    elapsed = time.perf_counter() - t0
    assert groups and elapsed < 30  # generous: CI never fails on a number, this only catches a blow-up


@pytest.mark.model
def test_seed_canonical_facts_with_the_real_model(seed_docs, real_embedder):
    from align.compare import compare

    groups = compare(seed_docs, real_embedder).groups()

    def row(quote_by_doc):
        hits = [g for g in groups if all(any(q in seed_docs[d].sentences[s].text for s in g.members.get(d, ()))
                                         for d, q in quote_by_doc.items())]
        return hits

    casualties = row({0: "12 civilians had been injured", 1: "12 civilians were wounded",
                      2: "12 civilians were injured", 3: "12 people were injured", 4: "no civilians had been harmed"})
    assert len(casualties) == 1
    g = casualties[0]
    assert g.sources == 5 and g.relations[4] == "conflict"
    assert [r for d, r in g.relations.items() if d != 4].count("conflict") == 0
    # Kyiv attributing the raid to Russian volunteer groups: every article carries it (001 names one group).
    volunteers = row({0: "attributed the action to two groups", 1: "may have participated in the operation",
                      2: "the Russian Volunteer Corps (RVC) and", 3: "attributed the action to two groups",
                      4: "two Russian opposition groups"})
    assert len(volunteers) == 1 and volunteers[0].sources == 5
    # The same long sentences also carry Kyiv's denial, which all five report in words of their own (001's
    # denial scores 0.06 against 002's "rejects the accusations": it joins through 000's near-identical version).
    denial = row({0: "attributed the action to two groups", 1: "Ukrainian authorities denied any involvement",
                  2: "kyiv rejects the accusations", 3: "attributed the action to two groups",
                  4: "the unit comprised Russians"})
    assert len(denial) == 1 and denial[0].sources == 5


def test_a_sentence_in_two_facts_does_not_label_its_second():
    # 2's sentence belongs with 3's (strongest link) and also, strongly, with fact A of articles 0 and 1.
    ds = docs("Fact A here.", "Fact A there.", "Fact A and fact B, one long sentence.", "Fact B only.")
    links = {(2, 3): [(0, 0, 0.95)], (0, 2): [(0, 0, 0.9)], (1, 2): [(0, 0, 0.9)], (0, 1): [(0, 0, 0.6)]}
    groups = multi(build_groups(ds, alignments(ds, links), candidates(ds, {})))
    fact_a = next(g for g in groups if 0 in g.members)
    fact_b = next(g for g in groups if 3 in g.members)
    assert set(fact_a.members) == {0, 1, 2} and set(fact_b.members) == {2, 3}
    # The strongest version of fact A is the borrowed one, yet the label comes from an article of its own.
    assert fact_a.pivot in (0, 1) and fact_a.label != fact_b.label


def test_an_exact_copy_reports_what_its_original_reports_and_tips_no_majority(hashing):
    from align.compare import compare

    three = [document_from_text(f"d{k}", " ".join(FIVE[k:k + 3])) for k in range(3)]
    with_copies = three + [document_from_text("d0 copy", three[0].text), document_from_text("d2 copy", three[2].text)]
    plain = compare(three, hashing).groups()
    copied = compare(with_copies, hashing).groups()
    assert len(copied) == len(plain)
    for g, h in zip(plain, copied):
        assert {d: ss for d, ss in h.members.items() if d < 3} == g.members
        assert h.members.get(3) == g.members.get(0) and h.members.get(4) == g.members.get(2)
        assert h.pivot == g.pivot and h.label == g.label
        if 0 in g.members:
            assert h.relations[3] == g.relations[0]


def test_two_identical_articles_are_one_fact_per_sentence(hashing):
    from align.compare import compare

    a = document_from_text("a", FIVE[0])
    groups = compare([a, document_from_text("b", FIVE[0])], hashing).groups()
    assert [g.members for g in groups] == [{0: (s,), 1: (s,)} for s in range(len(a.sentences))]
    assert all(g.relations == {0: "same", 1: "same"} for g in groups)


def test_a_headline_count_and_no_one_hurt_support_each_other_without_a_link():
    ds = docs("Gladkov said 12 people were hurt in the shelling.", "Officials said 12 were hurt on Monday.",
              "No one was hurt in the shelling, the governor said.")
    links = {(0, 1): [(0, 0, 0.8)]}
    [g] = multi(build_groups(ds, alignments(ds, links), candidates(ds, {})))
    assert set(g.members) == {0, 1, 2} and g.relations[2] == "conflict"
