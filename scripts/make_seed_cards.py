"""Build data/seed_cards.jsonl (the demo library) from the five seed files.

The cards are exactly what `ragcore import` keeps from the seeds: duplicates dropped, truncated
cards superseded by their complete text where one exists, the stored prompt template rejected.
Usage: .venv/bin/python scripts/make_seed_cards.py [SEED_DIR] [OUT]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ragcore.ingest.importer import DEMO_CARDS_PATH, read_and_decide
from ragcore.library.cards import SummaryType

DEFAULT_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def main(seed_dir: Path = DEFAULT_SEEDS, out: Path = DEMO_CARDS_PATH) -> int:
    seeds = sorted(seed_dir.glob("00[0-4]_*.txt"))
    if not seeds:
        print(f"no seed files in {seed_dir}", file=sys.stderr)
        return 1
    _, decision = read_and_decide(seeds)
    order = list(SummaryType)
    cards = sorted(
        (candidate.card for candidate in decision.accepted),
        key=lambda c: (c.paper_id, order.index(c.summary_type)),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for card in cards:
            record = {
                "paper_id": card.paper_id,
                "summary_type": card.summary_type.value,
                "title": card.title,
                "source_sections": card.source_sections,
                "tags": card.tags,
                "lang": card.lang,
                "text": card.text,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(cards)} cards to {out}")
    return 0


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:3]]
    sys.exit(main(*args))
