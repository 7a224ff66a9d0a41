"""Export a project's paper: Markdown in the layout of `seeds/004_*`, sanitised HTML, BibTeX.

Sections come in plan order, their citations renumbered across the paper in order of first
citation; flagged citations become `[?]` and never references. The statistics are true values:
length as Chinese characters plus English words, generation time, papers cited, models.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import markdown
import nh3

from ragcore.documents.paper import PaperDocument, PaperSection, render_paper
from ragcore.drafting.citations import cited_papers, renumber
from ragcore.drafting.versions import SectionVersion
from ragcore.library.cards import NOTE_PAPER_PREFIX, Paper
from ragcore.redaction import redact_urls
from ragcore.retrieval.sectionplan import SectionPlan
from ragcore.text import count_words

_CITATION_MARK = re.compile(r"\[[\d\s,，、;；\-–~?]+\]")
PaperLookup = Callable[[str], Paper | None]
_LABELS = {
    "missing": {"zh": "（本节尚未生成）", "en": "(This section has not been generated yet.)"},
    "extractive": {
        "zh": "> 抽取式草稿：本节由证据原句拼接而成，未经语言模型改写。",
        "en": "> Extractive draft: this section is assembled from evidence sentences, not written by a language model.",
    },
    "incomplete": {"zh": "> 本节未完成：{why}", "en": "> This section is incomplete: {why}"},
    "failed": {"zh": "> 本节生成失败：{why}", "en": "> This section failed: {why}"},
    "review": {"zh": "审阅附录", "en": "Review appendix"},
    "no_findings": {"zh": "未发现问题。", "en": "No findings."},
    "to_complete": {"zh": "需补全的参考文献", "en": "References to complete"},
    "incomplete_reference": {
        "zh": "[{n}] {paper_id}：缺少{missing}；请在文献库中编辑该论文的记录",
        "en": "[{n}] {paper_id}: no {missing}; edit the paper's record in the Library",
    },
    "field_title": {"zh": "标题", "en": "title"},
    "field_authors": {"zh": "作者", "en": "authors"},
    "field_year": {"zh": "年份", "en": "year"},
    "note": {"zh": "项目笔记（非文献）", "en": "Project note (not a publication)"},
    "seconds": {"zh": "{s:.1f} 秒", "en": "{s:.1f} s"},
    # Sections are written in parallel and regenerated at different times, so without the
    # wall time of one run the honest figure is the sum of model time, and it says so.
    "model_seconds": {
        "zh": "{s:.1f} 秒（各章节模型用时之和）",
        "en": "{s:.1f} s (sum of the sections' model time)",
    },
}


@dataclass
class Reference:
    number: int
    paper_id: str
    paper: Paper | None

    @property
    def is_note(self) -> bool:
        return self.paper_id.startswith(NOTE_PAPER_PREFIX)


@dataclass
class ExportedPaper:
    document: PaperDocument
    references: list[Reference] = field(default_factory=list)

    @property
    def markdown(self) -> str:
        return render_paper(self.document)


def paper_length(text: str) -> int:
    """Chinese characters plus English words, citation markers not counted."""
    return count_words(_CITATION_MARK.sub(" ", text))


def _label(name: str, lang: str) -> str:
    return _LABELS[name]["en" if lang == "en" else "zh"]


def reference_text(reference: Reference, lang: str) -> str:
    """One entry of the reference list from the metadata we have (at least the paper id)."""
    if reference.is_note:
        return _label("note", lang)
    paper = reference.paper
    if paper is None or not paper.title:
        return reference.paper_id
    parts = []
    if paper.authors:
        authors = paper.authors if len(paper.authors) <= 3 else [*paper.authors[:3], "et al."]
        parts.append(", ".join(authors))
    parts.append(paper.title)
    where = ", ".join(str(p) for p in (paper.venue, paper.year) if p)
    if where:
        parts.append(where)
    text = ". ".join(p.rstrip(".") for p in parts) + "."
    if paper.doi:
        text += f" doi:{paper.doi}"
    elif paper.arxiv_id:
        text += f" arXiv:{paper.arxiv_id}"
    return text


_HEADING_LINE = re.compile(r"^(?P<indent> {0,3})(?P<hashes>#{1,6})(?=\s|$)", re.M)
_RULE_LINE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:=[ \t]*){3,})$", re.M)


def safe_section_text(text: str) -> str:
    """Model or card text made safe to place inside a section of the paper Markdown.

    A heading in the text (`## 参考文献`) is demoted below the section's own level, and a
    `---`/`===` line (a rule, or a setext heading underline) becomes `* * *`, so no text can
    start a section of its own, neither in the export nor when `parse_paper` reads it back.
    `<` is escaped, so raw HTML in a card or a draft shows as text in every renderer.
    """
    text = _HEADING_LINE.sub(
        lambda m: m.group("indent") + "#" * min(max(len(m.group("hashes")) + 2, 3), 6), text
    )
    text = _RULE_LINE.sub("* * *", text)
    return text.replace("<", "&lt;")


def _one_line(text: str) -> str:
    """A title or metadata value: one line, raw HTML escaped."""
    return " ".join(text.split()).replace("<", "&lt;")


def _section_body(version: SectionVersion | None, numbers: Mapping[str, int], lang: str) -> str:
    if version is None:
        return _label("missing", lang)
    # "Assembled from evidence sentences" describes text: a section that wrote none has only its
    # reason.
    extractive = version.origin == "extractive" and version.text.strip()
    lines = [_label("extractive", lang)] if extractive else []
    if version.status != "complete":
        why = redact_urls(version.message or version.status)
        label = "failed" if version.status == "failed" else "incomplete"
        lines.append(_label(label, lang).format(why=" ".join(why.split()).replace("<", "&lt;")))
    body = safe_section_text(renumber(version.text.strip(), version.citation_keys, numbers))
    return "\n\n".join(part for part in [*lines, body] if part)


def _review_body(plan: SectionPlan, versions: Mapping[str, SectionVersion], lang: str) -> str:
    blocks = []
    for spec in plan.sections:
        version = versions.get(spec.key)
        if version is None:
            continue
        findings = version.checks.lines(lang) or [_label("no_findings", lang)]
        blocks.append(f"### {spec.name(lang)}\n\n" + "\n".join(f"- {line}" for line in findings))
    return "\n\n".join(blocks)


def missing_fields(reference: Reference) -> list[str]:
    """The record fields a reference lacks ("title", "authors", "year"); none for a note. The
    library holds only what the paper's file said: a field is never guessed to fill one."""
    if reference.is_note:
        return []
    paper = reference.paper
    title = paper.title.strip() if paper is not None else ""
    missing = [] if title and title != reference.paper_id else ["title"]
    missing += [] if paper is not None and paper.authors else ["authors"]
    missing += [] if paper is not None and paper.year else ["year"]
    return missing


