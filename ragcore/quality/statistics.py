"""Statistics consistency: the paper's stated statistics against counts of the paper itself.
"Papers used" must equal the listed references (project notes aside) and the papers the text
cites; "Total length" must match the sections' length within 1%."""

from __future__ import annotations

from ragcore.documents.paper import STAT_LABELS
from ragcore.drafting.export import paper_length
from ragcore.quality.model import Figure, Finding, count_figure, not_judged
from ragcore.quality.source import PaperUnderCheck
from ragcore.quality.text import cited_numbers, sentences, without_export_notes
from ragcore.quality.wording import Code, Phrase

KEY, NAME = "statistics", "Statistics consistency (problems)"
LENGTH_TOLERANCE = 0.01


def _int(value: str) -> int | None:
    digits = "".join(ch for ch in value if ch.isdigit())
    return int(digits) if digits and len(digits) == len(value.strip().replace(",", "")) else None


def statistics(paper: PaperUnderCheck) -> Figure:
    stats = paper.stats
    if "papers_used" not in stats and "total_words" not in stats:
        return not_judged(KEY, NAME, "count", "0", Phrase(Code.NO_STATISTICS))
    findings: list[Finding] = []
    checked = 0
    listed = [e for e in paper.references if not e.is_note]
    if "papers_used" in stats:
        checked += 1
        stated = _int(stats["papers_used"])
        cited = {
            n
            for s in paper.written()
            for sentence in sentences(s.body)
            for n in cited_numbers(sentence)
            if 1 <= n <= len(paper.references) and not paper.references[n - 1].is_note
        }
        line = _quoted(paper, "papers_used")
        if stated is None:
            findings.append(Finding("", line, Code.NOT_A_NUMBER))
        else:
            if stated != len(listed):
                findings.append(Finding("", line, Code.LISTED_PAPERS, {"count": len(listed)}))
            if stated != len(cited):
                findings.append(Finding("", line, Code.CITED_PAPERS, {"count": len(cited)}))
    if "total_words" in stats:
        checked += 1
        stated = _int(stats["total_words"])
        counted = sum(paper_length(without_export_notes(s.body)) for s in paper.written())
        line = _quoted(paper, "total_words")
        if stated is None:
            findings.append(Finding("", line, Code.NOT_A_NUMBER))
        elif abs(stated - counted) > max(1, LENGTH_TOLERANCE * counted):
            findings.append(Finding("", line, Code.COUNTED_LENGTH, {"count": counted}))
    return count_figure(KEY, NAME, findings, checked)


def _quoted(paper: PaperUnderCheck, key: str) -> str:
    """The statistics line as the paper prints it ("Papers used: 3", "使用的论文数量: 3")."""
    lang = "en" if paper.lang == "en" else "zh"
    return f"{STAT_LABELS[key][lang]}: {paper.stats[key]}"
