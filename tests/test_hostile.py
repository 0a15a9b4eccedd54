"""Hostile and broken input through the real command line: one clear line or a correct result, never a traceback,
never a hang, nothing written raw to the terminal, exports atomic.

Decision (documented here and in `sbs align --help`'s behaviour): when several files are given and one is bad,
`sbs align` fails with that file's one line and writes nothing; it never silently drops an article it was given.
A file found in a folder it was given is different: the folder stands for the articles in it, so a stray file
there is skipped with one line on stderr (as the app opens the rest with a notification).
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from tests.samples import hostile

#: No single command here may take longer: a hang fails the test instead of blocking the suite.
TIMEOUT = 120
SEED = str(SEEDS[0])


def sbs(*args: str, prefix: tuple[str, ...] = (), timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """Run the command line; output decoded without newline translation (a CSV cell may hold a CRLF)."""
    r = subprocess.run([*prefix, sys.executable, "-m", "tui", *args], capture_output=True, cwd=ROOT,
                       timeout=timeout, stdin=subprocess.DEVNULL, env={**os.environ, "SBS_MODEL": "hashing"})
    return subprocess.CompletedProcess(r.args, r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8"))


def assert_one_line_error(r: subprocess.CompletedProcess, *needles: str) -> str:
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip("\n").split("\n")
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("sbs: ")
    for n in needles:
        assert n in lines[0], (n, lines[0])
    assert r.stdout == ""  # nothing half-written to standard output either
    return lines[0]


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def original(cell: str) -> str:
    """Undo the export's formula guard: a cell `'+[=+-@]...` had exactly one apostrophe added."""
    return cell[1:] if re.match(r"'+[=+\-@]", cell) else cell


def assert_offsets_true(rows: list[dict], texts: dict[str, str]) -> None:
    assert rows
    for row in rows:
        for side in ("left", "right"):
            name = row[f"{side}_doc"]
            if not name:
                continue
            t = texts[original(name)]
            s, e = int(row[f"{side}_start"]), int(row[f"{side}_end"])
            assert t[s:e] == original(row[f"{side}_text"])


def unprivileged_prefix() -> tuple[str, ...]:
    """Run a command so that file permissions apply to it. Root ignores them (CAP_DAC_OVERRIDE): drop those
    capabilities with setpriv, which keeps uid 0, so the interpreter under /root stays reachable."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root and setpriv (util-linux) is missing: permissions cannot be made to apply")
    prefix = (setpriv, "--bounding-set", "-dac_override,-dac_read_search")
    probe = subprocess.run([*prefix, "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"setpriv cannot drop capabilities here: {probe.stderr.decode(errors='replace').strip()}")
    return prefix


# --- files that are refused -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(hostile.bad_files()))
def test_bad_file_is_one_line_naming_file_and_reason(tmp_path, name):
    content, reason = hostile.bad_files()[name]
    path = hostile.write(tmp_path, {name: content})[name]
    r = sbs("align", SEED, str(path), "--csv", "-")
    assert_one_line_error(r, str(path), reason)


def test_missing_file(tmp_path):
    assert_one_line_error(sbs("align", SEED, str(tmp_path / "gone.txt")), "gone.txt: no such file")


def test_directory_without_text_files(tmp_path):
    (tmp_path / "photo.png").write_bytes(hostile.PNG)
    assert_one_line_error(sbs("align", SEED, str(tmp_path)), str(tmp_path), "directory has no articles")


def test_unreadable_file(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text("A sentence nobody may read.", encoding="utf-8")
    locked.chmod(0)
    try:
        r = sbs("align", SEED, str(locked), prefix=unprivileged_prefix())
    finally:
        locked.chmod(0o600)
    assert_one_line_error(r, str(locked), "permission denied")


def test_unlistable_directory(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "a.txt").write_text("A sentence.", encoding="utf-8")
    folder.chmod(0o300)  # may enter, may not list
    try:
        r = sbs("align", SEED, str(folder), prefix=unprivileged_prefix())
    finally:
        folder.chmod(0o700)
    assert_one_line_error(r, str(folder), "permission denied")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused_not_read_forever(device):
    if not os.path.exists(device):
        pytest.skip(f"{device} missing")
    assert_one_line_error(sbs("align", SEED, device, timeout=30), device, "not a regular file")


def test_named_pipe_without_writer_does_not_hang(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert_one_line_error(sbs("align", SEED, str(fifo), timeout=30), str(fifo), "empty file")


def test_pipe_with_a_writer_is_read(tmp_path):
    """`sbs align <(curl ...) b.txt`: a pipe that has a writer is an ordinary article."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    text = Path(SEEDS[1]).read_text(encoding="utf-8")

    def feed():
        with open(fifo, "w", encoding="utf-8") as f:
            f.write(text)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    r = sbs("align", SEED, str(fifo), "--csv", "-", timeout=60)
    writer.join(5)
    assert r.returncode == 0, r.stderr
    assert_offsets_true(read_csv(r.stdout), {Path(SEED).name: Path(SEED).read_text(encoding="utf-8"), "pipe": text})


def test_too_large_file_is_refused_without_reading_it(tmp_path):
    from align.document import MAX_BYTES

    big = tmp_path / "huge.txt"
    with open(big, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: costs no disk
    assert_one_line_error(sbs("align", SEED, str(big), timeout=30), str(big), "too large")


def test_one_bad_file_among_many_fails_the_whole_run(tmp_path):
    files = hostile.write(tmp_path, {"a.txt": hostile.CRLF_TEXT.encode(), "b.png": hostile.PNG,
                                     "c.txt": hostile.BOM_TEXT.encode()})
    out = tmp_path / "out.csv"
    r = sbs("align", *map(str, files.values()), "--csv", str(out))
    assert_one_line_error(r, "b.png", "binary file")
    assert not out.exists()


def test_a_stray_file_in_a_named_folder_is_skipped_with_one_line(tmp_path):
    folder = tmp_path / "story"
    folder.mkdir()
    for k in (0, 1):
        shutil.copy(SEEDS[k], folder / SEEDS[k].name)
    (folder / "junk.txt").write_bytes(hostile.PNG)
    out = tmp_path / "out.csv"
    r = sbs("align", str(folder), "--csv", str(out))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert r.stderr.splitlines()[0] == f"sbs: skipped {folder / 'junk.txt'}: binary file (PNG image), not text"
    rows = read_csv(out.read_bytes().decode("utf-8"))
    named = {row[k] for row in rows for k in ("left_doc", "right_doc") if row.get(k)}
    assert named == {SEEDS[0].name, SEEDS[1].name}
    # Named on its own, the same file still fails the run: an article the user gave is never dropped.
    out.unlink()
    assert_one_line_error(sbs("align", str(folder / "junk.txt"), str(folder / SEEDS[0].name),
                              str(folder / SEEDS[1].name), "--csv", str(out)), "junk.txt", "binary file")
    assert not out.exists()


def test_a_folder_left_with_one_readable_article_is_one_line(tmp_path):
    folder = tmp_path / "story"
    folder.mkdir()
    shutil.copy(SEEDS[0], folder / SEEDS[0].name)
    (folder / "junk.txt").write_bytes(hostile.PNG)
    r = sbs("align", str(folder), "--csv", str(tmp_path / "out.csv"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.splitlines() == [f"sbs: skipped {folder / 'junk.txt'}: binary file (PNG image), not text",
                                     "sbs: align needs at least two articles, got 1"]
    assert not (tmp_path / "out.csv").exists()


def test_stdin_twice_is_refused():
    assert_one_line_error(sbs("align", "-", "-"), "standard input")


# --- error lines never carry control characters ------------------------------------------------------------

EVIL_NAME = "evil\x1b[2J\x1b]52;c;cm0gLXJm\x07\u202egpj\u200b[bold red]x[reset]\nsecond line.txt"


def test_error_line_shows_a_hostile_file_name_harmlessly(tmp_path):
    path = tmp_path / EVIL_NAME
    path.write_bytes(hostile.PNG)
    r = sbs("align", SEED, str(path))
    line = assert_one_line_error(r, "binary file (PNG image)")
    assert not set(line) & hostile.TERMINAL_UNSAFE
    assert "\u200b" not in line and "\n" not in line
    # Visible instead: the escapes as text, and Rich markup printed literally (the command line never renders it).
    assert "\\x1b[2J" in line and "\\u202e" in line and "[bold red]x[reset]" in line


def test_error_line_shows_undecodable_name_bytes(tmp_path):
    name = os.fsencode(str(tmp_path)) + b"/caf\xe9\x9b.txt"  # Latin-1 byte and a raw C1 CSI in a file name
    r = subprocess.run([sys.executable, "-m", "tui", "align", SEED, name], capture_output=True, cwd=ROOT,
                       timeout=TIMEOUT)
    assert r.returncode == 1
    line = r.stderr.decode("utf-8")
    assert line.count("\n") == 1 and "Traceback" not in line
    assert "caf\\xe9\\x9b.txt: no such file" in line


# --- files that align, offsets true to the text as read ---------------------------------------------------


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    directory = tmp_path_factory.mktemp("good")
    return hostile.write(directory, hostile.good_files())


@pytest.mark.parametrize("name, peer", [
    ("crlf.txt", "bom-utf8.txt"), ("utf16le.txt", "utf16be.txt"), ("one-word.txt", "crlf.txt"),
    ("escapes.txt", "escapes-peer.txt"), ("wide.txt", "wide-peer.txt"),
])
def test_odd_but_valid_files_align_with_true_offsets(good, name, peer):
    r = sbs("align", str(good[name]), str(good[peer]), "--csv", "-")
    assert r.returncode == 0, r.stderr
    rows = read_csv(r.stdout)
    texts = {n: hostile.decoded(good[n].read_bytes()) for n in (name, peer)}
    assert_offsets_true(rows, texts)
    # Every sentence of both articles appears: nothing is dropped on the way.
    for side, n in (("left", name), ("right", peer)):
        spans = {(int(x[f"{side}_start"]), int(x[f"{side}_end"])) for x in rows if x[f"{side}_doc"] == n}
        assert spans, n
        covered = "".join(texts[n][s:e] for s, e in sorted(spans))
        assert re.sub(r"\s", "", covered.replace("\ufeff", "")) == re.sub(r"\s", "", texts[n].replace("\ufeff", ""))


def test_crlf_and_bom_count_in_offsets(good):
    rows = read_csv(sbs("align", str(good["crlf.txt"]), str(good["bom-utf8.txt"]), "--csv", "-").stdout)
    bom_starts = sorted(int(r["right_start"]) for r in rows if r["right_doc"] == "bom-utf8.txt")
    assert bom_starts[0] == 1  # the BOM is character 0 of the text as read
    crlf = hostile.CRLF_TEXT
    starts = {int(r["left_start"]): r["left_text"] for r in rows if r["left_doc"] == "crlf.txt"}
    assert starts[crlf.index("The ministry")] == "The ministry said 70 saboteurs died."
    joined = [t for t in starts.values() if "\r\n" in t]
    assert joined == ["No civilians\r\nwere harmed."]  # a soft-wrapped line keeps its CRLF inside the unit


def test_escapes_are_exported_unchanged_and_formulas_neutralised(good):
    r = sbs("align", str(good["escapes.txt"]), str(good["escapes-peer.txt"]), "--csv", "-")
    rows = read_csv(r.stdout)
    lefts = {x["left_text"] for x in rows if x["left_doc"]}
    assert any("\x1b]52;c;cm0gLXJmIH4=\x07" in t for t in lefts)
    assert any("\u202egpj.exe" in t for t in lefts)
    assert any("[bold red]news[/]" in t for t in lefts)
    formula = [t for t in lefts if "HYPERLINK" in t]
    assert formula and formula[0].startswith("'=HYPERLINK(")
    assert any(t.startswith("'-2 degrees") for t in lefts)
    raw = read_csv(sbs("align", str(good["escapes.txt"]), str(good["escapes-peer.txt"]), "--csv", "-",
                       "--raw").stdout)
    assert any(x["left_text"].startswith("=HYPERLINK(") for x in raw)


def test_five_megabyte_line_without_full_stop(tmp_path):
    big = hostile.write_big_line(tmp_path / "line.txt")
    out = tmp_path / "out.csv"
    started = time.monotonic()
    r = sbs("align", str(big), SEED, "--csv", str(out), timeout=180)
    elapsed = time.monotonic() - started
    assert r.returncode == 0, r.stderr
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    text = big.read_text(encoding="utf-8")
    units = sorted({(int(x["left_start"]), int(x["left_end"])) for x in rows if x["left_doc"] == "line.txt"})
    from align.segment import MAX_UNIT

    assert len(units) > 1000 and max(e - s for s, e in units) <= MAX_UNIT  # cut into displayable units
    assert all(a[1] <= b[0] for a, b in zip(units, units[1:]))
    assert "".join(text[s:e] for s, e in units).replace(" ", "") == text.replace(" ", "")
    print(f"5 MB line aligned in {elapsed:.1f} s")


def test_same_file_twice_gets_two_names(good):
    path = str(good["crlf.txt"])
    r = sbs("align", path, path, "--csv", "-")
    assert r.returncode == 0, r.stderr
    rows = read_csv(r.stdout)
    assert {x["pair"] for x in rows} == {"crlf.txt vs crlf.txt (2)"}
    assert all(x["kind"] == "same" and x["left_start"] == x["right_start"] for x in rows)
    assert r.stderr.splitlines()[0] == "sbs: note: crlf.txt (2) is crlf.txt again; compared with itself"


@pytest.mark.parametrize("args, needle", [
    (("--threshold", "abc"), "sbs: argument --threshold: invalid float value: 'abc' (sbs --help)"),
    (("align", SEED, SEED, "--bogus"), "sbs: unrecognized arguments: --bogus (sbs align --help)"),
    (("batch", "m.jsonl"), "sbs: the following arguments are required: --out (sbs batch --help)"),
    (("align", SEED, SEED, "--threshold", "\x1b[2J"), "invalid float value: '\\x1b[2J' (sbs align --help)"),
])
def test_a_malformed_command_line_is_one_line_not_the_usage_block(args, needle):
    r = sbs(*args)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.splitlines()) == 1 and needle in r.stderr, r.stderr


def test_thirty_files_at_once(tmp_path):
    texts = {}
    for k in range(30):
        seed = SEEDS[k % len(SEEDS)].read_text(encoding="utf-8")
        texts[f"a{k:02d}.txt"] = seed.replace("70", str(70 + k))  # 30 distinct articles
        (tmp_path / f"a{k:02d}.txt").write_text(texts[f"a{k:02d}.txt"], encoding="utf-8", newline="")
    out = tmp_path / "out.csv"
    r = sbs("align", str(tmp_path), "--csv", str(out), timeout=300)
    assert r.returncode == 0, r.stderr
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len({x["pair"] for x in rows}) == 30 * 29 // 2
    assert_offsets_true(rows, texts)


# --- exports: atomic, and failures reported as one line ------------------------------------------------------


def test_read_only_directory_keeps_the_old_file(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    old = ro / "out.csv"
    old.write_text("previous export\n", encoding="utf-8")
    ro.chmod(0o555)
    tmp_path.chmod(0o755)
    try:
        r = sbs("align", SEED, str(SEEDS[1]), "--csv", str(old), prefix=unprivileged_prefix())
        leftovers = sorted(p.name for p in ro.iterdir())
    finally:
        ro.chmod(0o755)
    assert_one_line_error(r, str(old), "permission denied")
    assert old.read_text(encoding="utf-8") == "previous export\n"
    assert leftovers == ["out.csv"]


def test_missing_output_directory(tmp_path):
    out = tmp_path / "nowhere" / "out.csv"
    assert_one_line_error(sbs("align", SEED, str(SEEDS[1]), "--csv", str(out)), str(out), "does not exist")


def test_full_disk_leaves_no_partial_file(tmp_path):
    """A real full file system: a 64 KB tmpfs (needs root and mount; skipped elsewhere)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to mount a tiny tmpfs; test_atomic_write_on_enospc covers the logic")
    m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True)
    if m.returncode != 0:
        pytest.skip(f"cannot mount tmpfs here: {m.stderr.decode(errors='replace').strip()}")
    try:
        out = mnt / "out.csv"
        r = sbs("align", *map(str, SEEDS), "--csv", str(out))  # ~150 KB of CSV into 64 KB
        leftovers = sorted(p.name for p in mnt.iterdir())
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)
    assert_one_line_error(r, str(out), "disk full")
    assert leftovers == []


def test_atomic_write_on_enospc(tmp_path, monkeypatch):
    """The disk fills up half-way through: the error names the path, the old file survives, no temp is left."""
    from align import export

    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")

    def write_then_fail(f):
        f.write("partial row\r\n" * 1000)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(export.ExportError) as err:
        export.write_output(str(target), write_then_fail)
    assert str(err.value) == f"{target}: disk full"
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_export_to_a_device_writes_through_it(tmp_path):
    """`--csv /dev/null` must not rename a regular file over the device node (as root that would succeed).
    Tested on a private copy of /dev/null, so a regression cannot damage the machine's own."""
    import stat

    if os.geteuid() != 0:
        pytest.skip("making a device node needs root (and only root could replace /dev/null)")
    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except OSError as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    r = sbs("align", SEED, str(SEEDS[1]), "--csv", str(null))
    assert r.returncode == 0, r.stderr
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_export_into_a_named_pipe_streams_through_it(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got = bytearray()

    def read():
        with open(fifo, "rb") as f:
            got.extend(f.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    r = sbs("align", SEED, str(SEEDS[1]), "--csv", str(fifo), timeout=60)
    reader.join(10)
    assert r.returncode == 0, r.stderr
    assert got.startswith(b"pair,left_doc") and len(read_csv(got.decode("utf-8"))) > 10
    import stat

    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_export_follows_a_symlink_and_keeps_the_mode(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o644)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    r = sbs("align", SEED, str(SEEDS[1]), "--csv", str(link))
    assert r.returncode == 0, r.stderr
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("pair,left_doc")
    assert (real.stat().st_mode & 0o777) == 0o644


def test_csv_to_a_terminal_shows_controls_visibly(good):
    """`--csv -` on a terminal is read by a person: escapes become visible text. (To a pipe: unchanged, above.)"""
    import select

    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "tui", "align", str(good["escapes.txt"]),
                             str(good["escapes-peer.txt"]), "--csv", "-"], stdout=slave, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, cwd=ROOT, env={**os.environ, "SBS_MODEL": "hashing"})
    os.close(slave)
    out = bytearray()
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if select.select([master], [], [], 1)[0]:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            out.extend(data)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    os.close(master)
    assert proc.returncode == 0, proc.stderr.read()
    shown = out.decode("utf-8")
    assert "\\x1b]52;c;cm0gLXJmIH4=\\x07" in shown and "\\u202egpj.exe" in shown
    assert not set(shown) & (hostile.TERMINAL_UNSAFE - {"\r"})
    assert not re.search(r"\r(?!\r*\n)", shown)  # no bare carriage return that could overwrite a line


def test_a_million_tiny_lines_is_refused_in_bounded_time(tmp_path):
    from align.document import MAX_UNITS

    lines = tmp_path / "lines.txt"
    lines.write_text("Yes.\n" * (MAX_UNITS + 1), encoding="utf-8")
    started = time.monotonic()
    assert_one_line_error(sbs("align", SEED, str(lines)), str(lines), "too many sentences")
    print(f"{MAX_UNITS + 1} lines refused in {time.monotonic() - started:.1f} s")


def test_standard_input_is_an_article(good):
    content = good["crlf.txt"].read_bytes()
    r = subprocess.run([sys.executable, "-m", "tui", "align", "-", SEED, "--csv", "-"], input=content,
                       capture_output=True, cwd=ROOT, timeout=TIMEOUT, env={**os.environ, "SBS_MODEL": "hashing"})
    assert r.returncode == 0, r.stderr
    rows = read_csv(r.stdout.decode("utf-8"))
    assert_offsets_true(rows, {"stdin": content.decode("utf-8"), Path(SEED).name: Path(SEED).read_text("utf-8")})
    binary = subprocess.run([sys.executable, "-m", "tui", "align", "-", SEED], input=hostile.PNG,
                            capture_output=True, text=False, cwd=ROOT, timeout=TIMEOUT)
    assert binary.returncode == 1 and binary.stderr.decode() == "sbs: stdin: binary file (PNG image), not text\n"


# --- the embedding cache: a broken one only costs speed ------------------------------------------------------


def test_cache_directory_that_is_a_file_or_corrupt_is_not_fatal(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    env = {**os.environ, "SBS_MODEL": "hashing", "SBS_CACHE_DIR": str(blocker / "cache")}
    args = [sys.executable, "-m", "tui", "align", SEED, str(SEEDS[1]), "--csv", "-"]
    r = subprocess.run(args, capture_output=True, cwd=ROOT, timeout=TIMEOUT, env=env)
    assert r.returncode == 0, r.stderr
    expected = r.stdout
    # A cache whose every file is garbage (a truncated write, a disk error): rebuilt, same result.
    cache = tmp_path / "cache"
    env["SBS_CACHE_DIR"] = str(cache)
    assert subprocess.run(args, capture_output=True, cwd=ROOT, timeout=TIMEOUT, env=env).stdout == expected
    files = list(cache.rglob("*.npy"))
    assert files
    for f in files:
        f.write_bytes(b"\x93NUMPY garbage")
    r = subprocess.run(args, capture_output=True, cwd=ROOT, timeout=TIMEOUT, env=env)
    assert r.returncode == 0 and r.stdout == expected and not r.stderr
    assert all(f.read_bytes().startswith(b"\x93NUMPY") and f.stat().st_size > 100 for f in files)  # rewritten


def test_files_of_one_name_in_two_folders_are_named_by_their_folders(tmp_path):
    for folder, text in (("d1", "The fire killed three people on Friday."), ("d2", "The fire killed five people.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(text + "\n", encoding="utf-8")
    r = sbs("align", str(tmp_path / "d1" / "story.txt"), str(tmp_path / "d2" / "story.txt"), "--csv", "-")
    assert r.returncode == 0, r.stderr
    rows = read_csv(r.stdout)
    assert {x["pair"] for x in rows} == {"d1/story.txt vs d2/story.txt"}
    assert {x["left_doc"] for x in rows} - {""} == {"d1/story.txt"}
