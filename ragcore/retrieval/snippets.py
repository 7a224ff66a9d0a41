"""The "参考原文" snippets: the best raw-text passages of the retrieved papers for a section.

Passages come from the store's raw-text collection (`search_raw`), limited to the papers the
section's evidence cites and to the raw sections whose role fits the paper section (method text
for 方法, experiments and results for 实验评价). Each passage is cut at a sentence boundary, so a
snippet never stops mid-sentence and never ends in "...".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ragcore.ingest.headings import named_role
from ragcore.library.embeddings import Vectors
from ragcore.library.store import CardStore, RawChunk
from ragcore.text import cut_at_sentence, ends_properly, is_truncated, split_sentences

SNIPPET_CHARS = 360
MIN_SIMILARITY = 0.15  # below this a passage is about something else


@dataclass
class Snippet:
    paper_id: str
    section: str  # the raw section's heading (or its role when there is no heading)
    text: str
    similarity: float


def _clean_cut(text: str, limit: int) -> str:
    """Whole sentences within `limit` characters; '' when no sentence ends properly."""
    cut = cut_at_sentence(text.strip(), limit)
    if is_truncated(cut) or not ends_properly(cut):
        whole = [s for s in split_sentences(cut) if ends_properly(s) and not is_truncated(s)]
        cut = " ".join(whole[:-1] if whole and whole[-1] != cut else whole)
        cut = cut if cut and ends_properly(cut) else ""
    return cut


def _search(
    store: CardStore,
    vector: Vectors,
    paper_ids: Sequence[str],
    roles: Sequence[str],
    k: int,
) -> list[tuple[RawChunk, float]]:
    found = store.search_raw(vector, paper_ids=list(paper_ids), roles=list(roles) or None, k=k)
    if not found and roles:  # raw text of these papers carries other roles: any section will do
        found = store.search_raw(vector, paper_ids=list(paper_ids), k=k)
    return found


def best_snippets(
    store: CardStore,
    vector: Vectors,
    paper_ids: Sequence[str],
    roles: Sequence[str],
    *,
    limit: int = 4,
    per_paper: int = 2,
    chars: int = SNIPPET_CHARS,
) -> list[Snippet]:
    """Up to `limit` passages (at most `per_paper` from one paper), best first."""
    if not paper_ids or limit <= 0:
        return []
    snippets: list[Snippet] = []
    counts: dict[str, int] = {}
    for chunk, similarity in _search(store, vector, paper_ids, roles, k=limit * 4):
        if similarity < MIN_SIMILARITY or counts.get(chunk.paper_id, 0) >= per_paper:
            continue
        text = _clean_cut(chunk.text, chars)
        if not text:
            continue
        counts[chunk.paper_id] = counts.get(chunk.paper_id, 0) + 1
        snippets.append(Snippet(chunk.paper_id, chunk.heading or chunk.role, text, similarity))
        if len(snippets) == limit:
            break
    return snippets


def fill_passages(
    store: CardStore,
    vector: Vectors,
    paper_ids: Sequence[str],
    roles: Sequence[str],
    *,
    limit: int = 24,
) -> list[Snippet]:
    """Whole raw sections (chunks) of these papers whose role fits the section, closest to the
    topic first, above `MIN_SIMILARITY`: what a short extractive section is filled from. Unlike
    `best_snippets` there is no fallback to other roles: a paper's method text never fills
    its related work. A chunk's role is the one its own heading names (`named_role`), else its
    section's: a review's "4 Discussion > 1 BLUiR > 1 Methodology" is method text, not
    discussion."""
    if not paper_ids or not roles:
        return []
    # Every chunk of the papers, filtered here: Chroma's filter sees the role, not the heading.
    found = store.search_raw(vector, paper_ids=list(paper_ids), k=_FILL_POOL * len(paper_ids))
    fitting = [
        Snippet(chunk.paper_id, chunk.heading or chunk.role, chunk.text, similarity)
        for chunk, similarity in found
        if similarity >= MIN_SIMILARITY and chunk.text.strip() and _fits(chunk, roles)
    ]
    return fitting[:limit]


_FILL_POOL = 400  # chunks read per paper; a long paper has ~100-300


def _fits(chunk: RawChunk, roles: Sequence[str]) -> bool:
    return (named_role(chunk.heading) or chunk.role) in roles
