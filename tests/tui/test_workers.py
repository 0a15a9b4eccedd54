"""Work off the event loop: workers post typed messages back, a failure is one notification from the app's one
Worker.StateChanged handler, and quitting stops the alignment at its next batch."""

from __future__ import annotations

import threading
import time

import numpy as np

from align.embed import ModelError
from tests.tui.conftest import aligned, cursor
from tui.screens.pair_view import PairScreen
from tui.widgets.status_bar import StatusBar


async def test_a_failing_alignment_is_one_notification_and_the_articles_stay_readable(make_app, marlow_docs):
    class Missing:
        model_id = "missing"

        def encode(self, texts, progress=None):
            raise ModelError("model fast is not installed: sbs models install fast")

    app = make_app(marlow_docs, embedder=Missing())
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        failed = [n for n in app._notifications if n.title == "Alignment failed"]
        assert [n.message for n in failed] == ["model fast is not installed: sbs models install fast"]
        assert app.align_error == failed[0].message and app.comparison is None
        assert "Alignment failed: model fast" in str(app.query_one(StatusBar).render())
        assert "Flood waters cut off the town" in app.pair_view.pane("left").visible_text()
        await pilot.press("j", "o")
        await pilot.pause()
        assert app.is_running and len(app.screen_stack) == 1
        assert any(n.message.startswith("No alignment: model fast") for n in app._notifications)


async def test_the_comparison_arrives_as_a_message_handled_on_the_event_loop(make_app, marlow_docs, hashing,
                                                                              monkeypatch):
    """The worker computes; what is on screen changes only on the app's own thread."""
    main = threading.get_ident()
    seen = []

    class Recording:
        model_id = hashing.model_id

        def encode(self, texts, progress=None):
            seen.append(threading.get_ident())
            return hashing.encode(texts, progress)

    handled = []
    original = PairScreen.on_aligned

    def on_aligned(self, message):
        handled.append(threading.get_ident())
        original(self, message)

    monkeypatch.setattr(PairScreen, "on_aligned", on_aligned)
    app = make_app(marlow_docs, embedder=Recording())
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        assert cursor(app).link is not None and app.comparison is not None
    assert seen and all(t != main for t in seen)  # encoded on the worker's thread
    assert handled == [main]  # and taken in on the event loop, once


async def test_quitting_while_aligning_stops_the_worker_at_the_next_batch(make_app, marlow_docs, hashing):
    stopped = threading.Event()
    batches = []

    class Slow:
        """Encodes one sentence per batch, slowly, reporting progress after each as the real encoders do."""

        model_id = hashing.model_id

        def encode(self, texts, progress=None):
            rows = []
            try:
                for k, text in enumerate(texts):
                    time.sleep(0.05)
                    rows.append(hashing.encode([text])[0])
                    batches.append(k)
                    if progress:
                        progress(k + 1, len(texts))
            finally:
                stopped.set()
            return np.vstack(rows)

    total = sum(len(d.sentences) for d in marlow_docs)
    app = make_app(marlow_docs, embedder=Slow())
    async with app.run_test(size=(80, 24)) as pilot:
        while len(batches) < 3:
            await pilot.pause(0.05)
        await pilot.press("q")
    started = time.monotonic()
    assert stopped.wait(5)
    assert time.monotonic() - started < 1  # at the next batch, not after the whole encoding
    assert len(batches) < total
