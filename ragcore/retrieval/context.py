"""The context builder: a section's evidence → the structured context of the seeds, in zh or en.

Input is the project's current evidence for the section (retrieved cards with the user's pins,
exclusions, edits and notes). Output is a `formats.SectionContext` rendered by the formats
package, with what the seeds got wrong fixed: no duplicate cards, no card cut off with "...",
a citation key `[n]` per card (one per paper), trends that are true, snippets cut at sentence
ends, the true character count, and a token budget: when over it, the lowest-ranked material
goes first (snippets, then cards by relevance; pinned cards stay) and the result says what.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ragcore.documents.section_context import (
    ContextCard,
    ContextDocument,
    Excerpt,
    SectionContext,
    TrendBlock,
    TypeBlock,
    default_title,
    render_context,
    render_section_body,
)
from ragcore.library.cards import SummaryType
from ragcore.library.store import CardStore
from ragcore.retrieval.evidence import EvidenceChoices, EvidenceItem, SectionEvidence
from ragcore.retrieval.hybrid import retrieve_section
from ragcore.retrieval.notes import ContextNote, type_term
from ragcore.retrieval.sectionplan import SectionPlan, SectionSpec, load_plan
from ragcore.retrieval.snippets import Snippet, best_snippets
from ragcore.retrieval.trends import trend_lines, type_trends
from ragcore.settings import Settings
from ragcore.text import is_truncated, normalize_space
from ragcore.wording import Phrase, Value, describe

_TRAILING_SPACE = re.compile(r"[ \t]+$", re.M)
_BLANK_RUNS = re.compile(r"\n{3,}")
_SENTENCE_END = re.compile(r"[。！？!?]|\.(?=\s)")


# ------------------------------------------------------------------ tokens


@cache
def _encoding() -> Any:
    import tiktoken

    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        # litellm ships tiktoken's cl100k_base file; pointing tiktoken at it keeps us offline.
        # find_spec locates the package without importing it (importing litellm goes online).
        spec = importlib.util.find_spec("litellm")
        if spec is not None and spec.origin is not None:
            bundled = Path(spec.origin).parent / "litellm_core_utils" / "tokenizers"
            os.environ["TIKTOKEN_CACHE_DIR"] = str(bundled)
    return tiktoken.get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    """Tokens of `text` with the cl100k_base tokenizer (GPT-4 class models)."""
    return len(_encoding().encode(text, disallowed_special=()))


# ------------------------------------------------------------------ card text


def clean_card_text(text: str) -> str:
    """Card text without Markdown trailing spaces and blank runs; a card that was cut off with
    "..." ends at its last whole sentence (a card is never cut mid-sentence); lines are kept."""
    text = _BLANK_RUNS.sub("\n\n", _TRAILING_SPACE.sub("", text.strip()))
    if is_truncated(text):
        body = text.rstrip(".… ")
        ends = [m.end() for m in _SENTENCE_END.finditer(body)]
        text = body[: ends[-1]].rstrip() if ends else text
    return text


# ------------------------------------------------------------------ result


@dataclass
class BuiltContext:
    section: SectionSpec
    lang: str
    context: SectionContext
    items: list[EvidenceItem]  # the cards in the context, in order, with citation keys
    text: str  # the full rendered document (header, 上下文长度, body)
    chars: int  # characters of the body, as `上下文长度` states
    tokens: int  # tokens of the full text
    budget: int
    dropped: list[EvidenceItem] = field(default_factory=list)  # over budget, lowest rank first
    dropped_snippets: int = 0
    # What the builder has to say about the evidence, as codes (`retrieval.notes`), worded
    # where shown; a project's paper selection may add one (`drafting.paper_selection`).
    warnings: list[Phrase] = field(default_factory=list)
    # How a section without on-topic cards is written: "nearest" (its nearest cards, nothing in
    # the library being on topic), "others" (no card of its own: other sections' evidence or
    # the brief), "" (its own cards). The warnings say the same.
    fallback: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section.key,
            "name": self.section.name(self.lang),
            "lang": self.lang,
            "chars": self.chars,
            "tokens": self.tokens,
            "budget": self.budget,
            "items": [{**item.to_dict(), "text": item.text} for item in self.items],
            "dropped": [item.evidence_id for item in self.dropped],
            "dropped_snippets": self.dropped_snippets,
            "warnings": [describe(w, self.lang) for w in self.warnings],
            "notes": [w.to_dict() for w in self.warnings],
            "fallback": self.fallback,
            "text": self.text,
        }


# ------------------------------------------------------------------ building


def _requirements(section: SectionSpec, lang: str) -> list[str]:
    low, high = section.words
    if lang == "en":
        return [
            f"Write the {section.en} section of the paper from the material above",
            "Cite the material with its keys, e.g. [1]; cite nothing that is not listed",
            "Use only facts and numbers found in the material",
            f"Length: {low}-{high} words",
        ]
    return [
        f"基于以上参考资料撰写论文的{section.zh}部分",
        "引用参考资料时使用其编号，如 [1]；不要引用未列出的来源",
        "只使用参考资料中出现的事实和数据",
        f"字数控制在{low}-{high}字之间",
    ]


NEAREST_CARDS = 3  # a section with no card above the floor is written from this many


def _pick(
    evidence: SectionEvidence, section: SectionSpec
) -> tuple[list[EvidenceItem], list[Phrase], str]:
    """Included, non-weak items (weak ones only when pinned or switched on), the plan's count
    per type (plus what the user pinned or switched on), no duplicate text. A section left
    with nothing is written from its nearest cards (weak, said in a warning)."""
    warnings: list[Phrase] = []
    seen_text: set[str] = set()
    chosen: list[EvidenceItem] = []
    types = list(section.types) + [t for t in SummaryType if t not in section.types]
    for summary_type in types:
        limit = section.types.get(summary_type, 0)
        of_type = [i for i in evidence.active() if i.summary_type == summary_type]
        strong = [i for i in of_type if i.pinned or i.chosen or i.kind == "note" or not i.weak]
        retrieved = [i for i in evidence.by_type(summary_type) if i.kind == "card"]
        if summary_type in section.types and retrieved and not strong:
            warnings.append(Phrase(ContextNote.WEAK_TYPE, {"type": type_term(summary_type)}))
        elif summary_type in section.types and not retrieved:
            warnings.append(Phrase(ContextNote.NO_CARD, {"type": type_term(summary_type)}))
        taken = 0
        for item in strong:
            key = normalize_space(item.text)
            beyond_plan = taken >= limit and not (item.pinned or item.chosen or item.kind == "note")
            if key in seen_text or beyond_plan:
                continue
            seen_text.add(key)
            chosen.append(item)
            taken += 1
    fallback = ""
    if not chosen and evidence.topic_covered:
        # Other sections have on-topic evidence: this one borrows theirs (offline) or is written
        # from the brief (a model), never from off-topic cards of its own types.
        warnings.append(Phrase(ContextNote.NONE_OWN))
        fallback = "others"
    elif not chosen:  # nothing in the library is on topic: the nearest cards, said plainly
        chosen = _nearest(evidence, section)
        fallback = "nearest" if chosen else ""
        if chosen:
            top = max(i.relevance for i in chosen)
            warnings.append(Phrase(ContextNote.WEAK_SECTION, {"n": len(chosen), "top": top}))
    return chosen, warnings, fallback


def _nearest(evidence: SectionEvidence, section: SectionSpec) -> list[EvidenceItem]:
    """The best few cards of the section's types that the user did not switch off."""
    candidates = [
        i
        for i in evidence.items
        if i.kind == "card" and not i.excluded and i.summary_type in section.types
    ]
    nearest: list[EvidenceItem] = []
    seen: set[str] = set()
    for item in sorted(candidates, key=lambda i: -i.relevance):
        key = normalize_space(item.text)
        if key not in seen:
            seen.add(key)
            nearest.append(item)
        if len(nearest) == NEAREST_CARDS:
            break
    order = {t: n for n, t in enumerate(section.types)}
    return sorted(nearest, key=lambda i: (order[i.summary_type], -i.relevance))


