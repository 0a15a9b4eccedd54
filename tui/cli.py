"""The command line: `sbs [FILE...]` opens the app, `sbs align FILE... --csv OUT` exports, `sbs batch MANIFEST
--out DIR` aligns many clusters, `sbs serve --ssh`.

argparse (standard library) is enough for a few sub-commands and keeps start-up imports small; Textual and
torch are imported only by the commands that need them, so `sbs align` with a warm cache stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from tui import __version__

SUBCOMMANDS = ("align", "batch", "serve", "models")


def seed_dir() -> Path:
    """The five bundled seed articles: package data of tui, so they ship inside the wheel (tui/seeds is a link to
    the repository's seeds/ folder, the one copy)."""
    from importlib.resources import files

    return Path(str(files("tui") / "seeds"))


def seed_paths() -> list[str]:
    return sorted(str(p) for p in seed_dir().glob("*.txt"))


class CliError(Exception):
    """A user error: printed as one line, exit status 1."""


class Parser(argparse.ArgumentParser):
    """argparse with the house's error: one line naming the problem and where the help is (argparse prints its
    whole usage block first), exit status 2 as argparse's."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"sbs: {visible(message)} ({self.prog} --help)\n")


class SourcesError(CliError):
    """Articles that cannot be read: one line each (every source is tried, so all are named at once)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _common(p: argparse.ArgumentParser) -> None:
    from align.linking import THRESHOLD

    p.add_argument("--model", metavar="NAME_OR_PATH",
                   help="fast (the default: all-MiniLM-L6-v2), accurate, mpnet, multilingual, hashing (no model), "
                        "or a sentence-transformers model directory; default $SBS_MODEL, else fast (sbs models)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")
    p.add_argument("--threshold", type=float, default=None, metavar="T",
                   help=f"link threshold on the [0, 1] score (default {THRESHOLD}; in the app + and - change it)")


def app_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sbs",
        description="Compare news articles side by side: aligned sentences, word differences, conflicting facts.",
        epilog="commands:\n  sbs [FILE...]                 open the app (no FILE: the bundled seed articles)\n"
               "  sbs align FILE... --csv OUT   write the alignment without the UI (sbs align --help)\n"
               "  sbs batch MANIFEST --out DIR  align many clusters of articles (sbs batch --help)\n"
               "  sbs serve --ssh FILE...       serve the app over SSH (sbs serve --help)\n"
               "  sbs models [install NAME]     the embedding models, and installing one (sbs models --help)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"sidebyside {__version__}")
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="articles: text, Markdown, HTML, PDF or Word (.docx) files, web addresses (http/https), "
                        "a directory, - for stdin")
    _common(p)
    p.add_argument("--low-bandwidth", action=argparse.BooleanOptionalAction, default=None,
                   help="no animations, no blinking cursor (slow links; default: on over SSH)")
    return p


def align_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sbs align", description="Align two or more articles and write the result.",
        epilog="If any FILE cannot be used (missing, unreadable, not an article, empty, a page that cannot be "
               "fetched), nothing is written: one line names each such FILE and the reason, and the exit status "
               "is 1. Offsets count into each article's text as read; for HTML, PDF and Word files and web pages "
               "that is the text extracted, which --save-text writes.")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="articles (at least two): text, Markdown, HTML, PDF or Word (.docx) files, web addresses, "
                        "a directory, - for stdin")
    from align.export import FORMATS

    for f in FORMATS:  # one option a format: a new format in align.export.FORMATS is an option here too
        p.add_argument(f"--{f.name}", metavar="OUT", help=f.cli_help or f"write {f.label} to OUT")
    p.add_argument("--save-text", metavar="DIR", help="write each article's text as read or extracted to DIR "
                                                      "(NAME.txt; made if missing), so the offsets can be checked")
    p.add_argument("--pair", nargs=2, metavar=("A", "B"), help="only the pair of articles A and B")
    p.add_argument("--raw", action="store_true", help="do not prefix formula-like cells (= + - @) with '")
    _common(p)
    return p


