"""`sbs serve --ssh ...`: check everything that can be checked, then listen. Errors are one line, status 1."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from tui.cli import CliError, Parser, _common, _threshold, load_documents, seed_paths, settings_from


def serve_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sbs serve",
        description="Serve the app over SSH: `ssh -p PORT HOST` lands in sidebyside on FILES (no shell, nothing "
                    "to install on the reader's side). Public-key login against --authorized-keys; any user name.",
    )
    p.add_argument("--ssh", action="store_true", help="serve over SSH (the only transport)")
    p.add_argument("files", nargs="*", metavar="FILE", help="articles to serve (default: the bundled seeds)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=2222, help="port (default 2222; 0 picks a free one)")
    p.add_argument("--authorized-keys", metavar="FILE",
                   help="OpenSSH authorized_keys file: whose keys may connect (re-read at each login)")
    p.add_argument("--host-key", metavar="FILE",
                   help="server's private host key; generated there on first run (default: in the user data dir)")
    p.add_argument("--allow-anonymous", action="store_true",
                   help="no authentication at all: read-only demos on a loopback --host only")
    p.add_argument("--force", action="store_true", help="accept --allow-anonymous on a non-loopback --host")
    p.add_argument("--max-sessions", type=int, default=8, metavar="N", help="concurrent sessions (default 8)")
    p.add_argument("--idle-timeout", type=float, default=900, metavar="S",
                   help="close a session after S seconds without input (default 900; 0: never)")
    p.add_argument("--export-dir", metavar="DIR",
                   help="where exports from sessions are written (default: exports/ in the user data dir)")
    p.add_argument("--quiet", action="store_true", help="do not log sessions to standard error")
    _common(p)
    return p


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("sidebyside"))


def build_config(args: argparse.Namespace):
    from tui.serve.server import ServeConfig

    if not args.ssh:
        raise CliError("serve: say how to serve: --ssh (the only transport)")
    if not 0 <= args.port <= 65535:
        raise CliError(f"serve: --port {args.port}: must be between 0 and 65535")
    if args.max_sessions < 1:
        raise CliError(f"serve: --max-sessions {args.max_sessions}: must be at least 1")
    if args.idle_timeout < 0:
        raise CliError(f"serve: --idle-timeout {args.idle_timeout:g}: must be 0 (never) or more seconds")
    if args.allow_anonymous:
        if not is_loopback(args.host) and not args.force:
            raise CliError(f"serve: --allow-anonymous lets anyone who can reach {args.host} in; it is for "
                           "loopback demos (--host 127.0.0.1). Add --force if you really mean it")
        if args.authorized_keys:
            raise CliError("serve: --allow-anonymous and --authorized-keys contradict each other; choose one")
        keys = None
    else:
        if not args.authorized_keys:
            raise CliError("serve: give --authorized-keys FILE (the keys that may connect), or --allow-anonymous "
                           "for a loopback demo")
        keys = Path(args.authorized_keys).expanduser().resolve()
        _check_authorized_keys(keys)
    threshold = _threshold(args.threshold)
    paths = args.files or seed_paths()
    if "-" in paths:
        raise CliError("serve: articles cannot come from standard input; give files")
    from align.readers import is_url

    if any(is_url(p) for p in paths):  # every session would fetch the page again, and may see another version
        raise CliError("serve: articles cannot be web addresses; save the pages first and serve the files")
    settings = settings_from(args, threshold)
    # A bad file is a one-line error now, not in every session; a book's segmentation is cached for them.
    docs = load_documents(paths, cache_dir=settings.cache_dir)
    if len(docs) < 2:
        raise CliError(f"serve: sidebyside compares at least two articles, got {len(docs)}")
    from align.document import expand_paths
    from align.readers import ARTICLE_KINDS, ARTICLE_SUFFIXES

    files = [str(Path(p).resolve()) for p in expand_paths(paths, ARTICLE_SUFFIXES, ARTICLE_KINDS)]
    export_dir = Path(args.export_dir).expanduser().resolve() if args.export_dir else data_dir() / "exports"
    # What every session runs with: the model, cache and threshold decided here, exports only into export_dir,
    # none at all for sessions anyone can open.
    session = replace(settings, export_dir=export_dir, read_only=args.allow_anonymous)
    if session.model:
        from align.embed import make_embedder

        make_embedder(session.model, use_cache=False)  # a missing model is one line here, not in every session
    try:
        export_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"serve: --export-dir {export_dir}: {exc.strerror or exc}") from None
    return ServeConfig(files=files, host=args.host, port=args.port, authorized_keys=keys,
                       allow_anonymous=args.allow_anonymous, max_sessions=args.max_sessions,
                       idle_timeout=args.idle_timeout, session=session, log=not args.quiet)


def _check_authorized_keys(path: Path) -> None:
    import asyncssh

    try:
        asyncssh.read_authorized_keys(str(path))
    except FileNotFoundError:
        raise CliError(f"serve: --authorized-keys {path}: no such file") from None
    except (OSError, ValueError, asyncssh.KeyImportError) as exc:
        raise CliError(f"serve: --authorized-keys {path}: not an authorized_keys file ({exc})") from None


def warm_cache(config) -> None:
    """Embed the served articles once, now, so each session opens from the cache instead of loading the model."""
    session = config.session
    if not session.use_cache:
        return
    print("sbs serve: preparing the alignment (embedding the articles once)...", file=sys.stderr, flush=True)
    model = ["--model", session.model] if session.model else []
    result = subprocess.run([sys.executable, "-m", "tui", "align", *config.files, *model, "--csv", os.devnull],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or "").strip().splitlines()
        raise CliError(f"serve: cannot align the articles: {lines[-1] if lines else 'status ' + str(result.returncode)}")


def run_serve(argv: list[str]) -> int:
    args = serve_parser().parse_args(argv)
    config = build_config(args)
    from tui.serve.hostkey import HostKeyError, default_host_key_path, load_or_create_host_key

    key_path = Path(args.host_key).expanduser().resolve() if args.host_key else default_host_key_path()
    try:
        host_key, created = load_or_create_host_key(key_path)
    except HostKeyError as exc:
        raise CliError(f"serve: {exc}") from None
    if created:
        print(f"sbs serve: new host key {key_path}", file=sys.stderr)
    if config.session.model != "hashing":
        warm_cache(config)
    from tui.serve.server import serve

    def ready(port: int) -> None:
        host = config.host if ":" not in config.host else f"[{config.host}]"
        login = "anyone (anonymous)" if config.allow_anonymous else f"keys in {config.authorized_keys}"
        exports = "no exports (anonymous sessions write no files)" if config.session.read_only \
            else f"exports to {config.session.export_dir}"
        print(f"sbs serve: listening on {host}:{port} ({len(config.files)} articles; {login}; host key "
              f"{host_key.get_fingerprint()}; {exports})", file=sys.stderr)
        print(f"sbs serve: connect with: ssh -p {port} {config.host}", file=sys.stderr, flush=True)

    try:
        asyncio.run(serve(config, host_key, ready))
    except OSError as exc:
        raise CliError(f"serve: cannot listen on {config.host}:{config.port}: {exc.strerror or exc}") from None
    return 0
