"""Raw section text cut into chunks for the "参考原文" snippets (paragraph boundaries kept)."""

from __future__ import annotations

import re

from ragcore.ingest.extractive import sentences_of
from ragcore.ingest.model import Section
from ragcore.library.store import RawChunk

CHUNK_CHARS = (
    600  # short chunks: snippets read better and the USE encoder costs grow faster than length
)
MAX_CHUNKS_PER_PAPER = (
    200  # ~120k characters: every normal paper fits; book-length notes are sampled
)
_SKIPPED_ROLES = ("references",)  # a reference list is no evidence for a claim
_LAST_ROLES = ("appendix", "other")  # sampled last when a paper is over the limit


def _cut(text: str, limit: int) -> tuple[str, str]:
    """Whole sentences up to about `limit` characters, and the rest: a snippet never starts
    or ends in the middle of a sentence (one sentence longer than the limit stays whole)."""
    sentences = sentences_of(text)
    head: list[str] = []
    for sentence in sentences:
        if head and len(" ".join(head)) + len(sentence) > limit:
            break
        head.append(sentence)
    joiner = "" if re.search(r"[\u4e00-\u9fff]", text[:200]) else " "
    cut = joiner.join(head)
    rest = joiner.join(sentences[len(head) :])
    return cut, rest


def _pieces(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if not paragraph:
            continue
        if current and len(current) + len(paragraph) > limit:
            pieces.append(current)
            current = ""
        current = f"{current}\n\n{paragraph}".strip()
        while len(current) > limit * 2:  # one huge paragraph: cut it, not the whole section
            head, current = _cut(current, limit)
            pieces.append(head)
    if current:
        pieces.append(current)
    return pieces


def section_chunks(
    paper_id: str,
    sections: list[Section],
    limit: int = CHUNK_CHARS,
    cap: int = MAX_CHUNKS_PER_PAPER,
) -> list[RawChunk]:
    """Chunks of every section; over `cap`, each section keeps its opening chunks (round robin,
    appendix and other last), so a 400-page text does not cost an hour of embedding."""
    per_section: list[list[RawChunk]] = []
    for section in sections:
        if section.role in _SKIPPED_ROLES or not section.text.strip():
            continue
        heading = section.heading or section.role
        per_section.append(
            [RawChunk(paper_id, section.role, heading, p) for p in _pieces(section.text, limit)]
        )
    everything = [chunk for group in per_section for chunk in group]
    if len(everything) <= cap:
        return everything
    ordered = sorted(per_section, key=lambda group: group[0].role in _LAST_ROLES)
    kept: set[str] = set()
    depth = 0
    while len(kept) < cap:
        for group in ordered:
            if depth < len(group) and len(kept) < cap:
                kept.add(group[depth].chunk_id)
        depth += 1
    return [chunk for chunk in everything if chunk.chunk_id in kept]
