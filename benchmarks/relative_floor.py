"""How a relative relevance floor would separate on-topic from off-topic cards (issue 13).

For each query of an eval set, the hybrid top 100 with their relevance; a card would be a
backup below max(absolute floor 0.20, ratio x the query's best relevance). Prints, per ratio,
the share of relevant documents in the top 100 that stay above it and the share of irrelevant
documents in the top 10 that still pass. A measurement for a proposed change, not a feature:

    .venv/bin/python -m benchmarks.relative_floor papers_en csl_zh
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from ragcore.library.store import CardStore
from ragcore.retrieval.evaluation import EVAL_TYPE, _card, load_eval_set
from ragcore.retrieval.hybrid import Query, english_channel, search_type
from ragcore.retrieval.lexical import tokenize
from ragcore.settings import load_settings
from ragcore.text import detect_lang

DATA = Path(__file__).resolve().parent / "data"
RATIOS = (0.0, 0.4, 0.5, 0.6)
FLOOR = 0.20


def scored(name: str) -> list[list[tuple[float, int, int]]]:
    """Per query: (relevance, grade, rank) of the hybrid top 100."""
    settings = load_settings(embedder="use")
    data = load_eval_set(DATA / name)
    rows = []
    with tempfile.TemporaryDirectory() as home:
        temp = settings.model_copy(update={"home": Path(home), "chroma_url": None})
        store = CardStore.open(temp)
        store.upsert_cards([_card(r) for r in data.corpus])
        for q in data.queries:
            lang = detect_lang(q.text)
            english = english_channel(store, q.text, lang)
            query = Query(q.text, lang, tokenize(q.text), store.embed_query(q.text), None, english)
            found = search_type(store, query, EVAL_TYPE, k=100, settings=temp)
            grades = data.qrels.get(q.qid, {})
            rows.append(
                [(i.relevance, grades.get(i.paper_id, 0), n) for n, i in enumerate(found.items)]
            )
        store.wait_persisted()
    return rows


def main() -> None:
    for name in sys.argv[1:] or ["papers_en", "csl_zh"]:
        relevant_grade = 2 if name.startswith("csl") else 1
        rows = scored(name)
        print(f"| {name} | ratio | relevant in top 100 kept | irrelevant in top 10 passing |")
        for ratio in RATIOS:
            kept = total = passing = irrelevant = 0
            for row in rows:
                cut = max(FLOOR, ratio * max((r for r, _, _ in row), default=0.0))
                for relevance, grade, rank in row:
                    if grade >= relevant_grade:
                        total, kept = total + 1, kept + (relevance >= cut)
                    elif grade == 0 and rank < 10:
                        irrelevant, passing = irrelevant + 1, passing + (relevance >= cut)
            print(
                f"| | {ratio} | {kept / max(1, total):.2f} ({total}) | {passing / max(1, irrelevant):.2f} ({irrelevant}) |"
            )


if __name__ == "__main__":
    main()
