"""Load `data/summary_routing.yaml`: the source sections and cue phrases of each summary type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ragcore.errors import InputError
from ragcore.ingest.model import ROLES, Section
from ragcore.ingest.roles import role_from_words
from ragcore.library.cards import SummaryType
from ragcore.settings import PROJECT_ROOT

ROUTING_FILE = PROJECT_ROOT / "data" / "summary_routing.yaml"


@dataclass(frozen=True)
class Source:
    role: str
    paragraphs: str | None = None  # cue set a paragraph must match to be used
    # Read only when the sources before it gave nothing: an IMRaD paper (Methods, Results) has
    # no experiments section, and the design of its experiments is in its methods.
    fallback: bool = False
    # A section of this role whose heading names it is about this type (a conclusion section
    # for the Conclusion card): every sentence of it may be chosen, the cue phrases only rank
    # them. Elsewhere a sentence needs a cue phrase (a Metric card takes the sentences of the
    # experiments that name a metric).
    topical: bool = False


@dataclass(frozen=True)
class SourcePart:
    text: str
    heading: str
    topical: bool


@dataclass(frozen=True)
class Route:
    summary_type: SummaryType
    sources: tuple[Source, ...]
    position: str
    sentences: int
    cues: tuple[str, ...]  # cue set names

    def source_parts(self, sections: list[Section], routing: Routing) -> list[SourcePart]:
        """The sections (or their matching paragraphs) this type is summarised from, in order."""
        parts: list[SourcePart] = []
        for source in self.sources:
            if source.fallback and parts:
                break
            for section in sections:
                if section.role != source.role or not section.text.strip():
                    continue
                text = section.text
                if source.paragraphs:
                    matcher = routing.matcher(source.paragraphs)
                    text = "\n\n".join(p for p in text.split("\n\n") if matcher.search(p))
                if text.strip():
                    heading = section.heading or section.role
                    # Topical only when its own heading says so ("6 总结", "2.2 研究进展"): a
                    # subsection that inherited the role ("2.1 评测内容" under "2 背景") may be
                    # about something else.
                    topical = source.topical and role_from_words(heading) == source.role
                    parts.append(SourcePart(text, heading, topical))
        return parts


def joined_text(parts: list[SourcePart]) -> str:
    """The source parts as one text, a paragraph break between parts."""
    return "\n\n".join(part.text for part in parts)


@dataclass(frozen=True)
class Routing:
    routes: dict[SummaryType, Route]
    cue_sets: dict[str, tuple[str, ...]]

    def matcher(self, cue_set: str) -> re.Pattern[str]:
        return _compile(self.cue_sets[cue_set])


# An English cue starts a word: not after a Latin letter or digit. (Not `\b`: a Chinese
# character counts as a word character, so "的F1值" or "与baseline相比" would never match.)
_WORD_START = r"(?<![A-Za-z0-9])"


@lru_cache(maxsize=64)
def _compile(phrases: tuple[str, ...]) -> re.Pattern[str]:
    parts = [
        re.escape(p) if re.search(r"[\u4e00-\u9fff]", p) else _WORD_START + re.escape(p)
        for p in phrases
    ]
    return re.compile("|".join(parts), re.IGNORECASE)


def load_routing(path: Path = ROUTING_FILE) -> Routing:
    """Read and check the routing file; errors name the file and the bad entry."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        cue_sets = {
            name: tuple(str(p) for p in phrases) for name, phrases in raw["cue_sets"].items()
        }
        routes = {}
        for name, entry in raw["types"].items():
            summary_type = SummaryType.parse(name)
            sources = tuple(
                Source(
                    s["role"],
                    s.get("paragraphs"),
                    bool(s.get("fallback", False)),
                    bool(s.get("topical", False)),
                )
                for s in entry["sources"]
            )
            for source in sources:
                if source.role not in ROLES:
                    raise ValueError(f"type {name}: unknown role {source.role!r}")
                if source.paragraphs and source.paragraphs not in cue_sets:
                    raise ValueError(f"type {name}: unknown cue set {source.paragraphs!r}")
            cues = tuple(entry.get("cues", []))
            missing = [c for c in cues if c not in cue_sets]
            if missing:
                raise ValueError(f"type {name}: unknown cue sets {missing}")
            routes[summary_type] = Route(
                summary_type,
                sources,
                entry.get("position", "any"),
                int(entry.get("sentences", 4)),
                cues,
            )
    except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as error:
        raise InputError(f"{path}: the summary routing file is not valid: {error}") from None
    return Routing(routes, cue_sets)
