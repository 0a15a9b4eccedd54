"""The conflict rules as a package: each rule one module exposing RULE, collected without a list to edit; each
conflict names its rule; word lists read from data files."""

from __future__ import annotations

import sys
import textwrap

import pytest

import align.conflicts
from align.conflicts import RULES, collect_rules, find_conflicts
from align.conflicts.words import lines


def test_the_rules_run_in_their_documented_order():
    assert [r.name for r in RULES] == ["counts", "dates", "negation", "opposites"]


@pytest.mark.parametrize("a, b, rule", [
    ("He said that 12 civilians had been injured.", "He said no civilians had been harmed.", "counts"),
    ("The strike killed five people on Monday.", "The strike killed five people on Tuesday.", "dates"),
    ("Police said on Tuesday the suspect was arrested.", "Police said on Wednesday the suspect was arrested.", "dates"),
    ("The Kremlin does not agree with this version.", "The Kremlin agrees with this version.", "negation"),
    ("The mayor ordered schools to close.", "The mayor ordered schools to open.", "opposites"),
])
def test_each_conflict_names_the_rule_that_found_it(a, b, rule):
    [c] = find_conflicts(a, b)
    assert c.rule == rule
    [m] = find_conflicts(b, a)
    assert m.rule == rule


def test_a_new_rule_module_is_picked_up(tmp_path, monkeypatch):
    # A new rule is one file in align/conflicts/: here it sits in a folder added to the package's path, as a file
    # dropped into the package would, and nothing else is edited.
    (tmp_path / "zz_weather.py").write_text(textwrap.dedent('''
        from align.alignment import Conflict
        from align.conflicts.rule import Rule


        def find(a, b):
            if "sunny" in a and "rainy" in b:
                return [Conflict(a.index("sunny"), a.index("sunny") + 5, b.index("rainy"), b.index("rainy") + 5,
                                 "weather: sunny vs rainy")]
            return []


        RULE = Rule("weather", find)
    '''))
    monkeypatch.setattr(align.conflicts, "__path__", [*align.conflicts.__path__, str(tmp_path)])
    monkeypatch.delitem(sys.modules, "align.conflicts.zz_weather", raising=False)
    try:
        rules = collect_rules()
        assert [r.name for r in rules] == ["counts", "dates", "negation", "opposites", "weather"]
        [c] = find_conflicts("It was sunny in Kyiv.", "It was rainy in Kyiv.", rules)
        assert (c.reason, c.rule) == ("weather: sunny vs rainy", "weather")
        assert find_conflicts("It was sunny in Kyiv.", "It was rainy in Kyiv.") == ()  # the shipped rules: none
    finally:
        sys.modules.pop("align.conflicts.zz_weather", None)


def test_helper_modules_without_rule_are_not_rules():
    names = {r.find.__module__ for r in RULES}
    assert names == {"align.conflicts.counts", "align.conflicts.dates", "align.conflicts.negation",
                     "align.conflicts.opposites"}


@pytest.mark.parametrize("name", ["numbers", "scales", "vague", "modifiers", "counted_things", "events", "part_of",
                                  "count_pronouns", "months", "weekdays", "clause_words", "reporting_verbs",
                                  "negators", "after_negation", "auxiliaries", "personal_pronouns", "opposites"])
def test_word_lists_are_data_files(name):
    got = lines(name)
    assert got and not any(line.startswith("#") or line != line.strip() for line in got)
