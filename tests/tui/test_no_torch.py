"""The app aligns without ever importing torch: from the embedding cache, and with the default model itself."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import ROOT

SCRIPT = textwrap.dedent("""
    import asyncio, sys
    from align.cache import EmbeddingCache
    from align.document import read_document
    from align.embed import CachedEmbedder, HashingEmbedder, make_embedder
    from tui.app import SideBySideApp

    docs = [read_document(p) for p in sys.argv[2:]]
    model = make_embedder(use_cache=False)  # resolves the model; loads nothing yet
    cache = EmbeddingCache(sys.argv[1])
    for d in docs:  # stand-in vectors under the real model's id: this test is about imports, not quality
        cache.put(model.model_id, d.texts, HashingEmbedder().encode(d.texts))

    async def main():
        app = SideBySideApp(docs, CachedEmbedder(model, cache))
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.pair_view.cursor.alignment is not None and app.align_error is None
            await pilot.press("j", "q")

    asyncio.run(main())
    print("imported:", sorted(m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules))
""")


def test_warm_cache_never_imports_torch(tmp_path, seed_paths):
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "cache"), *map(str, seed_paths[:3])],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "imported: []" in out.stdout, out.stdout