def _references_to_complete(references: Sequence[Reference], lang: str) -> str:
    lines = []
    for reference in references:
        if missing := missing_fields(reference):
            names = ("、" if lang == "zh" else ", ").join(
                _label(f"field_{m}", lang) for m in missing
            )
            line = _label("incomplete_reference", lang)
            lines.append("- " + line.format(n=reference.number, paper_id=reference.paper_id, missing=names))  # fmt: skip
    return f"### {_label('to_complete', lang)}\n\n" + "\n".join(lines) if lines else ""


def export_paper(
    *,
    title: str,
    topic: str,
    lang: str,
    plan: SectionPlan,
    versions: Mapping[str, SectionVersion],
    papers: PaperLookup,
    generated_at: datetime | None = None,
    wall_seconds: float | None = None,
    review_appendix: bool = False,
) -> ExportedPaper:
    """Assemble the paper from the current version of each section (keyed by section key)."""
    lang = "en" if lang == "en" else "zh"
    ordered = [(spec, versions.get(spec.key)) for spec in plan.sections]
    present = [v for _, v in ordered if v is not None]
    paper_order = cited_papers((v.text, v.citation_keys) for v in present)
    numbers = {paper_id: n for n, paper_id in enumerate(paper_order, 1)}
    references = [Reference(n, pid, papers(pid)) for pid, n in numbers.items()]
    sections = [
        PaperSection(spec.name(lang), _section_body(v, numbers, lang)) for spec, v in ordered
    ]
    if review_appendix:
        review = _review_body(plan, versions, lang)
        if to_complete := _references_to_complete(references, lang):
            review = f"{review}\n\n{to_complete}" if review else to_complete
        sections.append(PaperSection(_label("review", lang), review))
    stamp = (generated_at or datetime.now()).strftime(
        "%Y年%m月%d日 %H:%M:%S" if lang == "zh" else "%Y-%m-%d %H:%M:%S"
    )
    if wall_seconds is not None:
        generation_time = _label("seconds", lang).format(s=wall_seconds)
    else:
        generation_time = _label("model_seconds", lang).format(s=sum(v.latency_s for v in present))
    models = list(dict.fromkeys(v.model_used for v in present if v.model_used))
    document = PaperDocument(
        title=_one_line(title),
        meta={"generated_at": stamp, "topic": _one_line(topic)},
        sections=sections,
        references=[reference_text(r, lang) for r in references],
        stats={
            "total_words": str(sum(paper_length(v.text) for v in present)),
            "generation_time": generation_time,
            "papers_used": str(sum(1 for r in references if not r.is_note)),
            "model": ", ".join(models) or "-",
        },
        lang=lang,
    )
    return ExportedPaper(document, references)


# ---------------------------------------------------------------------------------- HTML

_ALLOWED_TAGS = nh3.ALLOWED_TAGS - {"img"}  # a paper's text has no business loading images


def to_html(markdown_text: str, title: str = "") -> str:
    """A standalone HTML page; whatever raw HTML the paper text carried is sanitised away."""
    body = markdown.markdown(
        markdown_text, extensions=["extra", "sane_lists"], output_format="html"
    )
    clean = nh3.clean(body, tags=_ALLOWED_TAGS, url_schemes={"http", "https", "mailto"})
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n{clean}\n</body></html>\n"
    )
