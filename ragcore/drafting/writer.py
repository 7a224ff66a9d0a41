"""Section writing through the LLM gateway: streaming, generate-all with a concurrency limit,
regenerate one, stop (keeping what arrived), and bounded continuation on `finish_reason="length"`.

Every attempt is saved as a section version, failed ones included (with the reason), so a model
failing mid-way never loses a finished section and the failed one says why. With the offline
model the sections are planned as one paper (`offline_paper.plan_paper`: each evidence sentence
once, in the section whose role fits it) from the structured evidence, and labelled extractive.
A model's answer has its citations normalised to the section's keys (`normalise_citations`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ragcore.documents.section_context import SectionContext
from ragcore.drafting.brief import Brief
from ragcore.drafting.citations import normalise_citations
from ragcore.drafting.notes import DraftNote
from ragcore.drafting.offline_paper import PlannedSection, SectionEvidenceBlocks, plan_paper
from ragcore.drafting.review import review_section
from ragcore.drafting.versions import SectionVersion, Status, VersionStore
from ragcore.errors import LLMError
from ragcore.llm.composer import EvidenceBlock, blocks_from_context
from ragcore.llm.prompts import PromptLibrary, PromptTemplate, RenderedPrompt, render_template
from ragcore.llm.records import CallRecord
from ragcore.progress import ProgressCallback, report
from ragcore.retrieval.sectionplan import SectionSpec
from ragcore.text import cjk_count, count_words, ends_properly
from ragcore.wording import Phrase, describe

if TYPE_CHECKING:  # the gateway loads LiteLLM (seconds); only its type is needed here
    from ragcore.llm.gateway import Gateway

SectionDelta = Callable[[str, str], None]  # (section key, text so far)
# Streamed text is saved as a `partial` version this often, so a killed run loses at most this
# much of the section being written.
PARTIAL_SAVE_S = 2.0
OVERLAP_SEARCH = 300
_SYSTEM = {
    "zh": "你是严谨的学术写作助手。只根据给出的证据写作，用 [n] 标注引用，不编造数字和名称。",
    "en": "You are a careful academic writing assistant. Write only from the given evidence, "
    "cite it as [n], and never invent numbers or names.",
}
_CONTINUE = {
    "zh": "你的回答因长度限制被截断。请从中断处继续写完本节，不要重复已写内容，并以完整的句子结束。",
    "en": "Your answer was cut off by the length limit. Continue exactly where it stopped, "
    "do not repeat what is written, and finish the section with a complete sentence.",
}
_CONTINUE_CUT = {
    "zh": "你的回答在传输中被截断。请从中断处继续写完本节，不要重复已写内容，并以完整的句子结束。",
    "en": "Your answer was cut off in transit. Continue exactly where it stopped, "
    "do not repeat what is written, and finish the section with a complete sentence.",
}
# Finish reasons after which the writer asks the model to continue: the length limit, and a
# stream that broke off or ended without saying it was finished (`cut`).
_CONTINUED = {"length": _CONTINUE, "cut": _CONTINUE_CUT}
_PARTIAL_MESSAGE = {
    "zh": "写作过程被中断，这是已收到的文字；用 ragcore draft --project {project} --resume 继续",
    "en": "the run stopped while this section was being written; this is the text that had "
    "arrived; `ragcore draft --project {project} --resume` writes it again",
}


@dataclass
class SectionInput:
    """Everything one section is written from; built by the pipeline from the project's evidence."""

    spec: SectionSpec
    context: str  # the rendered structured context, evidence carrying [n] keys
    citation_keys: dict[str, str]  # "1" -> paper id
    evidence_ids: list[str] = field(default_factory=list)
    evidence_texts: list[str] = field(default_factory=list)
    edited_texts: dict[str, str] = field(default_factory=dict)
    # The same context as structure: what the offline composer reads (no text re-parsing).
    structured: SectionContext | None = None
    warnings: list[Phrase] = field(default_factory=list)  # about the evidence, for the review
    # Raw section text of the section's on-topic papers: what the offline composer fills a
    # short section from (a model is sent the context only).
    raw: list[EvidenceBlock] = field(default_factory=list)

    def evidence_blocks(self) -> SectionEvidenceBlocks:
        blocks = blocks_from_context(self.structured) if self.structured is not None else []
        return SectionEvidenceBlocks(self.spec, blocks, list(self.raw))

    def with_planned(self, planned: PlannedSection) -> SectionInput:
        """This input plus the evidence the offline plan used beyond it (borrowed cards, raw
        text), so the version records, and checks judge, exactly what the text came from."""
        return replace(
            self,
            citation_keys={**self.citation_keys, **planned.citation_keys},
            evidence_ids=[
                *self.evidence_ids,
                *(i for i in planned.evidence_ids if i not in self.evidence_ids),
            ],
            evidence_texts=[*self.evidence_texts, *planned.evidence_texts],
        )


