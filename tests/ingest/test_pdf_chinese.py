"""Real Chinese conference PDFs (CCL 2022, tests/data/pdfs/ccl2022.jsonl): Chinese fonts that
the layout reader takes for code, and a text layer that turns Latin text into Chinese
characters."""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import pytest

from ragcore.ingest.formats import parse_file
from ragcore.ingest.formats.pdf_clean import unmark_cjk_code
from ragcore.ingest.model import ParsedDocument
from ragcore.ingest.pdf_evaluation import heading_key, score_headings
from ragcore.ingest.sections import split_sections
from ragcore.library.latin_glyphs import decoded, latin_as_cjk

DATA = Path(__file__).resolve().parents[1] / "data"
PDFS = DATA / "pdfs"
ENTRIES = {e["file"]: e for e in map(json.loads, (PDFS / "ccl2022.jsonl").read_text().splitlines())}
CLEAN = "zh_ccl2022_cltc_track1_spelling.pdf"
GARBLED = "zh_ccl2022_cltc_track5_garbled_latin.pdf"


@pytest.fixture(scope="module")
def clean() -> ParsedDocument:
    return parse_file(PDFS / CLEAN)


def test_chinese_headings_and_text_carry_no_code_marks(clean: ParsedDocument) -> None:
    sections = split_sections(clean)
    gold = [(g["heading"], g["level"]) for g in ENTRIES[CLEAN]["gold_headings"]]
    score = score_headings(sections, gold)
    assert score.recall >= 0.95, score.missed
    assert score.precision >= 0.9, score.extra
    headings = [s.heading for s in sections if s.heading]
    assert heading_key("1 引言") in [heading_key(h) for h in headings]
    assert not [h for h in headings if "`" in h]
    # Only the e-mail line, set in a real typewriter font, may stay code.
    marked = [s.text for s in sections if "`" in s.text and "@" not in s.text]
    assert not marked, marked[:2]
    assert not any("Chinese characters" in w for w in clean.warnings)


def test_authors_merged_with_their_affiliation_are_read(clean: ParsedDocument) -> None:
    """The reader merged the bold author line with the affiliation under it
    ("**马延美 陈政华 付钰楚 张杰**北京方寸无忧科技发展有限公司"): the names are still read, so
    the paper's reference is complete."""
    assert clean.authors == ["马延美", "陈政华", "付钰楚", "张杰"]
    assert clean.hints["title"].replace(" ", "") == "CCL2022-CLTC赛道一:中文拼写检查"


def test_latin_text_turned_into_chinese_characters_is_read_back_and_reported() -> None:
    doc = parse_file(PDFS / GARBLED)
    warning = next(w for w in doc.warnings if "into Chinese characters" in w)
    assert "English words and numbers" in warning and "read back as Latin text" in warning
    assert "奢奡女奥奬奩奮奥 → “baseline”" in warning or "→ “" in warning
    assert decoded("奢奡女奥奬奩奮奥") == "baseline"
    # Read back, runs and single characters alike; Chinese words of the same code block stay.
    text = doc.full_text
    assert "本赛道的训练集提供了中文Lang8数据，并基于seq2seq使用BART-large训练了" in text
    assert "共有5个赛道" in text and "排名前10（小于等于10）" in text and "真实F0.5分数" in text
    assert latin_as_cjk(text) == []
    assert "汉语学习者文本纠错" in text and "大" in text
    # Chinese title, 摘要, then the English title and authors, Abstract: the English title
    # is front matter, not a section.
    headings = [heading_key(s.heading) for s in split_sections(doc) if s.heading]
    assert headings[:3] == [heading_key(h) for h in ("摘要", "Abstract", "1 引言")]


def test_real_chinese_text_is_not_reported_as_garbled(clean: ParsedDocument) -> None:
    assert latin_as_cjk(clean.full_text) == []
    # The thesis prints a table of rare characters (consecutive code points): still real text.
    thesis = pymupdf.open(PDFS / "zh_ucasthesis_sample_thesis.pdf")
    text = "\n".join(thesis[number].get_text() for number in range(thesis.page_count))
    assert latin_as_cjk(text) == []
    papers = sorted((DATA / "papers_topics").glob("zh-*.md"))
    assert papers
    for paper in papers:
        assert latin_as_cjk(paper.read_text(encoding="utf-8")) == [], paper.name


def test_code_marks_go_only_around_chinese_text() -> None:
    markdown = "# **1** **`引言`**\n`文本` ( `张宝林` , 2013) `，` use `torch.nn` with `x`"
    assert unmark_cjk_code(markdown) == (
        "# **1** **引言**\n文本(张宝林, 2013)， use `torch.nn` with `x`"
    )
    assert unmark_cjk_code("```\n计算语言学\n```") == "计算语言学"
    listing = "```\nx = 1\ny = 2\n```"
    assert unmark_cjk_code(listing) == listing
