"""Aligner invariants, through the real scoring and linking code, with the fast HashingEmbedder.

Quality against gold is the benchmark's job (bench/quality.py); these tests pin behaviour that must hold for any
input: coverage, score range, symmetry, identity, disjointness, reordering, bounded-memory blocks, bad input.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from align.compare import compare, embed_documents
from align.document import document_from_text
from align.features import candidates
from align.linking import COUNT_MARGIN, SECOND_PARTNER_MARGIN, THRESHOLD, counts_same_thing, link
from align.scoring import score_pair

NEWS = (
    "The mayor opened the new river bridge on Monday morning. "
    "The bridge cost 40 million dollars and took three years to build. "
    "Traffic police closed two lanes for the ceremony. "
    "Critics said the budget had doubled since 2019. "
    "The city council will vote on a second bridge in June."
)
OTHER = (
    "Whisk four eggs with sugar until pale. "
    "Fold in sifted flour and melted butter. "
    "Bake the sponge at 180 degrees for twenty-five minutes. "
    "Let it cool on a wire rack before slicing."
)


def doc(name: str, text: str):
    return document_from_text(name, text)


def pair_alignment(a, b, embedder, threshold=THRESHOLD):
    return compare([a, b], embedder, threshold).alignment(0, 1)


def assert_partition(al) -> None:
    """Every sentence is linked or listed as *_only, never both."""
    linked_l = {ln.left for ln in al.links}
    linked_r = {ln.right for ln in al.links}
    assert linked_l.isdisjoint(al.left_only) and linked_r.isdisjoint(al.right_only)
    assert linked_l | set(al.left_only) == set(range(len(al.left.sentences)))
    assert linked_r | set(al.right_only) == set(range(len(al.right.sentences)))


def test_seed_pairs_cover_every_sentence_with_scores_in_range(seed_comparison):
    assert len(seed_comparison.pairs) == 10
    for i, j in seed_comparison.pairs:
        ps = seed_comparison.scores[(i, j)]
        assert ps.scores.dtype == np.float32 and len(ps.scores) == len(ps.pairs) > 0
        assert np.all((ps.scores >= 0) & (ps.scores <= 1)) and not np.isnan(ps.scores).any()
        al = seed_comparison.alignment(i, j)
        assert_partition(al)
        assert all(THRESHOLD - COUNT_MARGIN <= ln.score <= 1 and ln.kind in ("same", "partial", "conflict")
                   for ln in al.links)
        # A link below the threshold is a second partner (one of its sentences has a link above it), or its two
        # sentences count the same thing for the same event.
        above = [ln for ln in al.links if ln.score >= THRESHOLD]
        for ln in al.links:
            if ln.score < THRESHOLD:
                assert (ln.score >= THRESHOLD - SECOND_PARTNER_MARGIN and any(
                    o.left == ln.left or o.right == ln.right for o in above)) or counts_same_thing(
                    al.left.sentences[ln.left].text, al.right.sentences[ln.right].text)
        assert list(al.links) == sorted(al.links, key=lambda ln: (ln.left, ln.right))


def test_raising_the_threshold_only_removes_links(seed_comparison):
    before = None
    for t in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        links = {(ln.left, ln.right) for ln in seed_comparison.with_threshold(t).alignment(0, 3).links}
        if before is not None:
            assert links <= before
        before = links


def test_swapping_the_articles_mirrors_the_result(seed_docs, hashing):
    a, b = seed_docs[0], seed_docs[3]
    ab = pair_alignment(a, b, hashing)
    ba = pair_alignment(b, a, hashing)
    fwd = {(ln.left, ln.right): ln.score for ln in ab.links}
    back = {(ln.right, ln.left): ln.score for ln in ba.links}
    assert fwd.keys() == back.keys() and fwd
    assert all(abs(fwd[k] - back[k]) < 1e-5 for k in fwd)
    assert ab.left_only == ba.right_only and ab.right_only == ba.left_only


def test_identical_articles_link_every_sentence_to_itself(seed_docs, hashing):
    a = seed_docs[1]
    b = doc("copy", a.text)
    al = pair_alignment(a, b, hashing)
    for i in range(len(a.sentences)):
        own = [ln for ln in al.links_of_left(i) if ln.right == i]
        assert own, f"sentence {i} not linked to itself"
        assert own[0].score >= 0.9 and own[0].kind == "same"
    assert al.left_only == () and al.right_only == ()


def test_articles_sharing_nothing_give_no_links(hashing):
    al = pair_alignment(doc("news", NEWS), doc("cake", OTHER), hashing)
    assert al.links == ()
    assert len(al.left_only) == 5 and len(al.right_only) == 4


def test_reordered_sentences_are_followed(seed_docs, hashing):
    a = seed_docs[0]
    order = list(range(len(a.sentences)))
    random.Random(7).shuffle(order)
    shuffled = doc("shuffled", "\n".join(a.sentences[k].text for k in order))
    assert [s.text for s in shuffled.sentences] == [a.sentences[k].text for k in order]
    al = pair_alignment(a, shuffled, hashing)
    for new, old in enumerate(order):
        assert any(ln.right == new for ln in al.links_of_left(old)), f"sentence {old} lost after moving to {new}"


def test_a_sentence_that_merges_two_links_to_both(hashing):
    left = doc("l", "The mayor opened the river bridge on Monday. The river bridge cost 40 million dollars.")
    right = doc("r", "Rain fell all day. On Monday the mayor opened the river bridge, which cost 40 million dollars.")
    al = pair_alignment(left, right, hashing)
    assert {ln.left for ln in al.links_of_right(1)} == {0, 1}
    assert al.right_only == (0,)


@pytest.mark.parametrize("block", [1, 3, 7, 64])
def test_small_blocks_give_the_same_candidates(seed_docs, hashing, block):
    el, er = embed_documents([seed_docs[2], seed_docs[3]], hashing)
    whole = candidates(el, er)
    blocked = candidates(el, er, block=block)
    assert np.array_equal(whole.pairs, blocked.pairs)
    for name in ("cos", "row_best", "col_best", "row_knn", "col_knn"):
        assert np.allclose(getattr(whole, name), getattr(blocked, name), atol=1e-6), name


def test_candidates_are_bounded_per_sentence(hashing):
    rng = np.random.default_rng(0)
    el = rng.normal(size=(1500, 32)).astype(np.float32)
    er = rng.normal(size=(1200, 32)).astype(np.float32)
    el /= np.linalg.norm(el, axis=1, keepdims=True)
    er /= np.linalg.norm(er, axis=1, keepdims=True)
    c = candidates(el, er, top_k=6, floor=-1.0, block=100)
    # At most top_k per row plus top_k per column: linear in the documents, never the full matrix.
    assert len(c.pairs) <= 6 * (1500 + 1200)
    assert np.allclose(c.row_best, (el @ er.T).max(axis=1), atol=1e-5)
    assert np.allclose(c.col_best, (el @ er.T).max(axis=0), atol=1e-5)


@pytest.mark.parametrize("left_text,right_text", [
    ("", NEWS),
    (NEWS, ""),
    ("", ""),
    ("Just one sentence about the river bridge.", NEWS),
    ("   \n\n  ", "Only this."),
    ("!!! ??? ...", "... ,,,"),
])
def test_degenerate_articles_give_valid_results(hashing, left_text, right_text):
    a, b = doc("a", left_text), doc("b", right_text)
    comparison = compare([a, b], hashing)
    al = comparison.alignment(0, 1)
    assert_partition(al)
    assert all(0 <= ln.score <= 1 for ln in al.links)
    assert comparison.alignment(1, 0).left_only == al.right_only
    comparison.groups()


def test_one_sentence_article_links_to_its_match(hashing):
    al = pair_alignment(doc("one", "The bridge cost 40 million dollars and took three years to build."),
                        doc("news", NEWS), hashing)
    best = max(al.links, key=lambda ln: ln.score)
    assert (best.left, best.right) == (0, 1)
    assert {3, 4} <= set(al.right_only)  # the police and the council vote are not about the cost


@pytest.mark.parametrize("right, kind", [
    ("The fire killed three people on Friday.", "same"),
    ("The fire killed five people on Friday.", "conflict"),
])
def test_two_one_sentence_articles_link(hashing, right, kind):
    # Two headlines, two quotes, two claims: with nothing else on either side, the match must still stand out.
    al = pair_alignment(doc("a", "The fire killed three people on Friday."), doc("b", right), hashing)
    assert [(ln.left, ln.right, ln.kind) for ln in al.links] == [(0, 0, kind)]
    assert al.links[0].score > 0.8


def test_empty_embeddings_are_scored_as_nothing(hashing):
    a, b = doc("a", ""), doc("b", NEWS)
    el, er = embed_documents([a, b], hashing)
    ps = score_pair(a, b, el, er)
    assert ps.pairs.shape == (0, 2) and ps.scores.shape == (0,)
    al = link(ps)
    assert al.links == () and al.right_only == tuple(range(5))


sentence = st.text(alphabet=st.sampled_from("abcdefgh ijk"), min_size=1, max_size=40).map(lambda s: s + ".")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(sentence, max_size=8), st.lists(sentence, max_size=8))
def test_any_text_gives_a_valid_symmetric_alignment(hashing, left, right):
    a, b = doc("a", "\n".join(left)), doc("b", "\n".join(right))
    ab = compare([a, b], hashing).alignment(0, 1)
    ba = compare([b, a], hashing).alignment(0, 1)
    assert_partition(ab)
    assert all(0 <= ln.score <= 1 for ln in ab.links)
    assert {(ln.left, ln.right) for ln in ab.links} == {(ln.right, ln.left) for ln in ba.links}


def _distinct_sentences(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    words = ("harbour granite violin meadow lantern orchard falcon copper glacier tunnel ribbon saddle quarry "
             "pepper marble beacon thimble walnut compass canyon feather lobster parade kettle mosaic anchor "
             "biscuit cobalt dagger ember fjord goblet hammock igloo jasmine kayak lagoon mitten nectar").split()
    out = []
    for k in range(count):
        a, b, c = rng.sample(words, 3)
        out.append(f"The {a} and the {b} met the {c} in {1900 + k}.")
    return out


def test_reading_order_separates_a_repeated_sentence(hashing):
    """Two copies of one refrain: in documents that share an order, each copy links best to its own place."""
    lines = _distinct_sentences(40)
    lines[5] = lines[30] = "And all the people shall say, Amen."
    a, b = doc("a", "\n".join(lines)), doc("b", "\n".join(lines))
    al = pair_alignment(a, b, hashing)
    score = {(ln.left, ln.right): ln.score for ln in al.links}
    assert score[(5, 5)] > score.get((5, 30), 0.0) + 0.2
    assert score[(30, 30)] > score.get((30, 5), 0.0) + 0.2


def test_reading_order_fades_when_the_documents_reorder(hashing):
    from align.context import order_fit
    from align.features import pair_features
    from align.scoring import Weights, first_pass_logit

    lines = _distinct_sentences(40)
    shuffled = lines[:]
    random.Random(5).shuffle(shuffled)
    strengths = {}
    for name, other in (("same order", lines), ("shuffled", shuffled)):
        a, b = doc("a", "\n".join(lines)), doc("b", "\n".join(other))
        el, er = embed_documents([a, b], hashing)
        c = candidates(el, er)
        p = 1 / (1 + np.exp(-first_pass_logit(pair_features(a, b, el, er, c), Weights.load("fast").pair)))
        off, on, strengths[name] = order_fit(a, b, c.pairs, p)
        assert np.all((off >= 0) & (off <= 1) & (on >= 0) & (on <= 1))
    assert strengths["same order"] > 0.9 and strengths["shuffled"] < 0.4


def test_shared_rare_words_count_where_the_documents_share_no_reading_order(hashing):
    """The absolute shared-word evidence lifts matching pairs of reordered documents, barely those of documents
    read in the same order (where the embeddings and the order already decide)."""
    from align.features import FEATURES, pair_features
    from align.scoring import Weights, score_candidates

    lines = _distinct_sentences(40)
    shuffled = lines[:]
    random.Random(5).shuffle(shuffled)
    lift = {}
    for name, other in (("same order", lines), ("shuffled", shuffled)):
        a, b = doc("a", "\n".join(lines)), doc("b", "\n".join(other))
        el, er = embed_documents([a, b], hashing)
        c = candidates(el, er)
        x = pair_features(a, b, el, er, c)
        without = x.copy()
        without[:, FEATURES.index("shared")] = 0.0
        match = np.array([lines[i] == other[j] for i, j in c.pairs.tolist()])
        assert match.sum() == 40
        w = Weights.load("fast")
        gain = score_candidates(a, b, c.pairs, x, w) - score_candidates(a, b, c.pairs, without, w)
        lift[name] = float(gain[match].mean())
    assert lift["shuffled"] > 0.01 and lift["shuffled"] > 5 * abs(lift["same order"])


def test_longest_increasing_subsequence():
    from align.context import longest_increasing

    values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9]
    got = longest_increasing(values)
    picked = [values[k] for k in got]
    assert got == sorted(got) and all(x < y for x, y in zip(picked, picked[1:]))
    assert len(got) == 6  # e.g. 1 4 5 6 8 9
    assert longest_increasing([]) == [] and longest_increasing([5, 4, 3]) in ([2], [1], [0])


def _scored(pairs_scores, n=2, m=3):
    from align.alignment import PairScores

    left = document_from_text("l.txt", " ".join(f"Left sentence number {k} here." for k in range(n)))
    right = document_from_text("r.txt", " ".join(f"Right sentence number {k} here." for k in range(m)))
    assert len(left.sentences) == n and len(right.sentences) == m
    pairs = np.array([p for p, _ in pairs_scores], np.int32)
    return PairScores(left, right, pairs, np.array([s for _, s in pairs_scores], np.float32))


def test_a_linked_sentence_keeps_a_close_second_partner():
    scores = _scored([((0, 0), 0.8), ((0, 1), 0.45), ((1, 1), 0.3), ((1, 2), 0.42)])
    al = link(scores, 0.5)
    # (0, 1): sentence 0 is linked and this is the best candidate of right sentence 1, within 0.1 of the bar.
    # (1, 2): close to the bar too, but neither sentence has a link: nothing vouches for it.
    assert [(ln.left, ln.right) for ln in al.links] == [(0, 0), (0, 1)]
    assert al.links[1].score == pytest.approx(0.45)  # its own score, not the threshold's
    assert al.left_only == (1,) and al.right_only == (2,)


def test_a_second_partner_must_be_the_best_of_its_other_sentence_and_near_the_bar():
    # Right sentence 1 has a better candidate than left 0: no second partner.
    assert [(ln.left, ln.right) for ln in link(_scored([((0, 0), 0.8), ((0, 1), 0.45), ((1, 1), 0.47)]), 0.5).links] \
        == [(0, 0)]
    # A raised threshold raises the bar for second partners with it.
    assert [(ln.left, ln.right) for ln in link(_scored([((0, 0), 0.9), ((0, 1), 0.45)]), 0.8).links] == [(0, 0)]


def test_two_sentences_that_count_the_same_thing_for_the_same_event_are_linked_below_the_bar():
    from align.alignment import PairScores

    left = document_from_text("l.txt", "On Monday, Gladkov said that ten villages had been shelled and 12 people were "
                                       "injured. The weather was mild.")
    right = document_from_text("r.txt", "Belgorod governor Gladkov said no civilians had been harmed. Schools were "
                                        "closed.")
    pairs = np.array([(0, 0), (1, 1)], np.int32)
    scores = PairScores(left, right, pairs, np.array([0.25, 0.25], np.float32))
    al = link(scores, 0.5)
    # The count ("12 people were injured" / "no civilians had been harmed") is the fact, here in conflict.
    assert [(ln.left, ln.right, ln.kind) for ln in al.links] == [(0, 0, "conflict")]
    # Below the margin, or at a raised threshold, the bar moves with it.
    assert not link(PairScores(left, right, pairs, np.array([0.15, 0.15], np.float32)), 0.5).links
    assert not link(scores, 0.8).links
