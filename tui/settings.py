"""Settings: what the command line decided, handed down read-only to the app and its screens.

The environment variables sidebyside understands are read here and nowhere else (README: Use, Keys, Over SSH).
`sbs` builds Settings from its options and the environment; `sbs serve` builds the Settings of its sessions and
hands them to each session's process through `session_arguments` and `session_environment`, which the session's
own command line reads back here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from align.linking import THRESHOLD

#: The model when --model is not given.
MODEL_ENV = "SBS_MODEL"
#: The embedding cache folder (default: the user cache folder).
CACHE_ENV = "SBS_CACHE_DIR"
#: The keymap file (default: ~/.config/sidebyside/keymap).
KEYMAP_ENV = "SBS_KEYMAP"
#: Set by `sbs serve`: the session's exports go to this folder, under plain file names.
EXPORT_DIR_ENV = "SBS_EXPORT_DIR"
#: Set by `sbs serve` for sessions anyone can open: they may read and compare, never write files on the server.
READ_ONLY_ENV = "SBS_READ_ONLY"
#: Set by `sbs serve`: a served session (low bandwidth unless told otherwise, like any SSH session).
SERVED_ENV = "SBS_SERVED"
#: Set by OpenSSH's sshd in every session it opens.
SSH_ENV = "SSH_CONNECTION"


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to know that is not an article. The defaults are an app with no disk cache, no
    keymap, exports anywhere: what the tests and a library caller get unless they say otherwise."""

    model: str | None = None  # a model name or directory; None: the library's default
    use_cache: bool = True  # the embedding cache (--no-cache turns it off)
    cache_dir: Path | None = None  # the cache folder (embeddings, and the segmentation of books); None: no cache
    threshold: float = THRESHOLD  # the link threshold the app opens with (+ and - change it live)
    low_bandwidth: bool = False  # no animations, no blinking cursor
    keymap_path: Path | None = None  # the user's keymap file; None: the default keys
    export_dir: Path | None = None  # exports only here, by plain file names (a served session)
    read_only: bool = False  # no exports at all (an anonymous served session)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None, *, model: str | None = None,
                         use_cache: bool = True, threshold: float | None = None,
                         low_bandwidth: bool | None = None) -> Settings:
        """The settings for `sbs`: the command line's options (those given, not None) over the environment
        variables, over the defaults."""
        env = os.environ if environ is None else environ
        cache = env.get(CACHE_ENV)
        keymap = env.get(KEYMAP_ENV)
        export_dir = env.get(EXPORT_DIR_ENV)
        return cls(
            model=model or env.get(MODEL_ENV) or None,
            use_cache=use_cache,
            cache_dir=Path(cache).expanduser() if cache else default_cache_dir(),
            threshold=THRESHOLD if threshold is None else threshold,
            low_bandwidth=over_ssh(env) if low_bandwidth is None else low_bandwidth,
            keymap_path=Path(keymap).expanduser() if keymap else default_keymap_path(),
            export_dir=Path(export_dir) if export_dir else None,
            read_only=env.get(READ_ONLY_ENV) == "1",
        )

    def session_arguments(self) -> list[str]:
        """The options a served session's `sbs` is started with, so its own Settings come out as these."""
        args = ["--model", self.model] if self.model else []
        if not self.use_cache:
            args.append("--no-cache")
        if self.threshold != THRESHOLD:
            args += ["--threshold", repr(self.threshold)]
        return args

    def session_environment(self) -> dict[str, str]:
        """The environment variables that carry the rest of these settings to a served session."""
        env = {SERVED_ENV: "1"}
        if self.cache_dir is not None:
            env[CACHE_ENV] = str(self.cache_dir)
        if self.export_dir is not None:
            env[EXPORT_DIR_ENV] = str(self.export_dir)
        if self.read_only:
            env[READ_ONLY_ENV] = "1"
        return env


def over_ssh(environ: Mapping[str, str]) -> bool:
    """Running in an SSH session (sshd sets SSH_CONNECTION; `sbs serve` sets SBS_SERVED): every redraw crosses the
    network, so nothing should animate or blink at rest."""
    return bool(environ.get(SSH_ENV) or environ.get(SERVED_ENV))


def default_cache_dir() -> Path:
    from align.cache import default_cache_dir as library_default

    return library_default()


def default_keymap_path() -> Path:
    import platformdirs  # the user's config folder on each OS (XDG_CONFIG_HOME on Linux)

    return Path(platformdirs.user_config_dir("sidebyside")) / "keymap"
