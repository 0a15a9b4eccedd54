"""User key bindings: a small text file that maps binding ids to keys, applied with Textual's keymap.

    # ~/.config/sidebyside/keymap  (or the file SBS_KEYMAP names; tui/settings.py finds it)
    next-link = ctrl+n, down
    prev-link = ctrl+p, up

Every remappable key has an id; `?` in the app lists them. A plain `id = keys` format rather than TOML keeps
Python 3.10 without an extra dependency, and is all a keymap needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.binding import Binding


def parse_keymap(text: str, known_ids: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """(binding id -> keys, problems): each problem is one line naming the line of the file at fault."""
    known = set(known_ids)
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        binding_id, sep, keys = (part.strip() for part in line.partition("="))
        keys = ",".join(k.strip() for k in keys.split(",") if k.strip())
        if not sep or not binding_id or not keys:
            problems.append(f"line {number}: expected 'binding-id = key, key'")
        elif binding_id not in known:
            problems.append(f"line {number}: no key has the id {binding_id!r} (? lists them)")
        elif not all(k.isprintable() and " " not in k for k in keys.split(",")):
            problems.append(f"line {number}: keys are names like ctrl+n or f5, separated by commas")
        else:
            keymap[binding_id] = keys
    return keymap, problems


def load_keymap(path: Path | None, known_ids: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """The keymap in `path`, if there is one; a file that cannot be read is one problem, never an exception."""
    if path is None:
        return {}, []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [f"{path}: {getattr(exc, 'strerror', None) or exc}"]
    keymap, problems = parse_keymap(text, known_ids)
    return keymap, [f"{path} {p}" for p in problems]


def binding_ids(bindings: Iterable[Binding]) -> set[str]:
    return {b.id for b in bindings if isinstance(b, Binding) and b.id}


def keys_of(binding: Binding, keymap: dict[str, str]) -> str:
    """The keys a binding answers to once the keymap is applied."""
    return keymap.get(binding.id, binding.key) if binding.id else binding.key
