"""A section's notes are codes with values, worded where shown: every code has an English and a
Chinese wording quoting the same values; a version stores them as codes and reads them back;
a version saved before notes were coded (finished sentences) still loads and shows them."""

from __future__ import annotations

import json
import re
import string
from enum import StrEnum
from pathlib import Path

import pytest

from ragcore.drafting.export import export_paper
from ragcore.drafting.notes import DraftNote
from ragcore.drafting.review import SectionReview
from ragcore.drafting.versions import SectionVersion, VersionStore
from ragcore.library import db
from ragcore.library.cards import Paper, SummaryType
from ragcore.retrieval.notes import ContextNote, type_term
from ragcore.retrieval.sectionplan import load_plan
from ragcore.wording import Phrase, Term, codes_of, describe, tables_of, word_note

CJK = re.compile(r"[\u3400-\u9fff]")
NOTE_CODES: list[StrEnum] = [*DraftNote, *ContextNote]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", NOTE_CODES, ids=str)
def test_every_note_code_has_an_english_and_a_chinese_wording(code: StrEnum) -> None:
    tables = tables_of(type(code))
    english, chinese = tables["en"].get(code, ""), tables["zh"].get(code, "")
    assert english.strip() and not CJK.search(english), code
    assert chinese.strip() and CJK.search(chinese), code
    assert _fields(chinese) == _fields(english), code  # the same values quoted


@pytest.mark.parametrize("family", [DraftNote, ContextNote])
def test_note_tables_word_only_known_codes(family: type[StrEnum]) -> None:
    for table in tables_of(family).values():
        assert set(table) == set(family)


def test_a_note_quotes_its_values_in_the_language_asked_for() -> None:
    dropped = Phrase(
        ContextNote.DROPPED,
        {"type": type_term(SummaryType.METHODOLOGY), "paper": "p4", "relevance": 0.5},
    )
    assert describe(dropped, "en") == (
        "left out for the token budget: Methodology card of paper p4 (relevance 0.50)"
    )
    assert describe(dropped, "zh") == "因词元预算未用：论文 p4 的方法卡片（相关性 0.50）"
    short = Phrase(DraftNote.SHORT, {"words": 12, "low": 100, "high": 140})
    assert describe(short, "en") == (
        "short: 12 words against a target of 100-140; the evidence allows no more"
    )
    assert describe(short, "zh") == "篇幅不足：12 字，目标 100-140 字；现有证据只够这么多"


def _version(review: SectionReview) -> SectionVersion:
    return SectionVersion(
        project_id="p1",
        section="method",
        text="Our method aligns frames [1].",
        citation_keys={"1": "paperA"},
        review=review.to_dict(),
    )


def test_a_version_stores_its_notes_as_codes_and_words_them_in_either_language(
    tmp_path: Path,
) -> None:
    notes: list[Phrase] = [
        Phrase(ContextNote.WEAK_TYPE, {"type": Term("Metric", "评价指标")}),
        Phrase(DraftNote.REMOVED_NUMBER, {"cited": "9"}),
        Phrase(DraftNote.PAPERS_GONE, {"papers": ("gone-1", "gone-2")}),
    ]
    store = VersionStore(tmp_path / "ragcore.db")
    saved = store.save(_version(SectionReview(cited_keys=["1"], warnings=list(notes))))
    with db.connect(store.db_path) as conn:
        raw = conn.execute("SELECT review FROM section_versions").fetchone()[0]
    stored = json.loads(raw)["warnings"]
    assert [n["code"] for n in stored] == [
        "context.weak_type",
        "draft.citation_removed_number",
        "draft.papers_gone",
    ]
    assert stored[0]["values"] == {"type": {"term": {"en": "Metric", "zh": "评价指标"}}}
    loaded = store.get(saved.version_id).checks.warnings
    assert loaded == notes and codes_of(loaded) == [n.code for n in notes]
    assert store.get(saved.version_id).checks.lines("en") == [
        "Metric: no card above the relevance floor; the weak ones are backups, switched off",
        "removed citation [9]: no such evidence key",
        "no longer in the library, left out of this project's papers: gone-1, gone-2; "
        "the other selected papers are still used",
    ]
    assert store.get(saved.version_id).checks.lines("zh")[0].startswith("评价指标：没有高于")
    assert "gone-1、gone-2" in store.get(saved.version_id).checks.lines("zh")[2]


OLD_NOTES = [
    "篇幅不足：40 字，目标 300-500 字；现有证据只够这么多",
    "removed citation [9]: no such evidence key",
]


def test_an_old_version_with_plain_sentence_notes_still_loads_and_shows_them(
    tmp_path: Path,
) -> None:
    """A version saved before notes were coded stored finished sentences: they load as they
    were written, in every place a note is shown (CLI/appendix lines, the export)."""
    store = VersionStore(tmp_path / "ragcore.db")
    saved = store.save(_version(SectionReview(cited_keys=["1"])))
    old_review = {
        "citation_issues": [],
        "cited_keys": ["1"],
        "unsupported": [],
        "claims_checked": 1,
        "warnings": OLD_NOTES,
    }
    with db.connect(store.db_path) as conn:  # the row exactly as an older version wrote it
        conn.execute(
            "UPDATE section_versions SET review = ? WHERE version_id = ?",
            (json.dumps(old_review, ensure_ascii=False), saved.version_id),
        )
    version = store.get(saved.version_id)
    assert version.checks.warnings == OLD_NOTES and codes_of(version.checks.warnings) == []
    assert version.checks.lines("en") == OLD_NOTES == version.checks.lines("zh")
    assert [word_note(n, "en") for n in version.checks.warnings] == OLD_NOTES
    paper = export_paper(
        title="t",
        topic="t",
        lang="en",
        plan=load_plan(),
        versions={"method": version},
        papers=lambda pid: Paper(paper_id=pid, title=f"Title of {pid}", authors=["A"], year=2020),
        review_appendix=True,
    )
    appendix = paper.document.sections[-1].body
    assert all(f"- {note}" in appendix for note in OLD_NOTES)
    # Saved again (e.g. a hand edit keeps the review's notes), they stay plain sentences.
    again = SectionReview.from_dict(json.loads(json.dumps(version.checks.to_dict())))
    assert again.warnings == OLD_NOTES


def test_a_note_of_an_unknown_code_is_kept_as_its_code() -> None:
    """A project written by a newer version may hold a code this one does not know: it loads
    (as the code, which still says what it was) instead of failing the whole section."""
    review = SectionReview.from_dict({"warnings": [{"code": "draft.from_the_future"}]})
    assert review.warnings == ["draft.from_the_future"]