@dataclass
class DraftRequest:
    project_id: str
    topic: str
    lang: str
    model: str
    brief: Brief
    brief_version: int | None = None
    # Template id -> saved version to write with instead of the one in use (0 = the shipped
    # default), e.g. to compare two prompt versions; the version in use stays as it is.
    prompt_versions: dict[str, int] = field(default_factory=dict)
    # Text already in the paper (sections not being written): the offline plan repeats none.
    other_sections: list[str] = field(default_factory=list)


@dataclass
class _Attempt:
    text: str = ""
    record: CallRecord | None = None
    continuations: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    latency_s: float = 0.0
    cost_usd: float | None = 0.0

    def absorb(self, record: CallRecord) -> None:
        self.record = record
        self.tokens_in += record.tokens_in
        self.tokens_out += record.tokens_out
        self.latency_s += record.latency_s
        self.cost_usd = (
            None
            if record.cost_usd is None or self.cost_usd is None
            else self.cost_usd + record.cost_usd
        )


class _PartialSaver:
    """Keeps the streamed text of the running attempt as one `partial` version, rewritten every
    `PARTIAL_SAVE_S` seconds, and drops it when the attempt's own version is saved."""

    def __init__(
        self,
        writer: SectionWriter,
        request: DraftRequest,
        section: SectionInput,
        rendered: RenderedPrompt,
    ) -> None:
        self.writer, self.request, self.section, self.rendered = writer, request, section, rendered
        self.version_id: int | None = None
        self.saved_at = time.monotonic()

    def offer(self, text: str) -> None:
        now = time.monotonic()
        if now - self.saved_at < PARTIAL_SAVE_S or not text.strip():
            return
        self.saved_at = now
        if self.version_id is None:
            saved = self.writer.save_partial(self.request, self.section, self.rendered, text)
            self.version_id = saved.version_id
        else:
            self.writer.versions.update_partial(self.version_id, text)

    def drop(self) -> None:
        if self.version_id is not None:
            self.writer.versions.drop_partial(self.version_id)


def join_continuation(text: str, more: str) -> str:
    """Append a continuation, dropping any repeat of the text's end the model started with."""
    head = more.lstrip()
    tail = text[-OVERLAP_SEARCH:]
    for size in range(min(len(tail), len(head)), 1, -1):
        overlap = head[:size]
        # Two Chinese characters already say something; Latin needs more to be a real repeat.
        if (size >= 8 or cjk_count(overlap) >= 2) and tail.endswith(overlap):
            return text + head[size:]
    return text + more


def section_template_id(prompts: PromptLibrary, section_key: str, chosen: str = "") -> str:
    """The template a section is written with: the one the outline chose, its own if one is
    shipped, else the generic."""
    if chosen and chosen in prompts.ids():
        return chosen
    own = f"section/{section_key}"
    return own if own in prompts.ids() else "section/generic"


