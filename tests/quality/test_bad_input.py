"""Bad input: the scorecard says what it could not judge and why, and never crashes; the
command line answers in one plain line, and scores real files and projects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragcore.quality.scorecard import score_file
from ragcore.quality.wording import Code, Phrase
from tests.conftest import Run, seed_file
from tests.quality.conftest import clean_document, score_document


@pytest.mark.parametrize(
    "content", ["just some notes\nwith two lines\n", "", "# A title but no metadata\n\ntext\n"]
)
def test_a_file_that_is_not_a_paper(content: str, tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(content, encoding="utf-8")
    card = score_file(path)
    assert card.figures == [] and not card.passed
    assert any("not a paper exported by RAG Paper Studio" in note for note in card.notes)


def test_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "paper.md"
    path.write_bytes(b"\xff\xfe\x00PK\x03\x04 binary")
    card = score_file(path)
    assert card.figures == [] and "not a UTF-8 text file" in card.notes[0]


def test_sections_without_text_are_named(tmp_path: Path) -> None:
    document = clean_document("en")
    document.sections[1].body = "(This section has not been generated yet.)"
    document.sections[2].body = ""
    card = score_document(document, tmp_path)
    assert any("'Related Work' has no text" in note for note in card.notes)
    assert any("'Method' has no text" in note for note in card.notes)
    short = {x.section: x.detail for x in card.figure("section_length").findings}
    assert short["Related Work"].startswith("no text") and short["Method"].startswith("no text")
    assert card.figure("fragments").passed  # the placeholder line is not judged as prose


def test_every_section_empty(tmp_path: Path) -> None:
    document = clean_document("zh")
    for section in document.sections:
        section.body = "（本节尚未生成）"
    card = score_document(document, tmp_path)
    assert card.figures == []
    assert len([n for n in card.notes if "has no text" in n]) == 5


def test_cli_scores_a_paper_file_as_text_and_json(ragcore: Run, tmp_path: Path) -> None:
    path = tmp_path / "PAPER.md"
    from ragcore.documents.paper import render_paper

    path.write_text(render_paper(clean_document("en")), encoding="utf-8")
    result = ragcore("eval", "paper", str(path))
    assert result.code == 0, result.err
    assert "| Citation integrity (problems) | 0 | 0 | yes |" in result.out
    assert "not judged" in result.out
    data = json.loads(ragcore("eval", "paper", str(path), "--json").out)
    assert data["passed"] is True
    figures = {f["key"]: f for f in data["figures"]}
    assert figures["citation_support"]["judged"] is False and figures["fragments"]["value"] == 0
    # Each reason is a code with its values beside its English wording.
    assert figures["citation_support"]["not_judged_code"] == "support.file"
    assert "score the project" in figures["citation_support"]["not_judged"]
    assert data["note_codes"] == [{"code": "note.file_limits", "values": {}}]
    assert data["notes"] == [str(Phrase(Code.FILE_LIMITS))]


def test_cli_on_the_seed_paper_finds_its_truncated_sections(ragcore: Run) -> None:
    """seeds/004 is a finished paper of the old system: it has sections cut mid-sentence."""
    result = ragcore("eval", "paper", str(seed_file("004")), "--json", "--strict")
    assert result.code == 1
    data = json.loads(result.out)
    fragments = next(f for f in data["figures"] if f["key"] == "fragments")
    assert any(x["text"].endswith("当检测到新类别") for x in fragments["findings"])


def test_cli_plain_errors(ragcore: Run, tmp_path: Path) -> None:
    missing = ragcore("eval", "paper", str(tmp_path / "nope.md"))
    assert missing.code == 2 and "no such file" in missing.err and "Traceback" not in missing.err
    unknown = ragcore("eval", "paper", "no-such-project")
    assert unknown.code == 2 and "no project named" in unknown.err
