"""Redraw docs/screenshot.svg: the app on the bundled seeds with the real model, at the first conflict.

    .venv/bin/python docs/make_screenshot.py [--size 120x32]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from align.document import read_document  # noqa: E402
from align.embed import make_embedder  # noqa: E402
from tui.app import SideBySideApp  # noqa: E402


async def shoot(size: tuple[int, int], out: Path) -> None:
    docs = [read_document(p) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    app = SideBySideApp(docs, make_embedder(None))
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")  # 000 vs 004
        await pilot.press("c")  # the casualty report: "12 civilians had been injured" vs "no civilians harmed"
        await pilot.pause(0.5)
        out.write_text(app.export_screenshot(title="sidebyside"), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="120x32")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.svg"))
    args = parser.parse_args()
    w, h = (int(x) for x in args.size.split("x"))
    asyncio.run(shoot((w, h), Path(args.out)))
    print(args.out)


if __name__ == "__main__":
    main()