def _number(items: Sequence[EvidenceItem]) -> None:
    keys: dict[str, str] = {}
    for item in items:
        item.citation_key = keys.setdefault(item.paper_id, str(len(keys) + 1))


def _trends(items: Sequence[EvidenceItem], lang: str) -> list[TrendBlock]:
    blocks = []
    for summary_type in dict.fromkeys(i.summary_type for i in items):
        of_type = [i for i in items if i.summary_type == summary_type and i.kind == "card"]
        lines = trend_lines(type_trends(of_type), lang)
        if lines:
            blocks.append(TrendBlock(summary_type, lines))
    return blocks


def _excerpts(snippets: Sequence[Snippet]) -> list[Excerpt]:
    excerpts: dict[tuple[str, str], Excerpt] = {}
    for snippet in snippets:
        key = (snippet.paper_id, snippet.section)
        excerpts.setdefault(key, Excerpt(snippet.paper_id, snippet.section)).fragments.append(
            snippet.text
        )
    return list(excerpts.values())


def _assemble(
    section: SectionSpec,
    lang: str,
    items: Sequence[EvidenceItem],
    trends: list[TrendBlock],
    snippets: Sequence[Snippet],
) -> SectionContext:
    _number(items)
    blocks: dict[SummaryType, TypeBlock] = {}
    for item in items:
        block = blocks.setdefault(item.summary_type, TypeBlock(item.summary_type))
        block.cards.append(
            ContextCard(
                item.paper_id,
                clean_card_text(item.text),
                item.citation_key,
                evidence_id=item.evidence_id,
            )
        )
    return SectionContext(
        section=section.name(lang),
        title=default_title(section.name(lang), lang),
        type_blocks=list(blocks.values()),
        trends=trends,
        excerpts=_excerpts(snippets),
        requirements=_requirements(section, lang),
    )


def _render(context: SectionContext, lang: str) -> str:
    return render_context(ContextDocument(sections=[context], lang=lang))


