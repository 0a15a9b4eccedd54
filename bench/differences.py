"""Differences and conflicts on the seed articles: link kinds against the dev gold, conflict precision/recall,
and the per-link cost of classify() (which linking runs for every link above the threshold).

    .venv/bin/python bench/differences.py [--gold DIR] [--model NAME] [--show]

Runs the real aligner (align.compare with align.embed.make_embedder(), cached) on every gold pair, matches gold
links to output links with the scorer's rule (gold quote a inside the left text and quote b inside the right
text), and prints a confusion table of gold kind x our kind. Conflicts are measured twice: on the aligner's links
(depends on alignment recall) and directly on the gold sentence pairs (find_conflicts alone). Prints figures;
never fails on a number.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from align.compare import compare  # noqa: E402
from align.conflicts import find_conflicts  # noqa: E402
from align.differences import classify, word_diff  # noqa: E402
from align.document import read_document  # noqa: E402
from align.embed import make_embedder  # noqa: E402

KINDS = ("same", "partial", "conflict")


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def gold_pairs(gold_dir: str) -> list[tuple[str, str, list[dict]]]:
    out = []
    for path in sorted(glob.glob(os.path.join(gold_dir, "links_*.json"))):
        a, b = os.path.basename(path)[6:-5].split("_")
        with open(path, encoding="utf-8") as f:
            out.append((a, b, json.load(f)))
    return out


def sentence_with(doc, quote: str):
    q = norm(quote)
    hits = [s for s in doc.sentences if q in norm(s.text)]
    return hits[0] if hits else None


def table(rows: dict[str, dict[str, int]], cols: list[str]) -> str:
    head = "gold \\ ours".ljust(12) + "".join(c.rjust(10) for c in cols) + "total".rjust(8)
    lines = [head]
    for g in KINDS:
        r = rows.get(g, {})
        lines.append(g.ljust(12) + "".join(str(r.get(c, 0)).rjust(10) for c in cols) + str(sum(r.values())).rjust(8))
    return "\n".join(lines)


def prf(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return f"P={p:.3f} R={r:.3f} (tp={tp} fp={fp} fn={fn})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default=str(ROOT.parent / "shared" / "eval" / "seeds-dev"))
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    ap.add_argument("--model", default=None)
    ap.add_argument("--show", action="store_true", help="print every conflict found and every gold one missed")
    args = ap.parse_args()

    paths = sorted(glob.glob(os.path.join(args.seeds, "*.txt")))
    docs = [read_document(p) for p in paths]
    key = {os.path.basename(p)[:3]: i for i, p in enumerate(paths)}
    t0 = time.perf_counter()
    comparison = compare(docs, make_embedder(args.model))
    print(f"aligned {len(docs)} seed articles in {time.perf_counter() - t0:.1f}s (threshold {comparison.threshold})")

    confusion: dict[str, dict[str, int]] = {}
    direct: dict[str, dict[str, int]] = {}
    missing = 0
    tp = fp = fn = 0  # conflicts on the aligner's links
    dtp = dfp = dfn = 0  # conflicts on the gold sentence pairs
    for a, b, gold in gold_pairs(args.gold):
        i, j = key[a], key[b]
        al = comparison.alignment(i, j)
        L, R = al.left.sentences, al.right.sentences
        out_links = [(norm(L[ln.left].text), norm(R[ln.right].text), ln) for ln in al.links]
        matched_gold_kind: dict[int, str] = {}
        for g in gold:
            ga, gb = norm(g["a"]), norm(g["b"])
            hits = [ln for ta, tb, ln in out_links if ga in ta and gb in tb]
            if hits:
                ours = max((ln.kind for ln in hits), key=lambda k: KINDS.index(k))
                confusion.setdefault(g["kind"], {}).setdefault(ours, 0)
                confusion[g["kind"]][ours] += 1
                for ln in hits:
                    matched_gold_kind[id(ln)] = max(matched_gold_kind.get(id(ln), "same"), g["kind"], key=KINDS.index)
            else:
                confusion.setdefault(g["kind"], {}).setdefault("not linked", 0)
                confusion[g["kind"]]["not linked"] += 1
                missing += 1
            # Direct: the gold sentences themselves, independent of alignment recall.
            sa, sb = sentence_with(al.left, g["a"]), sentence_with(al.right, g["b"])
            if sa is None or sb is None:
                continue
            kind, conflicts = classify(sa.text, sb.text)
            direct.setdefault(g["kind"], {}).setdefault(kind, 0)
            direct[g["kind"]][kind] += 1
            is_gold, found = g["kind"] == "conflict", bool(conflicts)
            dtp += is_gold and found
            dfp += found and not is_gold
            dfn += is_gold and not found
            if args.show and (found or is_gold):
                mark = "ok  " if found == is_gold else ("MISS" if is_gold else "FA  ")
                print(f"  direct {mark} {a}-{b} gold={g['kind']}: {'; '.join(c.reason for c in conflicts) or '-'}")
                if mark != "ok  ":
                    print(f"      L: {sa.text}\n      R: {sb.text}")
        # Conflicts among the aligner's links: a found conflict is right if it matches a gold conflict link.
        for ta, tb, ln in out_links:
            gk = matched_gold_kind.get(id(ln))
            if ln.kind == "conflict":
                if gk == "conflict":
                    tp += 1
                else:
                    fp += 1
                    if args.show:
                        print(f"  linked FA {a}-{b} (gold {gk or 'no link'}): {ln.reason}\n      L: {ta}\n      R: {tb}")
        fn += sum(1 for g in gold if g["kind"] == "conflict"
                  and not any(norm(g["a"]) in ta and norm(g["b"]) in tb and ln.kind == "conflict" for ta, tb, ln in out_links))

    cols = list(KINDS) + ["not linked"]
    print("\nlink kinds, gold kind x our kind (aligner's links matched to gold; 'not linked' = gold link not found)")
    print(table(confusion, cols))
    print("\nlink kinds on the gold sentence pairs themselves (classify only)")
    print(table(direct, list(KINDS)))
    agree = sum(direct.get(k, {}).get(k, 0) for k in KINDS)
    total = sum(sum(r.values()) for r in direct.values())
    print(f"kind agreement on gold pairs: {agree}/{total}")
    print(f"\nconflicts on the aligner's links:  {prf(tp, fp, fn)}")
    print(f"conflicts on the gold pairs:       {prf(dtp, dfp, dfn)}")

    # Every link over all ten pairs: how many conflicts are flagged at all (the ones the gold cannot judge).
    all_links = [(comparison.alignment(i, j), i, j) for i, j in comparison.pairs]
    flagged = [(i, j, ln) for al, i, j in all_links for ln in al.links if ln.kind == "conflict"]
    n_links = sum(len(al.links) for al, _, _ in all_links)
    print(f"\nall {len(comparison.pairs)} pairs: {n_links} links, {len(flagged)} flagged as conflicts")
    if args.show:
        for i, j, ln in flagged:
            al = comparison.alignment(i, j)
            print(f"  {docs[i].name[:3]}-{docs[j].name[:3]}: {ln.reason}")

    canonical_groups(comparison)
    cost(docs)
    return 0


#: Facts all five seed articles carry (issue 7): a quote of each article's version.
CANONICAL = {
    "casualty report (conflict in 004)": {0: "12 civilians had been injured", 1: "12 civilians were wounded",
                                          2: "12 civilians were injured", 3: "12 people were injured",
                                          4: "no civilians had been harmed"},
    "Kyiv denies involvement (and names Russians)": {0: "attributed the action to two groups", 1: "Ukrainian authorities denied",
                                       2: "anti-Kremlin militias made up of Russian citizens",
                                       3: "attributed the action to two groups", 4: "the unit comprised Russians"},
    # Kyiv attributing the raid to Russian volunteer groups, read by the groups named (001 names one, 002 reports
    # their claim, 004 cites Ukrainian media).
    "raid attributed to Russian volunteer groups": {0: "attributed the action to two groups",
                                               1: "may have participated in the operation",
                                               2: "the Russian Volunteer Corps (RVC) and",
                                               3: "attributed the action to two groups",
                                               4: "two Russian opposition groups"},
}


def canonical_groups(comparison) -> None:
    """How the cross-source groups carry the facts all five seeds report: the rows holding each version."""
    docs = comparison.documents
    groups = comparison.groups()
    sizes = [g.sources for g in groups]
    print(f"\ngroups: {len(groups)} rows; {sizes.count(len(docs))} in all {len(docs)}, {sizes.count(1)} in one only, "
          f"{sum(g.has_conflict for g in groups)} with a conflict; largest row {max(sizes)} articles, "
          f"most sentences of one article in a row {max(len(s) for g in groups for s in g.members.values())}")
    for name, quotes in CANONICAL.items():
        where = {d: [g for g in groups if any(q in docs[d].sentences[s].text for s in g.members.get(d, ()))
                     and g.sources > 1] for d, q in quotes.items()}
        best = max((g for gs in where.values() for g in gs), key=lambda g: sum(g in gs for gs in where.values()),
                   default=None)
        if best is None:
            print(f"  {name}: no shared row")
            continue
        cells = " ".join(f"{d + 1}:{best.relations[d] if d in best.members else 'silent'}"
                         f"{'' if best in where[d] or d not in best.members else '(other sentence)'}"
                         for d in range(len(docs)))
        print(f"  {name}: row {best.id}, {best.sources} of {len(docs)} articles  {cells}")


def cost(docs) -> None:
    """Per-link cost of classify (run at link time) and of word_diff (run lazily, per visible row)."""
    pairs = [(x.text, y.text) for x in docs[0].sentences for y in docs[3].sentences]
    pairs += [(x.text, y.text) for x in docs[1].sentences for y in docs[4].sentences]
    reps = max(1, 20000 // len(pairs))
    from align import conflicts, differences

    # Cold: both sentences seen for the first time, as when a pair is linked (each sentence once per run).
    from itertools import combinations

    cold_time, cold_pairs = 0.0, 0
    for i, j in combinations(range(len(docs)), 2):
        conflicts.clear_caches()
        differences._keys.cache_clear()
        zipped = list(zip(docs[i].texts, docs[j].texts))
        t0 = time.perf_counter()
        for x, y in zipped:
            classify(x, y)
        cold_time += time.perf_counter() - t0
        cold_pairs += len(zipped)
    per_cold = cold_time / cold_pairs
    t0 = time.perf_counter()
    for _ in range(reps):
        for x, y in pairs:
            classify(x, y)
    per_classify = (time.perf_counter() - t0) / (reps * len(pairs))
    t0 = time.perf_counter()
    for _ in range(reps):
        for x, y in pairs:
            find_conflicts(x, y)
    per_conflicts = (time.perf_counter() - t0) / (reps * len(pairs))
    t0 = time.perf_counter()
    for x, y in pairs:
        word_diff(x, y)
    per_diff = (time.perf_counter() - t0) / len(pairs)
    print(f"\nclassify, both sentences seen for the first time (the cost at link time): {per_cold * 1e6:.0f} us per "
          f"link; 10,000 links: {1e4 * per_cold:.2f} s")
    print(f"again (memoized per sentence): classify {per_classify * 1e6:.0f} us (find_conflicts {per_conflicts * 1e6:.0f} us), "
          f"word_diff {per_diff * 1e6:.0f} us")
    print(f"re-linking 10,000 links at another threshold: classify {per_classify * 1e4:.2f} s; "
          f"word_diff for all 10,000 would be {per_diff * 1e4:.2f} s (the app computes the current link's only)")
    law = ROOT.parent / "shared" / "eval" / "bible-dev"
    if (law / "Law.kjv.txt").exists():
        a, b = read_document(law / "Law.kjv.txt"), read_document(law / "Law.web.txt")
        conflicts.clear_caches()
        differences._keys.cache_clear()
        zipped = list(zip(a.texts, b.texts))
        t0 = time.perf_counter()
        kinds = [classify(x, y)[0] for x, y in zipped]
        dt = time.perf_counter() - t0
        print(f"Law (KJV x WEB, long verses): {len(zipped)} links classified cold in {dt:.2f} s "
              f"({1e6 * dt / len(zipped):.0f} us per link; {kinds.count('conflict')} conflicts)")
    # A book-length link: two long sentences.
    long_a = " ".join(s.text for s in docs[0].sentences)
    long_b = " ".join(s.text for s in docs[3].sentences)
    t0 = time.perf_counter()
    classify(long_a, long_b)
    t1 = time.perf_counter()
    word_diff(long_a, long_b)
    t2 = time.perf_counter()
    print(f"two whole articles as one 'sentence' each ({len(long_a.split())} x {len(long_b.split())} words): "
          f"classify {1e3 * (t1 - t0):.1f} ms, word_diff {1e3 * (t2 - t1):.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
