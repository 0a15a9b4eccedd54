"""Built models on disk: each ONNX graph (align.embed.onnx_graph) with its tokenizer and a manifest, in the
user cache directory, built once from the weights a package ships and checked before use.

A built model is trusted only while its file is the one the manifest describes: its sha256 is taken when it is
built and taken again whenever the file's size or modification time changes, so a damaged or replaced file is
rebuilt, never loaded silently. The weights it is built from are checked against the sha256 the registry
expects, so a damaged package is named, not turned into a wrong model.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from align.embed.base import ModelError
from align.embed.onnx_graph import BUILDER_VERSION, build_graph, read_config
from align.embed.sources import sha256_file
from align.util.atomic import atomic_bytes


def default_models_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("sidebyside")) / "models"


@dataclass(frozen=True)
class BuiltModel:
    directory: Path
    onnx: Path
    tokenizer: Path
    max_tokens: int
    pad_id: int
    dim: int


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def load_built(directory: Path) -> BuiltModel | None:
    """The built model in `directory` if its manifest and files agree; None if it must be (re)built."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text("utf-8"))
        onnx, tok = directory / "model.onnx", directory / "tokenizer.json"
        if manifest.get("builder") != BUILDER_VERSION or not tok.is_file():
            return None
        if manifest.get("stamp") != _stamp(onnx):
            if sha256_file(onnx) != manifest["onnx_sha256"]:
                return None
            manifest["stamp"] = _stamp(onnx)  # same bytes, touched: remember the new stamp
            try:
                atomic_bytes(directory / "manifest.json", json.dumps(manifest).encode())
            except OSError:
                pass
        return BuiltModel(directory, onnx, tok, int(manifest["max_tokens"]), int(manifest["pad_id"]),
                          int(manifest["dim"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def build(source, name: str, expected_sha256: str | None, directory: Path) -> BuiltModel:
    """Build the ONNX graph of the model `source` holds into `directory` (atomically: a stopped build leaves
    nothing that looks finished)."""
    from safetensors.numpy import load as load_safetensors

    raw = source.read("model.safetensors")
    digest = hashlib.sha256(raw).hexdigest()
    if expected_sha256 and digest != expected_sha256:
        from align.embed.sources import install_hint

        fix = install_hint(*source.packages, again=True) if source.packages else "replace the file"
        raise ModelError(f"model {name}: its weights fail their checksum (damaged or a different file); {fix}")
    config = read_config(source.read("config.json"))
    try:
        st_config = json.loads(source.read("sentence_bert_config.json").decode("utf-8"))
    except ModelError:
        st_config = {}
    max_tokens = int(st_config.get("max_seq_length") or min(512, int(config.get("max_position_embeddings", 514)) - 2))
    tokenizer = source.read("tokenizer.json")
    try:
        weights = load_safetensors(raw)
    except Exception as exc:
        raise ModelError(f"model {name}: its weights cannot be read ({type(exc).__name__}); reinstall its package") from None
    del raw
    try:
        graph = build_graph(config, weights, max_tokens)
    except (KeyError, ValueError) as exc:
        raise ModelError(f"model {name}: cannot be run without torch ({exc})") from None
    del weights
    data = graph.SerializeToString()
    del graph
    pad_id = int(config.get("pad_token_id") or 0)
    dim = int(config["hidden_size"])
    directory.mkdir(parents=True, exist_ok=True)
    atomic_bytes(directory / "tokenizer.json", tokenizer)
    atomic_bytes(directory / "model.onnx", data)
    onnx = directory / "model.onnx"
    manifest = {"name": name, "builder": BUILDER_VERSION, "weights_sha256": digest,
                "onnx_sha256": hashlib.sha256(data).hexdigest(), "stamp": _stamp(onnx),
                "max_tokens": max_tokens, "pad_id": pad_id, "dim": dim}
    atomic_bytes(directory / "manifest.json", json.dumps(manifest).encode())  # written last: the build is done
    return BuiltModel(directory, onnx, directory / "tokenizer.json", max_tokens, pad_id, dim)
