"""Raw section text cut into chunks for the "参考原文" snippets (paragraph boundaries kept)."""

from __future__ import annotations

from ragcore.ingest.model import Section
from ragcore.store import RawChunk

CHUNK_CHARS = 1200
_SKIPPED_ROLES = ("references",)  # a reference list is no evidence for a claim


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
            pieces.append(current[:limit])
            current = current[limit:]
    if current:
        pieces.append(current)
    return pieces


def section_chunks(paper_id: str, sections: list[Section], limit: int = CHUNK_CHARS) -> list[RawChunk]:
    chunks: list[RawChunk] = []
    for section in sections:
        if section.role in _SKIPPED_ROLES or not section.text.strip():
            continue
        for piece in _pieces(section.text, limit):
            chunks.append(RawChunk(paper_id, section.role, section.heading or section.role, piece))
    return chunks
