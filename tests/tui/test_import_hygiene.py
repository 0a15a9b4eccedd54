"""The app's house rules, checked on the source: settings come from one module, screens never import the app,
work runs in Textual workers (no threads of our own), the cursor and the settings need no Textual.

The app's first paint without torch is tests/tui/test_no_torch.py.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

#: The one module that reads environment variables (README: Use, Keys, Over SSH).
SETTINGS = "tui/settings.py"
#: sbs serve builds each session's environment from its own (minus the server terminal's), which is no setting.
CHILD_ENVIRONMENT = "tui/serve/server.py"


def sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def environment_reads(tree: ast.AST) -> list[int]:
    """Lines that touch the process environment: os.environ, os.getenv, os.putenv, or those names imported."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "putenv", "unsetenv"):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and \
                {a.name for a in node.names} & {"environ", "getenv", "putenv"}:
            lines.append(node.lineno)
    return lines


def runtime_imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every import not under `if TYPE_CHECKING:`."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.lineno, node.module))
    return out


def test_the_environment_is_read_in_one_place():
    found = {}
    for path in sources("tui", "align"):
        lines = environment_reads(ast.parse(path.read_text(encoding="utf-8")))
        if lines and rel(path) not in (SETTINGS, CHILD_ENVIRONMENT):
            found[rel(path)] = lines
    assert not found, f"environment read outside {SETTINGS}: {found}"
    assert environment_reads(ast.parse((ROOT / SETTINGS).read_text(encoding="utf-8")))


def test_nothing_the_app_is_made_of_imports_the_app():
    """Screens reach the app through `self.app` and messages: no import cycle with tui/app.py."""
    found = []
    for path in sources("tui/screens", "tui/widgets") + [ROOT / "tui" / n for n in
                                                         ("navigation.py", "settings.py", "messages.py")]:
        for line, module in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module == "tui.app":
                found.append(f"{rel(path)}:{line}")
    assert not found, found


def test_the_app_starts_no_threads_of_its_own():
    """Work off the event loop is a Textual worker (`@work(thread=True)`) that posts a message back."""
    found = []
    for path in sources("tui/screens", "tui/widgets") + [ROOT / "tui" / "app.py"]:
        for line, module in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module.split(".")[0] in ("threading", "concurrent", "_thread"):
                found.append(f"{rel(path)}:{line} imports {module}")
    assert not found, found


def test_the_cursor_and_the_settings_load_without_textual():
    code = ("import sys, tui.navigation, tui.settings; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'torch')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_library_imports_no_textual():
    """align/ is the library under the app: no module of it imports textual, rich or tui, in its source or when
    every module of it is loaded."""
    found = []
    for path in sources("align"):
        for line, module in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module.split(".")[0] in ("textual", "rich", "tui"):
                found.append(f"{rel(path)}:{line} imports {module}")
    assert not found, found
    code = ("import importlib, pkgutil, sys, align\n"
            "for m in pkgutil.walk_packages(align.__path__, 'align.'):\n"
            "    importlib.import_module(m.name)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich', 'tui'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"


@pytest.mark.model
def test_a_warm_sbs_align_imports_no_torch(tmp_path, seed_paths):
    """With the embeddings cached, `sbs align` on the default model loads neither torch nor the app's UI."""
    code = ("import sys; from tui.cli import main; rc = main(sys.argv[1:]); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'torch', 'sentence_transformers', 'transformers', 'textual', 'onnxruntime'})); sys.exit(rc)")
    env = {**os.environ, "SBS_CACHE_DIR": str(tmp_path / "cache")}
    args = ["align", *map(str, seed_paths), "--csv", str(tmp_path / "out.csv")]
    cold = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert cold.returncode == 0, cold.stderr[-2000:]
    assert "onnxruntime" in cold.stdout  # the first run did embed, with the model
    warm = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert warm.returncode == 0, warm.stderr[-2000:]
    assert warm.stdout.strip().splitlines()[-1] == "[]"