def batch_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sbs batch", description="Align every cluster of articles a manifest lists; write each cluster's "
                                      "exports to DIR/CLUSTER/ and one summary table, DIR/summary.csv.",
        epilog="MANIFEST is JSON lines ({\"cluster\": \"c1\", \"articles\": [\"a.txt\", \"b.txt\"]}) or CSV "
               "(c1,a.txt,b.txt), one cluster a line; relative paths are relative to the manifest, and a pattern (storm/*.txt) "
               "stands for the files it matches. A cluster "
               "already done with the same inputs is skipped. A bad line or a failing cluster is named in the "
               "summary and the rest run (exit status 1); a manifest that cannot be read: exit status 2.")
    p.add_argument("manifest", metavar="MANIFEST", help="the clusters: a .jsonl or .csv file")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (made if missing)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="processes (or Dask workers with --scheduler local); default: half the cores (each "
                        "worker's model already uses them all)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask cluster: its scheduler's address (tcp://host:8786), or 'local' for one on "
                        "this machine (needs pip install 'sidebyside[dask]')")
    p.add_argument("--force", action="store_true", help="redo clusters already done")
    p.add_argument("--raw", action="store_true", help="do not prefix formula-like cells (= + - @) with '")
    _common(p)
    return p


def run_batch(args: argparse.Namespace) -> int:
    from align.batch import BatchError, ManifestError, SchedulerError, run_batch as batch

    settings = settings_from(args, _threshold(args.threshold))
    if args.workers is not None and args.workers < 1:
        raise CliError(f"--workers {args.workers}: must be at least 1")
    if args.scheduler:
        import logging

        logging.getLogger("distributed").setLevel(logging.ERROR)  # its worker-restart notices are not ours
    tty = sys.stderr.isatty()
    failures: list[tuple[int, str]] = []

    def on_result(r, done: int, total: int) -> None:
        if r.status == "failed":
            failures.append((r.line, f"line {r.line}: " + (f"cluster {r.cluster}: " if r.cluster else "") + r.error))
        if tty:
            print(f"\rsbs batch: {done}/{total} clusters, {len(failures)} failed", end="", file=sys.stderr,
                  flush=True)

    if tty:
        print("sbs batch: starting", end="", file=sys.stderr, flush=True)
    try:
        report = batch(args.manifest, args.out, model=settings.model, threshold=settings.threshold, raw=args.raw,
                       use_cache=settings.use_cache, cache_dir=settings.cache_dir, workers=args.workers,
                       scheduler=args.scheduler, force=args.force, on_result=on_result)
    except (BatchError, ManifestError, SchedulerError) as exc:
        print(f"sbs: {visible(str(exc))}", file=sys.stderr)
        return 2
    finally:
        if tty:
            print("\r\033[K", end="", file=sys.stderr)
    for _, line in sorted(failures)[:10]:
        print(f"sbs batch: {visible(line)}", file=sys.stderr)
    if len(failures) > 10:
        print(f"sbs batch: ... and {len(failures) - 10} more failed", file=sys.stderr)
    done, skipped, bad = report.count("done"), report.count("skipped"), report.count("failed")
    print(f"sbs batch: {len(report.results)} clusters: {done} done, {skipped} skipped (done before), {bad} failed; "
          f"summary in {visible(str(report.summary))}", file=sys.stderr)
    return 1 if bad else 0


def read_sources(paths: list[str], announce: bool = False, cache_dir=None, line=None):
    """Every article that can be read, one line for each named source that cannot (all are tried), and one line
    for each file found in a named folder that cannot be read (a stray file there is skipped, not fatal: the
    folder stands for "the articles in here", as the app has always opened the rest).

    `announce`: say on stderr which web pages were fetched and where each was kept. `cache_dir`
    (Settings.cache_dir): a book's segmentation and the fetched pages are kept there. `line` (a ProgressLine)
    shows the fetching and reading of each."""
    from align.document import DocumentError, expand_paths, unique_names
    from align.readers import ARTICLE_KINDS, ARTICLE_SUFFIXES, is_url, read_article

    if paths.count("-") > 1:
        raise CliError("- (standard input) given more than once")
    _quiet_parsers()
    docs, failures, skipped = [], [], []
    for given in paths:
        try:
            for p in [given] if is_url(given) else expand_paths([given], ARTICLE_SUFFIXES, ARTICLE_KINDS):
                found = p != given  # listed from a folder or matched by a pattern, not named
                if is_url(p) and line is not None and line.enabled:
                    line.update(f"fetching {p}")
                elif is_url(p) and sys.stderr.isatty():  # a page can take seconds: say what the wait is for
                    print(f"sbs: fetching {visible(p)} …", file=sys.stderr, flush=True)
                step = None
                if line is not None:
                    def step(done: int, total: int, what: str = f"reading {p if is_url(p) else Path(p).name}"):
                        line.update(what, done, total, "characters")
                try:
                    doc = read_article(p, pages_dir=Path(cache_dir) / "pages" if cache_dir else None,
                                       cache_dir=cache_dir, progress=step)
                except DocumentError as exc:
                    (skipped if found else failures).append(str(exc))
                    continue
                docs.append(doc)
                if announce and doc.origin.kept:
                    if line is not None:
                        line.clear()
                    print(f"sbs: fetched {visible(p)}; kept as {visible(doc.origin.kept)}", file=sys.stderr)
        except DocumentError as exc:
            failures.append(str(exc))
    return unique_names(docs), failures, skipped


