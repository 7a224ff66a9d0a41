"""PDFs through the layout reader: real dev PDFs (headings, metadata, page anchors, clean text)
and generated PDFs of every heading style. No mocks: real files, real layout model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from ragcore.ingest.chunks import section_chunks
from ragcore.ingest.extractive import sentences_of
from ragcore.ingest.formats import parse_file
from ragcore.ingest.formats.pdf_clean import HyphenRestorer, continues, markdown_to_text
from ragcore.ingest.metadata import extract_paper
from ragcore.ingest.model import Block, ParsedDocument, Section
from ragcore.ingest.pdf_evaluation import (
    HeadingScore,
    abstract_right,
    debris,
    heading_key,
    keywords_right,
    score_headings,
)
from ragcore.ingest.pipeline import IngestOptions, IngestPipeline
from ragcore.ingest.routing import load_routing
from ragcore.ingest.sections import split_sections
from ragcore.ingest.summarize import Summarizer
from ragcore.library.store import CardStore
from ragcore.progress import ProgressEvent
from ragcore.settings import Settings
from tests.conftest import PAPERS
from tests.ingest.pdf_samples import STYLES, SamplePdf, styled_pdf, with_sideways_page

PDFS = Path(__file__).resolve().parents[1] / "data" / "pdfs"
FRONT = Path(__file__).resolve().parent / "data" / "pdf_front_matter.yaml"
MANIFEST = [json.loads(line) for line in (PDFS / "manifest.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def dev() -> dict[str, tuple[dict[str, object], ParsedDocument, list[Section]]]:
    """Each dev PDF parsed once for the module (the layout model takes seconds per paper)."""
    out = {}
    for entry in MANIFEST:
        doc = parse_file(PDFS / str(entry["file"]))
        out[str(entry["file"])] = (entry, doc, split_sections(doc))
    return out


def test_dev_pdf_headings_found_with_high_recall_and_precision(dev) -> None:  # type: ignore[no-untyped-def]
    totals = {"en": HeadingScore(), "zh": HeadingScore()}
    for entry, _, sections in dev.values():
        gold = [(g["heading"], g["level"]) for g in entry["gold_headings"]]
        score = score_headings(sections, gold)
        totals[str(entry["lang"])].add(score)
        assert score.recall >= 0.85, (entry["file"], score.missed)
    assert totals["en"].recall >= 0.95 and totals["en"].precision >= 0.90
    assert totals["zh"].recall >= 0.90 and totals["zh"].precision >= 0.80


def test_dev_pdf_metadata(dev) -> None:  # type: ignore[no-untyped-def]
    front = yaml.safe_load(FRONT.read_text(encoding="utf-8"))
    for name, (entry, doc, sections) in dev.items():
        paper = extract_paper(doc, sections)
        want = front[name]
        assert (
            heading_key(paper.title).casefold()
            == heading_key(want.get("title", entry["title"])).casefold()
        )
        assert paper.authors and paper.authors[0] == want["first_author"]
        assert paper.year == want["year"]
        assert abstract_right(paper, want["abstract"]), (name, paper.abstract[:80])
        assert keywords_right(paper, want["keywords"]), (name, paper.keywords)
    plos = dev["en_plosone2013_hnscc_hedgehog.pdf"]
    paper = extract_paper(plos[1], plos[2])
    assert paper.doi == "10.1371/journal.pone.0078127" and paper.venue == "PLOS ONE"
    assert len(paper.authors) == 8 and paper.authors[-1] == "Joseph A. Califano"


def test_dev_pdf_page_anchors(dev) -> None:  # type: ignore[no-untyped-def]
    for entry, _, sections in dev.values():
        gold_pages = {heading_key(g["heading"]): g["page"] for g in entry["gold_headings"]}
        for section in sections:
            assert section.pages and all(1 <= p <= int(entry["pages"]) for p in section.pages)
            if heading_key(section.heading) in gold_pages:
                assert section.pages[0] == gold_pages[heading_key(section.heading)]


def test_dev_pdf_text_is_clean_and_cards_cover_the_sections(dev) -> None:  # type: ignore[no-untyped-def]
    summarizer = Summarizer(load_routing())
    for name, (_, doc, sections) in dev.items():
        paper = extract_paper(doc, sections)
        cards = [s for s in summarizer.summarize(sections, paper.title, paper.lang) if s.ok]
        chunks = section_chunks(paper.paper_id, sections)
        found = debris([c.text for c in cards] + [c.text for c in chunks])
        assert found["ligatures or bullets"] == 0, name
        assert found["mid-sentence starts"] <= found["sentences"] * 0.01, name
        for card in cards:
            assert all(not s[:1].islower() for s in sentences_of(card.text)), card.text
        roles = {s.role for s in sections}
        assert {"introduction", "references"} <= roles, name
        # The thesis sample is a template manual: no experiments, results or conclusion.
        assert len(cards) >= (3 if name.startswith("zh_") else 8), name


def test_broken_glyph_map_is_reported() -> None:
    doc = parse_file(PDFS / "en_manubot_ten_tips_deep_learning_biology.pdf")
    assert any("glyphs" in warning for warning in doc.warnings)


@pytest.mark.parametrize("two_columns", [False, True])
@pytest.mark.parametrize("style", list(STYLES))
def test_generated_heading_styles(tmp_path: Path, style: str, two_columns: bool) -> None:
    sample = styled_pdf(style, two_columns)
    path = tmp_path / f"{style}.pdf"
    path.write_bytes(sample.data)
    doc = parse_file(path)
    sections = split_sections(doc)
    got = [(heading_key(s.heading), s.level, s.role) for s in sections if s.heading]
    assert got == [(heading_key(h), level, role) for h, level, role in sample.headings]
    paper = extract_paper(doc, sections)
    assert paper.title == sample.title and paper.authors == sample.authors
    assert paper.year is None  # nothing printed, nothing invented
    body = "\n".join(s.text for s in sections)
    assert "Journal of Graph Learning" not in body  # running header
    assert "Code is available" not in body and "Overview of the model" not in body
    assert any("Code is available" in note for s in sections for note in s.notes)
    if sample.lang == "en":
        assert "(Shaw et al., 2018)" in body and "[12]" in body


def test_markdown_of_a_box_becomes_clean_text() -> None:
    markdown = (
        "- **Graph** _F_ -score of M<sup>2</sup> ﬁnds Koyama<sup>1,2</sup> ( _r_ ) "
        "<!-- Start of picture text -->x<br>y<!-- End of picture text -->"
    )
    assert markdown_to_text(markdown) == "Graph F-score of M2 finds Koyama (r)"
    assert markdown_to_text("０ 引 言：第１章 研 究，方法") == "0 引言：第1章研究，方法"
    # a decimal point set in the math font is its own span: "β = 0.5", not two sentences
    assert markdown_to_text("adopted _β_ = 0 _._ 5 for M<sup>2</sup> , it") == (
        "adopted β = 0.5 for M2, it"
    )
    restore = HyphenRestorer("alignment-free, align-\nment; hyper-parameters, hyperparameters")
    assert (
        restore("an alignmentfree metric; the alignment")
        == "an alignment-free metric; the alignment"
    )
    assert restore("tune hyperparameters") == "tune hyperparameters"


def test_run_in_abstract_label_makes_an_abstract_section_without_a_heading() -> None:
    blocks = [
        Block("A Title", pages=(1,)),
        Block("Abstract—We study graphs and find a better method for them.", pages=(1,)),
        Block("I. INTRODUCTION", heading_level=1, pages=(1,)),
        Block("Graphs are everywhere in science and engineering.", pages=(1, 2)),
    ]
    sections = split_sections(ParsedDocument(Path("x.pdf"), "pdf", blocks))
    assert [(s.heading, s.role) for s in sections] == [
        ("", "other"),
        ("", "abstract"),
        ("I. INTRODUCTION", "introduction"),
    ]
    assert sections[1].text.startswith("We study") and sections[2].pages == [1, 2]


def test_pipeline_stores_page_anchors_and_reports_page_progress(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(styled_pdf("numbered", two_columns=True).data)
    store = CardStore.open(settings)
    events: list[ProgressEvent] = []
    pipeline = IngestPipeline(settings, store, IngestOptions(workers=1))
    (result,) = pipeline.ingest([path], events.append)
    assert result.status == "ingested" and result.warnings == []
    pages = [e for e in events if e.stage == "parse" and "page" in e.message]
    assert pages and pages[-1].message.endswith(f"page {pages[-1].total}/{pages[-1].total}")
    chunks = store.get_raw_chunks(result.paper_id)
    assert chunks and all(chunk.pages for chunk in chunks)
    cards = store.get_cards(paper_id=result.paper_id)
    assert cards and all(card.sentence_pages for card in cards)
    assert all(all(pages for pages in card.sentence_pages) for card in cards)
    # The worker's own parse time is reported next to the time this process waited for it
    # (bench_ingest prints the overlap from the two).
    seconds = pipeline.timer.seconds
    assert seconds["parse in workers"] > 0 and seconds["parse"] > 0


def test_files_parsed_in_process_are_ingested_while_the_pool_parses_pdfs(
    settings: Settings, tmp_path: Path
) -> None:
    pdf = tmp_path / "a_paper.pdf"
    pdf.write_bytes(styled_pdf("numbered").data)
    markdown = tmp_path / "b_paper.md"
    markdown.write_text((PAPERS / "arxiv-2212.11783.md").read_text(encoding="utf-8"))
    events: list[ProgressEvent] = []
    pipeline = IngestPipeline(settings, CardStore.open(settings), IngestOptions(workers=1))
    reports = pipeline.ingest([pdf, markdown], events.append)
    # Reported in the order asked for, all stored; the Markdown file was handled first.
    assert [Path(r.file).name for r in reports] == ["a_paper.pdf", "b_paper.md"]
    assert [r.status for r in reports] == ["ingested", "ingested"]
    started = [e.message for e in events if e.stage == "files" and e.done == 0]
    assert started == ["b_paper.md"]


def test_a_page_the_layout_model_returns_empty_falls_back_to_plain_text(tmp_path: Path) -> None:
    """No mock: a real page of sideways text that the layout model returns without its text."""
    sample = styled_pdf("numbered")
    path = tmp_path / "sideways_table.pdf"
    path.write_bytes(with_sideways_page(sample.data, after_page=1))
    doc = parse_file(path)
    (warning,) = [w for w in doc.warnings if "layout analysis failed" in w]
    assert warning.startswith("sideways_table.pdf: layout analysis failed on page 2:")
    assert "sideways" in warning and "read as plain text" in warning
    sections = split_sections(doc)
    roles = [s.role for s in sections if s.heading]
    for role in ("abstract", "introduction", "method", "experiments", "conclusion"):
        assert role in roles, (role, [s.heading for s in sections])
    body = "\n".join(s.text for s in sections)
    # Nothing half-read: the text before, on and after the page the layout model lost.
    assert "Method GraphMix" in body and "Table 5: Accuracy" in body
    assert body.count("the mixing step improves accuracy") == sample_paragraphs(sample)
    paper = extract_paper(doc, sections)
    assert paper.title == sample.title


def sample_paragraphs(sample: SamplePdf) -> int:
    """How often the generated paper prints its body paragraph (abstract + 3 per section)."""
    headings = sample.headings
    return sum(1 if role == "abstract" else 3 for _, _, role in headings if role != "references")


@pytest.mark.parametrize(
    ("style", "line", "keywords"),
    [
        ("numbered", "Keywords: graph learning; node mixing, semi-supervised learning",
         ["graph learning", "node mixing", "semi-supervised learning"]),
        ("zh_chapter", "关键词：图神经网络；节点混合，半监督学习",
         ["图神经网络", "节点混合", "半监督学习"]),
    ],
)  # fmt: skip
def test_printed_keywords_and_abstract_are_stored(
    tmp_path: Path, style: str, line: str, keywords: list[str]
) -> None:
    path = tmp_path / f"{style}.pdf"
    path.write_bytes(styled_pdf(style, keywords=line).data)
    doc = parse_file(path)
    paper = extract_paper(doc, split_sections(doc))
    assert paper.keywords == keywords
    assert paper.abstract.startswith(("Graph neural networks learn", "图神经网络通过"))
    assert "Keywords" not in paper.abstract and "关键词" not in paper.abstract


@pytest.mark.parametrize(
    ("previous", "following", "joined"),
    [
        # A column break inside a sentence, the rest starting with an acronym.
        (
            "we use N = 4 for word-level tokenization following the setting of",
            "GLEU, and N = 6 for character-level.",
            True,
        ),
        ("the results of", "Table 2 are averaged over three runs.", True),
        ("a paragraph that goes on", "with more words.", True),
        # A finished sentence, a heading-like line or a bullet is a paragraph of its own.
        ("The method is fast.", "GLEU is slower.", False),
        ("Results in Table 2", "Method details follow.", False),
        ("the setting of", "• a bullet", False),
    ],
)
def test_a_paragraph_cut_by_a_column_break_is_joined(
    previous: str, following: str, joined: bool
) -> None:
    assert continues(previous, following) is joined