class SectionWriter:
    def __init__(
        self,
        gateway: Gateway,
        prompts: PromptLibrary,
        versions: VersionStore,
        *,
        max_continuations: int = 2,
        timeout: float | None = None,
    ) -> None:
        self.gateway = gateway
        self.prompts = prompts
        self.versions = versions
        self.max_continuations = max_continuations
        self.timeout = timeout

    def plan_offline(
        self, request: DraftRequest, sections: Sequence[SectionInput]
    ) -> dict[str, PlannedSection]:
        """The offline composer's plan of these sections as one paper (no sentence twice)."""
        brief = request.brief
        return plan_paper(
            [section.evidence_blocks() for section in sections],
            request.lang,
            taken=request.other_sections,
            brief=[brief.research_question, brief.method_idea, *brief.contributions],
        )

    def template(self, request: DraftRequest, section_key: str, chosen: str = "") -> PromptTemplate:
        """The section's template: the version the request asks for, else the one in use."""
        template_id = section_template_id(self.prompts, section_key, chosen)
        wanted = request.prompt_versions.get(template_id)
        if wanted is None:
            return self.prompts.get(template_id)
        return self.prompts.version(template_id, wanted)

    def render(self, request: DraftRequest, section: SectionInput) -> RenderedPrompt:
        spec = section.spec
        return render_template(
            self.template(request, spec.key, spec.prompt),
            {
                "topic": request.topic,
                "brief": request.brief.to_markdown(request.lang),
                "context": section.context,
                "word_min": spec.words[0],
                "word_max": spec.words[1],
                "lang": request.lang,
                "section_name": spec.name(request.lang),
            },
        )

    # ---- one section ---------------------------------------------------------------------------
    def write(
        self,
        request: DraftRequest,
        section: SectionInput,
        *,
        on_delta: SectionDelta | None = None,
        cancel: threading.Event | None = None,
        planned: PlannedSection | None = None,
    ) -> SectionVersion:
        """Write (or regenerate) one section and save the attempt as a version. The offline
        model writes `planned` (this section's share of the paper plan) or plans it alone.

        A stream that still breaks off after its retries and continuations is saved as it is
        (text kept, reason given) and the section is written again with the model's fallbacks
        (`router_settings.fallbacks`), as the Router does for a request that fails outright."""
        version = self._write_once(request, section, on_delta, cancel, planned)
        for fallback in self._fallbacks(request.model, version):
            version = self._write_once(
                replace(request, model=fallback), section, on_delta, cancel, None
            )
            if version.status == "complete":
                break
        return version

    def _fallbacks(self, model: str, version: SectionVersion) -> list[str]:
        broke = version.finish_reason in ("cut", "error")
        return self.gateway.config.fallbacks_for(model) if broke else []

    def _write_once(
        self,
        request: DraftRequest,
        section: SectionInput,
        on_delta: SectionDelta | None,
        cancel: threading.Event | None,
        planned: PlannedSection | None,
    ) -> SectionVersion:
        rendered = self.render(request, section)
        attempt = _Attempt()
        status: Status
        message = ""
        warnings = list(section.warnings)
        partial = _PartialSaver(self, request, section, rendered)

        def delta(key: str, text: str) -> None:
            partial.offer(text)
            if on_delta is not None:
                on_delta(key, text)

        try:
            if self.gateway.is_offline(request.model):
                planned = planned or self.plan_offline(request, [section])[section.spec.key]
                section = section.with_planned(planned)
                warnings += planned.warnings
                self._compose_offline(request, section, attempt, on_delta, planned)
            else:
                if not section.citation_keys:
                    warnings.append(Phrase(DraftNote.NO_EVIDENCE))
                self._stream(request, section, rendered, attempt, delta, cancel)
                attempt.text, fixed = normalise_citations(attempt.text, section.citation_keys)
                warnings += fixed
            status, message = self._judge(attempt, request.lang)
            if planned is not None and planned.failure and not attempt.text.strip():
                # why the offline plan had nothing to write; a version's message is a
                # sentence in the paper's language (as a model's error is the model's)
                message = describe(planned.failure, request.lang)
        except LLMError as error:
            attempt.text = (
                join_continuation(attempt.text, error.partial_text)
                if error.partial_text
                else attempt.text
            )
            record = getattr(error, "record", None)
            if isinstance(record, CallRecord):
                attempt.absorb(record)
            status, message = "failed", str(error)
        version = self._save(request, section, rendered, attempt, status, message, warnings)
        partial.drop()
        return version

    def _stream(
        self,
        request: DraftRequest,
        section: SectionInput,
        rendered: RenderedPrompt,
        attempt: _Attempt,
        on_delta: SectionDelta | None,
        cancel: threading.Event | None,
    ) -> None:
        lang = "en" if request.lang == "en" else "zh"
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": _SYSTEM[lang]},
            {"role": "user", "content": rendered.text},
        ]
        key = section.spec.key
        while True:
            before, streamed = attempt.text, list[str]()

            def delta(piece: str, before: str = before, streamed: list[str] = streamed) -> None:
                streamed.append(piece)
                if on_delta is not None:
                    so_far = "".join(streamed)
                    on_delta(key, join_continuation(before, so_far) if before else so_far)

            # A failure raises LLMError; `write` keeps its partial text and saves the reason.
            completion = self.gateway.stream(
                messages, request.model, on_delta=delta, cancel=cancel, timeout=self.timeout
            )
            attempt.text = join_continuation(before, completion.text) if before else completion.text
            attempt.absorb(completion.record)
            stopped = cancel is not None and cancel.is_set()
            prompt = _CONTINUED.get(completion.record.finish_reason or "")
            if prompt is None or stopped or not attempt.text.strip():
                return
            if attempt.continuations >= self.max_continuations:
                return
            attempt.continuations += 1
            messages += [
                {"role": "assistant", "content": attempt.text},
                {"role": "user", "content": prompt[lang]},
            ]

    def _compose_offline(
        self,
        request: DraftRequest,
        section: SectionInput,
        attempt: _Attempt,
        on_delta: SectionDelta | None,
        planned: PlannedSection,
    ) -> None:
        started = time.perf_counter()
        composed = planned.composed
        attempt.text = composed.text
        if on_delta is not None:
            paragraphs = composed.text.split("\n\n")
            for end in range(1, len(paragraphs) + 1):
                on_delta(section.spec.key, "\n\n".join(paragraphs[:end]))
        record = CallRecord(
            model_requested=request.model,
            model_used=request.model,
            tokens_in=sum(count_words(b.text) for b in section.evidence_blocks().blocks),
            tokens_out=composed.words,
            latency_s=time.perf_counter() - started,
            finish_reason="stop",
            cost_usd=0.0,
            extractive=True,
        )
        attempt.absorb(record)

    def _judge(self, attempt: _Attempt, lang: str) -> tuple[Status, str]:
        record = attempt.record
        en = lang == "en"
        if record is None or not attempt.text.strip():
            return "failed", "the model returned no text" if en else "模型没有返回任何文字"
        if record.finish_reason == "cancelled":
            return (
                "stopped",
                "stopped by the user; the text is what arrived"
                if en
                else "已被用户停止，保留了已生成的文字",
            )
        if record.finish_reason == "cut":
            # The text is kept and marked: a cut answer is never taken for a finished one.
            why = record.error or ("the answer broke off" if en else "回答中途中断")
            return "incomplete", why
        if record.error:
            return "failed", record.error
        if record.finish_reason == "length":
            why = f"still cut by the length limit after {attempt.continuations} continuations"
            return (
                "incomplete",
                why if en else f"续写 {attempt.continuations} 次后仍因长度限制被截断",
            )
        if not ends_properly(attempt.text):
            return "incomplete", "the text ends mid-sentence" if en else "正文在句子中间结束"
        return "complete", ""

    def _save(
        self,
        request: DraftRequest,
        section: SectionInput,
        rendered: RenderedPrompt,
        attempt: _Attempt,
        status: Status,
        message: str,
        warnings: Sequence[Phrase] = (),
    ) -> SectionVersion:
        record = attempt.record
        review = review_section(
            attempt.text,
            section.citation_keys,
            section.evidence_texts,
            request.brief.terms(),
            warnings=warnings,
        )
        offline = record is not None and record.extractive
        return self.versions.save(
            SectionVersion(
                project_id=request.project_id,
                section=section.spec.key,
                text=attempt.text,
                origin="extractive" if offline else "generated",
                status=status,
                message=message,
                model_used=(record.model_used or request.model) if record else request.model,
                template_id=rendered.template_id,
                template_hash=rendered.template_hash,
                template_version=rendered.template_version,
                prompt_hash=rendered.prompt_hash,
                evidence_ids=section.evidence_ids,
                evidence_texts=section.evidence_texts,
                edited_texts=section.edited_texts,
                citation_keys=section.citation_keys,
                review=review.to_dict() if attempt.text.strip() or warnings else {},
                brief_version=request.brief_version,
                tokens_in=attempt.tokens_in,
                tokens_out=attempt.tokens_out,
                latency_s=attempt.latency_s,
                finish_reason=(record.finish_reason or "") if record else "error",
                cost_usd=attempt.cost_usd,
                continuations=attempt.continuations,
            )
        )

    def save_partial(
        self, request: DraftRequest, section: SectionInput, rendered: RenderedPrompt, text: str
    ) -> SectionVersion:
        message = _PARTIAL_MESSAGE["en" if request.lang == "en" else "zh"]
        attempt = _Attempt(text=text)
        return self._save(
            request,
            section,
            rendered,
            attempt,
            "partial",
            message.format(project=request.project_id),
        )

    # ---- all sections -------------------------------------------------------------------------
    def write_all(
        self,
        request: DraftRequest,
        sections: Sequence[SectionInput],
        *,
        concurrency: int = 3,
        progress: ProgressCallback | None = None,
        on_delta: SectionDelta | None = None,
        cancel: threading.Event | None = None,
    ) -> dict[str, SectionVersion]:
        """Write the sections concurrently (at most `concurrency` at once), each streaming.

        Progress: stage `draft` counts finished sections; stage `section:<key>` reports each
        section's start (0/1) and end (1/1, message = status). Sections not started when
        `cancel` is set are skipped; running ones stop and keep what arrived."""
        total = len(sections)
        done = 0
        lock = threading.Lock()
        results: dict[str, SectionVersion] = {}
        plans = (
            self.plan_offline(request, sections) if self.gateway.is_offline(request.model) else {}
        )

        def run(section: SectionInput) -> None:
            nonlocal done
            key = section.spec.key
            if cancel is not None and cancel.is_set():
                return
            report(progress, f"section:{key}", 0, 1, "writing")
            version = self.write(
                request, section, on_delta=on_delta, cancel=cancel, planned=plans.get(key)
            )
            with lock:
                results[key] = version
                done += 1
                report(progress, f"section:{key}", 1, 1, version.status)
                report(progress, "draft", done, total, f"{key}: {version.status}")

        report(progress, "draft", 0, total, "starting")
        with ThreadPoolExecutor(
            max_workers=max(1, concurrency), thread_name_prefix="draft"
        ) as pool:
            for future in [pool.submit(run, section) for section in sections]:
                future.result()  # a bug (not a model failure) surfaces here, after the others finish
        return {s.spec.key: results[s.spec.key] for s in sections if s.spec.key in results}