def build_context(
    evidence: SectionEvidence,
    section: SectionSpec,
    *,
    lang: str,
    budget: int,
    snippets: Sequence[Snippet] = (),
) -> BuiltContext:
    """Render the section's context within `budget` tokens."""
    lang = "en" if lang == "en" else "zh"
    items, warnings, fallback = _pick(evidence, section)
    trends = _trends(items, lang) if section.trends else []
    snippets = list(snippets)
    dropped: list[EvidenceItem] = []
    dropped_snippets = 0
    while True:
        context = _assemble(section, lang, items, trends, snippets)
        text = _render(context, lang)
        tokens = count_tokens(text)
        droppable = [i for i in items if not i.pinned and i.kind == "card"]
        if tokens <= budget or (not snippets and not droppable):
            break
        if snippets:
            snippets.pop()
            dropped_snippets += 1
            continue
        lowest = min(droppable, key=lambda i: (i.relevance, -items.index(i)))
        items.remove(lowest)
        dropped.append(lowest)
    if tokens > budget:
        warnings.append(Phrase(ContextNote.OVER_BUDGET, {"tokens": tokens, "budget": budget}))
    for item in dropped:
        values: dict[str, Value] = {
            "type": type_term(item.summary_type),
            "paper": item.paper_id,
            "relevance": item.relevance,
        }
        warnings.append(Phrase(ContextNote.DROPPED, values))
    return BuiltContext(
        section=section,
        lang=lang,
        context=context,
        items=items,
        text=text,
        chars=len(render_section_body(context, lang)),
        tokens=tokens,
        budget=budget,
        dropped=dropped,
        dropped_snippets=dropped_snippets,
        warnings=warnings,
        fallback=fallback,
    )


# ------------------------------------------------------------------ the one evidence path

# How a section's cards are retrieved and its raw-text snippets found. The CLI and drafting use
# the store directly; the Evidence page passes cached versions of the same calls (one retrieval
# per query, k and store revision in a session), so its preview is what drafting sends.
# The third argument of a Retriever is the project's paper selection (None: every paper).
Retriever = Callable[[str, SectionSpec, AbstractSet[str] | None], SectionEvidence]
SnippetFinder = Callable[[str, SectionSpec, Sequence[str]], list[Snippet]]


def store_retriever(store: CardStore, settings: Settings) -> Retriever:
    """Hybrid retrieval of a section's cards from the store."""

    def retrieve(topic: str, spec: SectionSpec, papers: AbstractSet[str] | None) -> SectionEvidence:
        return retrieve_section(store, topic, spec, settings=settings, papers=papers)

    return retrieve


def store_snippets(store: CardStore) -> SnippetFinder:
    """Raw-text passages of the given papers closest to the topic, from the section's roles."""

    def find(topic: str, spec: SectionSpec, papers: Sequence[str]) -> list[Snippet]:
        return best_snippets(store, store.embed_query(topic), list(papers), spec.roles)

    return find


def evidence_context(
    store: CardStore,
    topic: str,
    spec: SectionSpec,
    *,
    settings: Settings,
    lang: str,
    choices: EvidenceChoices | None = None,
    budget: int | None = None,
    retrieve: Retriever | None = None,
    find_snippets: SnippetFinder | None = None,
    papers: AbstractSet[str] | None = None,
) -> tuple[SectionEvidence, BuiltContext]:
    """Retrieve a section's cards, apply the project's choices (pins, exclusions, backups
    switched on, edits, notes), add the snippets and build the context: the one path from a
    topic to what the model is sent. Returns the evidence (every retrieved item, with the
    user's choices) and the built context. With `papers` (a project's paper selection) only
    those papers' cards are retrieved, and a pin on another paper's card is not used."""
    evidence = (retrieve or store_retriever(store, settings))(topic, spec, papers)
    if choices is not None:
        pinned = store.get_cards(ids=sorted(choices.pinned)) if choices.pinned else []
        pinned = [c for c in pinned if papers is None or c.paper_id in papers]
        evidence.apply(choices, pinned)
    snippets: list[Snippet] = []
    if spec.snippets:
        used = list(dict.fromkeys(i.paper_id for i in evidence.active() if i.kind == "card"))
        snippets = (find_snippets or store_snippets(store))(evidence.topic, spec, used)
    built = build_context(
        evidence,
        spec,
        lang=lang,
        budget=budget or settings.drafting.section_token_budget,
        snippets=snippets,
    )
    return evidence, built


def section_context(
    store: CardStore,
    topic: str,
    section_name: str,
    *,
    settings: Settings,
    lang: str | None = None,
    plan: SectionPlan | None = None,
    choices: EvidenceChoices | None = None,
    budget: int | None = None,
) -> BuiltContext:
    """One section's context for a topic (the CLI's `context TOPIC`); see `evidence_context`."""
    section = (plan or load_plan()).find(section_name)
    _, built = evidence_context(
        store,
        topic,
        section,
        settings=settings,
        lang=lang or settings.lang,
        choices=choices,
        budget=budget,
    )
    return built
