"""The batch's summary table: one row per manifest line that has finished (done, skipped or failed), in manifest
order, written atomically as CSV (the export's cell rules: a formula-like cell gets an apostrophe unless raw)."""

from __future__ import annotations

from collections.abc import Iterable

from align.batch.cluster import ClusterResult
from align.export import write_csv_to, write_output

SUMMARY = "summary.csv"
COLUMNS = ["cluster", "line", "status", "articles", "sentences", "links", "conflicts", "facts", "facts_in_all",
           "seconds", "error"]


def summary_rows(results: Iterable[ClusterResult]) -> list[dict]:
    rows = []
    for r in sorted(results, key=lambda r: r.line):
        row = {c: getattr(r, c) for c in COLUMNS}
        row["seconds"] = f"{r.seconds:.2f}"
        if r.status == "failed":  # no counts for a cluster that did not run: empty cells, not zeros
            row.update({c: "" for c in ("articles", "sentences", "links", "conflicts", "facts", "facts_in_all")})
        rows.append(row)
    return rows


def write_summary(path: str, results: Iterable[ClusterResult], raw: bool = False) -> None:
    rows = summary_rows(results)
    write_output(path, lambda f: write_csv_to(f, rows, COLUMNS, raw))
