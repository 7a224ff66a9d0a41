"""Ten typed summaries per paper, by the offline extractive summarizer or through the LLM
gateway. Every summary is validated; a failed one is retried once, then reported, never kept."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ragcore.errors import RagcoreError
from ragcore.ingest.extractive import summarize_extractive
from ragcore.ingest.model import Section
from ragcore.ingest.routing import Route, Routing, SourcePart, joined_text
from ragcore.ingest.validation import validation_problem
from ragcore.library.cards import Origin, SummaryType
from ragcore.llm.prompts import PromptLibrary
from ragcore.progress import ProgressCallback, report
from ragcore.settings import OFFLINE_MODEL
from ragcore.text import cut_at_sentence

if TYPE_CHECKING:  # importing LiteLLM takes seconds; the offline path never needs it
    from ragcore.llm import Gateway

_SOURCE_LIMIT = 12000  # characters of paper text per prompt: keeps requests within small contexts


@dataclass
class Summary:
    summary_type: SummaryType
    text: str = ""
    reason: str = ""  # why there is no text (skipped or failed)
    source_headings: list[str] = field(default_factory=list)
    origin: Origin = Origin.EXTRACTIVE
    lang: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.text)


@dataclass
class Summarizer:
    """`model=None` or the offline model name: the extractive summarizer, in the paper's language."""

    routing: Routing
    model: str | None = None
    lang: str = "zh"
    gateway: Gateway | None = None
    prompts: PromptLibrary | None = None

    @property
    def offline(self) -> bool:
        return self.model in (None, OFFLINE_MODEL)

    def summarize(
        self,
        sections: list[Section],
        title: str,
        paper_lang: str,
        progress: ProgressCallback | None = None,
    ) -> list[Summary]:
        out = []
        routes = list(self.routing.routes.values())
        for done, route in enumerate(routes, start=1):
            out.append(self._one(route, sections, title, paper_lang))
            report(progress, "summarize", done, len(routes), route.summary_type.label)
        return out

    def _one(self, route: Route, sections: list[Section], title: str, paper_lang: str) -> Summary:
        parts = route.source_parts(sections, self.routing)
        source = joined_text(parts)
        summary = Summary(route.summary_type, source_headings=[p.heading for p in parts])
        if not source.strip():
            roles = " or ".join(s.role for s in route.sources if not s.fallback)
            fallbacks = [
                f"{s.role} text" + (f" on {s.paragraphs}" if s.paragraphs else "")
                for s in route.sources
                if s.fallback
            ]
            nor = f" (nor {' or '.join(fallbacks)})" if fallbacks else ""
            summary.reason = f"skipped: the paper has no {roles} section{nor}"
            return summary
        attempt = self._extractive_attempt if self.offline else self._llm_attempt
        summary.origin = Origin.EXTRACTIVE if self.offline else Origin.GENERATED
        summary.lang = paper_lang if self.offline else self.lang
        problem = ""
        for retry in (False, True):
            text, problem = attempt(route, parts, title, paper_lang, retry)
            if not problem:
                summary.text = text
                return summary
        summary.reason = f"failed after a retry: {problem}"
        return summary

    def _extractive_attempt(
        self, route: Route, parts: list[SourcePart], title: str, paper_lang: str, retry: bool
    ) -> tuple[str, str]:
        # The retry widens the choice: more sentences. (Not position "any": that would keep only
        # the sentences naming a cue, fewer than a positional route may choose from.)
        if retry:
            route = dataclasses.replace(route, sentences=route.sentences + 2)
        text = summarize_extractive(parts, route, self.routing, paper_lang)
        return text, validation_problem(text, lang=paper_lang) or ""

    def _llm_attempt(
        self, route: Route, parts: list[SourcePart], title: str, paper_lang: str, retry: bool
    ) -> tuple[str, str]:
        assert self.gateway is not None and self.prompts is not None
        source = joined_text(parts)
        rendered = self.prompts.render(
            f"summary/{route.summary_type.value}",
            title=title,
            lang=self.lang,
            sections_text=cut_at_sentence(source, _SOURCE_LIMIT),
        )
        try:
            completion = self.gateway.complete(
                [{"role": "user", "content": rendered.text}], model=self.model
            )
        except RagcoreError as error:
            return "", f"the model call failed: {error}"
        problem = validation_problem(
            completion.text,
            lang=self.lang,
            prompt=rendered.text,
            source_text=source,
            finish_reason=completion.record.finish_reason,
        )
        return completion.text.strip(), problem or ""


SummarizerFactory = Callable[[], Summarizer]
