"""Settings (tui/settings.py): the command line's options over the environment variables, read in one place,
handed to the app, and carried from `sbs serve` to each session's process."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from align.linking import THRESHOLD
from tests.tui.conftest import aligned
from tui.cli import _threshold, app_parser, settings_from
from tui.serve.cli import build_config, serve_parser
from tui.settings import Settings


def parsed(argv: list[str]) -> argparse.Namespace:
    return app_parser().parse_args(argv)


def test_every_variable_the_readme_names_reaches_the_settings(tmp_path):
    env = {"SBS_MODEL": "hashing", "SBS_CACHE_DIR": str(tmp_path / "cache"), "SBS_KEYMAP": str(tmp_path / "keys"),
           "SBS_EXPORT_DIR": str(tmp_path / "out"), "SBS_READ_ONLY": "1", "SSH_CONNECTION": "10.0.0.1 22 10.0.0.2 22"}
    s = settings_from(parsed(["a.txt"]), environ=env)
    assert s == Settings(model="hashing", use_cache=True, cache_dir=tmp_path / "cache", threshold=THRESHOLD,
                         low_bandwidth=True, keymap_path=tmp_path / "keys", export_dir=tmp_path / "out",
                         read_only=True)


def test_options_win_over_the_environment_and_defaults_fill_the_rest(tmp_path):
    env = {"SBS_MODEL": "hashing", "SSH_CONNECTION": "x"}
    s = settings_from(parsed(["--model", "fast", "--no-cache", "--no-low-bandwidth"]), 0.4, environ=env)
    assert (s.model, s.use_cache, s.threshold, s.low_bandwidth) == ("fast", False, 0.4, False)
    plain = settings_from(parsed([]), environ={})
    assert plain.model is None and not plain.low_bandwidth and not plain.read_only and plain.export_dir is None
    assert plain.cache_dir is not None and plain.cache_dir.name == "embeddings"  # the user cache folder
    assert plain.keymap_path is not None and plain.keymap_path.name == "keymap"  # the user config folder
    assert settings_from(parsed([]), environ={"SBS_SERVED": "1"}).low_bandwidth  # a served session


def test_serve_hands_its_sessions_settings_that_come_back_the_same(tmp_path, monkeypatch):
    """`sbs serve` decides the sessions' settings; a session's own command line reads them back unchanged."""
    asyncssh = pytest.importorskip("asyncssh")
    keys = tmp_path / "authorized_keys"
    keys.write_bytes(asyncssh.generate_private_key("ssh-ed25519").export_public_key())
    monkeypatch.delenv("SBS_MODEL", raising=False)
    args = serve_parser().parse_args(["--ssh", "--authorized-keys", str(keys), "--export-dir", str(tmp_path / "out"),
                                      "--model", "hashing", "--threshold", "0.35", "--no-cache"])
    config = build_config(args)
    session = config.session
    assert (session.export_dir, session.read_only, session.model) == (tmp_path / "out", False, "hashing")
    argv = [*config.files, *session.session_arguments()]
    env = session.session_environment()
    back = settings_from(session_args := parsed(argv), _threshold(session_args.threshold), environ=env)
    for field in ("model", "use_cache", "cache_dir", "threshold", "export_dir", "read_only"):
        assert getattr(back, field) == getattr(session, field), field
    assert back.low_bandwidth  # a served session: nothing animates


def test_an_anonymous_session_is_read_only(tmp_path):
    pytest.importorskip("asyncssh")
    args = serve_parser().parse_args(["--ssh", "--allow-anonymous", "--export-dir", str(tmp_path)])
    config = build_config(args)
    env = config.session.session_environment()
    assert env["SBS_READ_ONLY"] == "1" and Path(env["SBS_EXPORT_DIR"]) == tmp_path
    assert settings_from(parsed([]), environ=env).read_only


async def test_the_app_takes_its_settings_not_the_environment(make_app, marlow_docs, tmp_path, monkeypatch):
    """Variables set after the command line ran change nothing: the app reads only its Settings."""
    monkeypatch.setenv("SBS_READ_ONLY", "1")
    monkeypatch.setenv("SBS_EXPORT_DIR", str(tmp_path / "elsewhere"))
    app = make_app(marlow_docs[:2], export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        assert app.screen.__class__.__name__ == "ExportDialog"  # not read-only
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.last_export == str(tmp_path / "sbs-marlow-a-vs-marlow-b.csv")
    assert (tmp_path / "sbs-marlow-a-vs-marlow-b.csv").exists()
