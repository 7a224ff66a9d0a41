"""How cards and raw section chunks are written as Chroma records (document + metadata)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ragcore.library.cards import Card, Origin, SummaryType
from ragcore.text import normalize_space


@dataclass
class RawChunk:
    paper_id: str
    role: str
    heading: str
    text: str
    chunk_id: str = ""
    pages: list[int] = field(default_factory=list)  # PDF pages the text comes from

    def __post_init__(self) -> None:
        if not self.chunk_id:
            key = f"{self.paper_id}\x1f{self.role}\x1f{normalize_space(self.text)}"
            self.chunk_id = "r" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:15]


def card_metadata(card: Card, state: str) -> dict[str, Any]:
    return {
        "paper_id": card.paper_id,
        "summary_type": card.summary_type.value,
        "source_sections": json.dumps(card.source_sections, ensure_ascii=False),
        "tags": json.dumps(card.tags, ensure_ascii=False),
        "lang": card.lang,
        "origin": card.origin.value,
        "title": card.title,
        "created_at": card.created_at.isoformat(),
        "updated_at": card.updated_at.isoformat(),
        "state": state,
        # Written only when known, so stores made before page anchors read the same.
        **({"sentence_pages": json.dumps(card.sentence_pages)} if card.sentence_pages else {}),
    }


def card_from_chroma(card_id: str, document: str, meta: dict[str, Any]) -> Card:
    return Card(
        card_id=card_id,
        paper_id=str(meta["paper_id"]),
        summary_type=SummaryType(str(meta["summary_type"])),
        text=document,
        source_sections=json.loads(str(meta.get("source_sections") or "[]")),
        tags=json.loads(str(meta.get("tags") or "[]")),
        sentence_pages=json.loads(str(meta.get("sentence_pages") or "[]")),
        lang=str(meta.get("lang") or ""),
        origin=Origin(str(meta.get("origin") or "imported")),
        title=str(meta.get("title") or ""),
        created_at=datetime.fromisoformat(str(meta["created_at"])),
        updated_at=datetime.fromisoformat(str(meta["updated_at"])),
    )


def raw_chunk_metadata(chunk: RawChunk, state: str) -> dict[str, Any]:
    return {
        "paper_id": chunk.paper_id,
        "role": chunk.role,
        "heading": chunk.heading,
        "state": state,
        **({"pages": json.dumps(chunk.pages)} if chunk.pages else {}),
    }


def raw_chunk_from_chroma(chunk_id: str, document: str, meta: dict[str, Any]) -> RawChunk:
    pages = json.loads(str(meta.get("pages") or "[]"))
    return RawChunk(
        str(meta["paper_id"]), str(meta["role"]), str(meta["heading"]), document, chunk_id, pages
    )
