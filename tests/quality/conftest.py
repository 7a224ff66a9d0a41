"""Small papers for the scorecard tests: a clean paper in each language, written as the export
writes it, and helpers to plant one defect at a time."""

from __future__ import annotations

from pathlib import Path

from ragcore.documents.paper import PaperDocument, PaperSection, render_paper
from ragcore.quality.model import Scorecard
from ragcore.quality.scorecard import score_file
from ragcore.retrieval.sectionplan import load_plan

ADJECTIVES = ["sparse", "dense", "hybrid", "lexical", "neural", "multilingual", "typed", "small"]
NOUNS = ["survey", "thesis", "preprint", "report", "article", "review", "chapter", "dataset"]
ZH_ADJ = ["稀疏", "稠密", "混合", "词汇", "神经", "多语言", "类型化", "轻量"]
ZH_NOUN = ["综述", "学位论文", "预印本", "报告", "期刊论文", "评论", "章节", "数据集"]
REFERENCES = [
    "Ada Lovelace, Charles Babbage. Typed Summary Cards for Paper Drafting. Journal of Tests, 2021.",
    "Grace Hopper. Hybrid Retrieval of Scientific Evidence. Proceedings of Tests, 2022.",
    "Alan Turing, Claude Shannon, John Tukey, et al. Measuring Drafts Against Their Evidence. 2023. doi:10.1/x",
]


def sentence(i: int, lang: str, cite: int) -> str:
    """A distinct, well-formed sentence citing reference `cite`."""
    a, n = i % 8, (i // 8) % 8
    if lang == "en":
        return (
            f"The {ADJECTIVES[a]} encoder of study {NOUNS[n]} {i} improves the retrieval of "
            f"{NOUNS[(n + 3) % 8]} documents [{cite}]."
        )
    return f"第{i}项{ZH_NOUN[n]}研究表明，{ZH_ADJ[a]}编码器提升了{ZH_NOUN[(n + 3) % 8]}文档的检索效果[{cite}]。"


def section_text(start: int, count: int, lang: str, per_paragraph: int = 6) -> str:
    sentences = [sentence(i, lang, 1 + i % 3) for i in range(start, start + count)]
    joiner = " " if lang == "en" else ""
    paragraphs = [
        joiner.join(sentences[k : k + per_paragraph]) for k in range(0, count, per_paragraph)
    ]
    return "\n\n".join(paragraphs)


def clean_document(lang: str = "en") -> PaperDocument:
    """A paper that meets every text figure: section lengths inside the plan's targets."""
    plan = load_plan()
    sections, start = [], 0
    for spec in plan.sections:
        low, high = spec.words
        per_sentence = 14 if lang == "en" else 24
        count = (low + high) // 2 // per_sentence
        sections.append(PaperSection(spec.name(lang), section_text(start, count, lang)))
        start += count
    document = PaperDocument(
        title="A clean paper" if lang == "en" else "一篇干净的论文",
        meta={"generated_at": "2026-01-01 10:00:00", "topic": "retrieval for drafting"},
        sections=sections,
        references=list(REFERENCES),
        lang=lang,
    )
    length = sum(_length(s.body) for s in sections)
    document.stats = {"total_words": str(length), "papers_used": "3", "model": "offline"}
    return document


def _length(text: str) -> int:
    from ragcore.drafting.export import paper_length

    return paper_length(text)


def recount(document: PaperDocument) -> PaperDocument:
    """Keep the statistics true after a test changed the text."""
    document.stats["total_words"] = str(sum(_length(s.body) for s in document.sections))
    return document


def score_document(document: PaperDocument, tmp_path: Path, name: str = "paper.md") -> Scorecard:
    path = tmp_path / name
    path.write_text(render_paper(document), encoding="utf-8")
    return score_file(path)


def findings(card: Scorecard, key: str) -> list[str]:
    return [f"{x.text} — {x.detail}" for x in card.figure(key).findings]
