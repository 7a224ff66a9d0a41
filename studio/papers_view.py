"""How the studio names papers and reads one card: a readable label for every paper (its title,
else a gist of its own cards, never a bare id), the paper's details line, and the passage of the
paper a card was condensed from (raw chunks are kept in the store)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from ragcore.library.cards import Card, Paper, SummaryType
from studio.common import store, t

if TYPE_CHECKING:
    from ragcore.library.store import CardStore, RawChunk

GIST_CHARS = 48
# Lines of a card that say what kind of summary it is, not what the paper is about.
_BOILERPLATE = re.compile(
    r"(总结|summary|analysis|分析|概述|overview)\s*[:：]?\s*$|^(注|note)\s*[:：]", re.I
)
_MARKUP = re.compile(r"^[#>*\-\s\d.、)）(（]+|[*_`#]+")
_FIELD = re.compile(r"^[^:：]{1,12}[:：]\s*")


@dataclass(frozen=True)
class PaperInfo:
    paper_id: str
    label: str  # what the studio shows for the paper
    titled: bool  # False: the label is a gist of its cards (no title known)
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str = ""
    lang: str = ""
    keywords: tuple[str, ...] = ()  # as printed in the paper (searched on the Library page)

    def details(self) -> str:
        """ "Authors (year) · venue", what is known of it."""
        people = ", ".join(self.authors[:3]) + (" et al." if len(self.authors) > 3 else "")
        parts = [p for p in (people, f"({self.year})" if self.year else "", self.venue) if p]
        return " ".join(parts[:2]) + (f" · {parts[2]}" if len(parts) > 2 else "")


def gist(cards: list[Card]) -> str:
    """A short line saying what an untitled paper is about, from its own cards: the first
    substantial line of its background (else innovations, else any) card."""
    order = [SummaryType.BACKGROUND, SummaryType.INNOVATIONS, SummaryType.METHODOLOGY]
    ranked = sorted(
        cards, key=lambda c: order.index(c.summary_type) if c.summary_type in order else 9
    )
    for card in ranked:
        for raw in card.text.splitlines():
            line = _FIELD.sub("", _MARKUP.sub("", raw.strip())).strip()
            if len(line) >= 12 and not _BOILERPLATE.search(line):
                return line if len(line) <= GIST_CHARS else line[: GIST_CHARS - 1].rstrip() + "…"
    return ""


def _infos(library: CardStore) -> dict[str, PaperInfo]:
    papers: dict[str, Paper] = {p.paper_id: p for p in library.list_papers()}
    by_paper: dict[str, list[Card]] = {}
    for card in library.get_cards():
        by_paper.setdefault(card.paper_id, []).append(card)
    infos = {}
    for paper_id in sorted(set(papers) | set(by_paper)):
        paper = papers.get(paper_id)
        cards = by_paper.get(paper_id, [])
        title = (paper.title if paper else "") or next((c.title for c in cards if c.title), "")
        label = title or gist(cards) or paper_id
        infos[paper_id] = PaperInfo(
            paper_id, label, bool(title),
            tuple(paper.authors) if paper else (), paper.year if paper else None,
            paper.venue if paper else "", (paper.lang if paper else "") or (cards[0].lang if cards else ""),
            tuple(paper.keywords) if paper else (),
        )  # fmt: skip
    return infos


def paper_infos() -> dict[str, PaperInfo]:
    """Every paper of the library by id; computed once per store revision in a session."""
    library = store()
    revision = library.revision()
    cached = st.session_state.get("paper_infos")
    if cached is None or cached[0] != revision:
        cached = (revision, _infos(library))
        st.session_state["paper_infos"] = cached
    infos: dict[str, PaperInfo] = cached[1]
    return infos


def paper_label(paper_id: str, infos: dict[str, PaperInfo] | None = None) -> str:
    """The paper's label; a table labelling many rows passes `paper_infos()` once (each call
    of it reads the store's revision: a database connection)."""
    info = (paper_infos() if infos is None else infos).get(paper_id)
    return info.label if info else paper_id


# -- the passage a card came from ------------------------------------------------------------------
def _terms(text: str) -> set[str]:
    """Words (Latin) and character pairs (CJK): enough to find the passage a card condenses."""
    lowered = text.lower()
    words = set(re.findall(r"[a-z][a-z0-9\-]{2,}", lowered))
    cjk = re.findall(r"[\u3400-\u9fff]", lowered)
    return words | {a + b for a, b in itertools.pairwise(cjk)}


def _matches_section(chunk: RawChunk, sections: list[str]) -> bool:
    wanted = {s.strip().lower() for s in sections}
    return chunk.role.lower() in wanted or chunk.heading.strip().lower() in wanted


def source_passage(card: Card) -> RawChunk | None:
    """The raw chunk of the card's paper that shares most words with the card (within the
    card's source sections when it names them); None when the paper's text is not stored
    (imported cards have none)."""
    chunks = store().get_raw_chunks(card.paper_id)
    if card.source_sections:
        chunks = [c for c in chunks if _matches_section(c, card.source_sections)] or chunks
    if not chunks:
        return None
    wanted = _terms(card.text)
    return max(chunks, key=lambda c: len(wanted & _terms(c.text)))


def lang_label(code: str) -> str:
    return {"zh": t("中文", "Chinese"), "en": t("英文", "English")}.get(code, code or "—")
