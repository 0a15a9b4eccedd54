"""Conflicting facts: the same specific fact stated differently in two aligned sentences.

One module per rule (`counts`, `dates`, `negation`, `opposites`, ...), each exposing `RULE`, a `Rule` (rule.py):
a name, an order and `find(a, b)`, the conflicts between two sentences. The rules are collected from this
package's modules when it is imported, so a new rule is one new module exposing RULE (plus its test); its word
lists go in `data/` (words.py reads them). They run by `order`, then module name; where two rules flag
overlapping spans, the earlier rule's conflict is kept. Each `Conflict` names its rule.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace

from align.alignment import Conflict
from align.conflicts.counts import Quantity, comparable, counted, harmed
from align.conflicts.facts import Facts, facts
from align.conflicts.rule import Rule

__all__ = ["RULES", "Conflict", "Facts", "Quantity", "Rule", "clear_caches", "collect_rules", "comparable", "counted", "facts",
           "find_conflicts", "harmed"]


def collect_rules(package: str = __name__) -> tuple[Rule, ...]:
    """The RULE of every module of `package` that has one, by (order, name)."""
    path = importlib.import_module(package).__path__
    rules = []
    for info in pkgutil.iter_modules(path):
        rule = getattr(importlib.import_module(f"{package}.{info.name}"), "RULE", None)
        if isinstance(rule, Rule):
            rules.append(rule)
    return tuple(sorted(rules, key=lambda r: (r.order, r.name)))


RULES: tuple[Rule, ...] = collect_rules()


def clear_caches() -> None:
    """Forget every sentence the rules have parsed (their memos by text), for timing a first reading."""
    from align import text

    text.tokens.cache_clear()
    for info in pkgutil.iter_modules(__path__):
        for value in vars(importlib.import_module(f"{__name__}.{info.name}")).values():
            if callable(getattr(value, "cache_clear", None)) and hasattr(value, "cache_info"):
                value.cache_clear()


def find_conflicts(a: str, b: str, rules: tuple[Rule, ...] | None = None) -> tuple[Conflict, ...]:
    """The spans of a and b that state one fact differently, with reasons "<what>: <left> vs <right>", each
    naming the rule that found it; one conflict per pair of overlapping spans (the earlier rule's)."""
    out: list[Conflict] = []
    for rule in RULES if rules is None else rules:
        for c in rule.find(a, b):
            if not any(c.left_start < o.left_end and o.left_start < c.left_end and
                       c.right_start < o.right_end and o.right_start < c.right_end for o in out):
                out.append(replace(c, rule=rule.name))
    return tuple(out)
