"""Fixtures for the app's tests: two short crafted articles (a conflict, sentences only one side has), the
seeds, and helpers that wait for the background alignment so every assertion and snapshot is deterministic."""

from __future__ import annotations

import pytest

from align.document import document_from_text

MARLOW_A = """Flood waters cut off the town

Heavy rain flooded the river town of Marlow on Sunday night. The floods killed 12 people, the mayor said on Monday. Rescue teams used boats to reach families trapped on rooftops.

The army sent 200 soldiers to help with the evacuation. Schools will stay closed until Friday.

Residents said the warning came too late."""

MARLOW_B = """Marlow flood: dozens rescued

Heavy rain flooded the river town of Marlow late on Sunday. The floods killed 30 people, the mayor said on Monday. Rescue teams used boats to reach families trapped on their rooftops.

The army sent 200 soldiers to help with the evacuation. Officials opened three shelters in the sports hall.

Schools will remain closed until Friday."""

MARLOW_C = """Rain in Marlow

A storm brought heavy rain to Marlow on Sunday night. The river burst its banks and the floods killed 12 people, the mayor said on Monday.

Shops in the high street were flooded."""


@pytest.fixture
def marlow_docs():
    return [document_from_text("marlow-a.txt", MARLOW_A), document_from_text("marlow-b.txt", MARLOW_B),
            document_from_text("marlow-c.txt", MARLOW_C)]


@pytest.fixture
def make_app(hashing):
    """The app on `docs` with the HashingEmbedder (or `embedder=`), naming the articles that did not open
    (`not_opened=`); other keywords are Settings (tui/settings.py): `make_app(docs, read_only=True)` is an
    anonymous served session."""
    from tui.app import SideBySideApp
    from tui.settings import Settings

    def make(docs, **kwargs):
        embedder = kwargs.pop("embedder", hashing)
        not_opened = kwargs.pop("not_opened", ())
        return SideBySideApp(docs, embedder, Settings(**kwargs), not_opened=not_opened)

    return make


def cursor(app):
    """Where the reader is in the pair view (tui/navigation.py)."""
    return app.pair_view.cursor


async def aligned(pilot) -> None:
    """Wait until the background alignment is done and the screen has caught up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