def load_documents(paths: list[str], announce: bool = False, cache_dir=None, line=None):
    """The articles, or SourcesError naming every named one that cannot be read; a file in a named folder that
    cannot be read is skipped with one line on stderr."""
    docs, failures, skipped = read_sources(paths, announce, cache_dir, line)
    if failures:
        raise SourcesError(failures)
    if skipped and line is not None:
        line.clear()
    for why in skipped:
        print(f"sbs: skipped {visible(why)}", file=sys.stderr)
    first: dict[str, str] = {}
    for d in docs:  # allowed (a check that the tool sees no difference), but rarely meant: say so
        if d.path and d.path != "-":
            key = os.path.realpath(d.path)
            if key in first:
                print(f"sbs: note: {visible(d.name)} is {visible(first[key])} again; compared with itself",
                      file=sys.stderr)
            first.setdefault(key, d.name)
    return docs


def _quiet_parsers() -> None:
    """The PDF and HTML libraries log their repairs of damaged files as warnings; the reader gets our one line
    (or the article), not their log. Set by the command line, which owns the process."""
    import logging

    for name in ("pypdf", "trafilatura", "htmldate", "courlan", "justext", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


#: Distinct sentences to embed from which `sbs align` says so on a standard error that is not a terminal (a
#: terminal has the progress line): about a minute of the default model on a laptop's CPU.
LONG_EMBEDDING = 5_000


def _prepare_model(docs, embedder, line) -> None:
    """Load the model now, under its own progress stage, unless every article's embeddings are cached (then the
    model is never loaded); and say in one line when many sentences are to be embedded and no progress line
    shows."""
    cache = getattr(embedder, "cache", None)
    missing = [d for d in docs if d.texts and (cache is None or not cache.path(embedder.model_id, d.texts).exists())]
    if not missing:
        return
    inner = getattr(embedder, "inner", embedder)
    new = len({t for d in missing for t in d.texts})
    if not line.enabled and new >= LONG_EMBEDDING and hasattr(inner, "load"):
        print(f"sbs: embedding {new:,} sentences (minutes on a CPU; cached for later runs)", file=sys.stderr)
    if hasattr(inner, "load") and getattr(inner, "_model", None) is None:
        line.update("loading the model")
        inner.load()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "align":
            return run_align(align_parser().parse_args(argv[1:]))
        if argv and argv[0] == "batch":
            return run_batch(batch_parser().parse_args(argv[1:]))
        if argv and argv[0] == "models":
            from tui.models_cli import run_models

            return run_models(argv[1:])
        if argv and argv[0] == "serve":
            from tui.serve.cli import run_serve

            return run_serve(argv[1:])
        late = [a for a in argv if a in SUBCOMMANDS and not os.path.isfile(a)]
        if argv and argv[0].startswith("-") and late:
            # `sbs --model hashing align a.txt b.txt`: say where the command goes, not "align: no such file".
            raise CliError(f"'{late[0]}' must come first, options after it: sbs {late[0]} [options] FILE...")
        return run_app(app_parser().parse_args(argv))
    except KeyboardInterrupt:
        print("sbs: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `sbs align ... --csv - | head`: the reader left; not an error worth a traceback.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except Exception as exc:  # every user-facing error class carries a one-line message
        from align.document import DocumentError
        from align.embed import ModelError
        from align.export import ExportError

        if isinstance(exc, SourcesError):
            for line in exc.lines:
                print(f"sbs: {visible(line)}", file=sys.stderr)
            return 1
        if isinstance(exc, (CliError, DocumentError, ModelError, ExportError)):
            print(f"sbs: {visible(str(exc))}", file=sys.stderr)
            return 1
        raise


def visible(message: str, keep: str = "") -> str:
    """One harmless line: control, format and separator characters (ESC, C1, bidi overrides, zero-width, new
    lines) shown as escapes, except those in `keep`. Messages echo file names, which can hold all of these."""
    import unicodedata

    out = []
    for ch in message:
        if ch not in keep and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            o = ord(ch)
            if 0xDC80 <= o <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape): show the byte
                o -= 0xDC00
            out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")
        else:
            out.append(ch)
    return "".join(out)


def _threshold(t: float | None) -> float:
    from align.linking import THRESHOLD

    if t is None:
        return THRESHOLD
    if not 0.0 <= t <= 1.0:
        raise CliError(f"--threshold {t}: must be between 0 and 1")
    return t


def settings_from(args: argparse.Namespace, threshold: float | None = None, environ=None):
    """The Settings for this run: the options given, over the environment variables (tui/settings.py)."""
    from tui.settings import Settings

    return Settings.from_environment(environ, model=args.model, use_cache=not args.no_cache, threshold=threshold,
                                     low_bandwidth=getattr(args, "low_bandwidth", None))


def make_embedder_for(settings):
    """The embedder the settings name. Resolves the model without importing torch or loading anything: a missing
    model is one line before any work starts."""
    from align.embed import make_embedder

    return make_embedder(settings.model, use_cache=settings.use_cache, cache_dir=settings.cache_dir)


def run_align(args: argparse.Namespace) -> int:
    from tui.progress_line import ProgressLine

    line = ProgressLine()
    try:
        return _run_align(args, line)
    finally:
        line.clear()  # on success, on an error line, on ctrl+c: the terminal is left clean


def _run_align(args: argparse.Namespace, line) -> int:
    from align.compare import compare
    from align.export import FORMATS, ExportOptions, select_pairs

    threshold = _threshold(args.threshold)
    settings = settings_from(args, threshold)
    asked = [(f, getattr(args, f.name.replace("-", "_"))) for f in FORMATS]
    asked = [(f, path) for f, path in asked if path]
    if not asked:
        asked = [(FORMATS[0], "-")]  # the alignment CSV on standard output
    outputs = [path for _, path in asked]
    for k, p in enumerate(outputs):
        if p == "-" and outputs.count("-") > 1:
            raise CliError("- (standard output) given for two outputs; name a file for one of them")
        if p != "-" and any(q != "-" and os.path.abspath(q) == os.path.abspath(p) for q in outputs[:k]):
            raise CliError(f"{p}: given for two outputs; each needs a file of its own")
    if args.save_text is not None:  # made (as --out is for batch) when missing, but only once all else worked
        _check_folder_to_make(args.save_text)
    docs = load_documents(args.files, announce=True, cache_dir=settings.cache_dir, line=line)
    if len(docs) < 2:
        raise CliError(f"align needs at least two articles, got {len(docs)}")
    from align.export import refuse_an_article

    for p in outputs:  # before the model loads: a refused run should cost nothing
        refuse_an_article(p, docs)
    embedder = make_embedder_for(settings)
    _prepare_model(docs, embedder, line)
    comparison = compare(docs, embedder, threshold,
                         lambda done, total: line.update("embedding sentences", done, total),
                         stage=line.update)
    pair = tuple(args.pair) if args.pair else None
    # Linking and grouping run here, each under its own stage, rather than unseen inside the writers.
    chosen = select_pairs(comparison, pair) if any(f.subject == "alignment" for f, _ in asked) else []
    for k, (i, j) in enumerate(chosen):
        line.update("linking pairs", k, len(chosen))
        comparison.alignment(i, j)
    if any(f.uses_groups for f, _ in asked):
        line.update("grouping facts across the articles")
        comparison.groups()
    line.update("writing")
    if "-" in outputs:
        line.clear()  # standard output may be this terminal too
    stdout = sys.stdout
    if "-" in outputs and stdout.isatty():
        # Article text is data: on a terminal it is shown, never obeyed. A pipe or a file gets it unchanged.
        sys.stdout = TerminalSafe(stdout)
    wrote = []
    try:
        if args.save_text is not None:
            from align.export import save_texts

            try:
                os.makedirs(args.save_text, exist_ok=True)
            except OSError as exc:
                raise CliError(f"--save-text {args.save_text}: cannot make this folder ({exc.strerror or exc})") \
                    from None
            saved = save_texts(docs, args.save_text)
            wrote.append((args.save_text, f"the {len(saved)} articles' texts "
                                          f"({', '.join(os.path.basename(p) for p in saved)})"))
        options = ExportOptions(only=pair, raw=args.raw, model=embedder.model_id, version=__version__)
        for f, path in asked:
            rows = f.write(comparison, path, options)
            wrote.append((path, f"{rows:,} rows" if rows is not None else f.noun))
    finally:
        sys.stdout = stdout
    line.clear()
    for path, what in wrote:  # a file written says so (standard output speaks for itself)
        if path != "-":
            print(f"sbs: wrote {visible(what)} to {visible(path)}", file=sys.stderr)
    return 0


def _check_folder_to_make(path: str) -> None:
    """CliError, before any work, if `path` is a file or its nearest existing ancestor is not a folder."""
    if os.path.isdir(path):
        return
    if os.path.exists(path):
        raise CliError(f"--save-text {path}: is a file, not a folder")
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise CliError(f"--save-text {path}: {parent} is a file, not a folder")


class TerminalSafe:
    """A text stream for a terminal: control characters in what is written become visible escapes; tabs and
    line ends stay (a carriage return only before a line feed, so no text can be overwritten)."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        import re

        self.stream.write(visible(re.sub(r"\r(?!\n)", r"\\x0d", text), keep="\t\n\r"))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return True


def run_app(args: argparse.Namespace) -> int:
    settings = settings_from(args, _threshold(args.threshold))
    paths = args.files or seed_paths()
    if not paths:
        raise CliError(f"no FILE given and no bundled seeds in {seed_dir()}")
    from tui.progress_line import ProgressLine

    line = ProgressLine()
    try:  # a book takes seconds to segment: say so before the screen opens
        docs, failures, skipped = read_sources(paths, cache_dir=settings.cache_dir, line=line)
    finally:
        line.clear()
    failures += skipped  # the app names both in one notification and opens the rest
    if len(docs) < 2:
        if failures:
            raise SourcesError(failures)
        raise CliError(f"sidebyside compares at least two articles, got {len(docs)}")
    embedder = make_embedder_for(settings)  # a missing model is one line before the screen opens
    from tui.app import SideBySideApp

    app = SideBySideApp(docs, embedder, settings, not_opened=failures)
    _keys_from_the_terminal()
    with _leave_cleanly_on_signals(app):
        app.run()
    return app.return_code or 0


def _keys_from_the_terminal() -> None:
    """`cat a.txt | sbs - b.txt`: the article came through standard input, so the keys must come from the
    controlling terminal instead (Textual reads keys from file descriptor 0), as `less` and `vim -` do."""
    try:
        if os.isatty(0):
            return
    except OSError:
        pass
    try:
        fd = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        raise CliError("standard input is not a terminal and there is no terminal to read keys from "
                       "(for a pipe or a script, use `sbs align`)") from None
    os.dup2(fd, 0)
    os.close(fd)


@contextlib.contextmanager
def _leave_cleanly_on_signals(app):
    """SIGHUP (terminal or SSH connection gone), SIGTERM and SIGINT end the app the way `q` does: the terminal is
    restored and there is no traceback. Python's defaults would kill it mid-frame (SIGHUP, SIGTERM) or raise
    KeyboardInterrupt inside Textual's loop. If the exit stalls (a worker busy in the model; a dead terminal),
    a watchdog ends the process after a few seconds."""
    import asyncio
    import signal
    import threading

    def on_signal(signum, frame):
        loop = asyncio._get_running_loop()
        if loop is None:  # before the app's loop started or after it ended: plain behaviour
            raise KeyboardInterrupt if signum == signal.SIGINT else SystemExit(128 + signum)
        watchdog = threading.Timer(5.0, os._exit, (128 + signum,))
        watchdog.daemon = True
        watchdog.start()
        loop.call_soon_threadsafe(app.exit, None, 128 + signum)

    sigs = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)
    previous = {s: signal.signal(s, on_signal) for s in sigs}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
