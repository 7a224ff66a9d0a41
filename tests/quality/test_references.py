"""Reference completeness: real titles, authors and years; placeholders and ids are problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragcore.quality.references import author_problem, split_entry, title_problem
from tests.quality.conftest import clean_document, findings, score_document


@pytest.mark.parametrize(
    "title",
    ["<4D696372736F667420576F7264>", "2309.11930v2", "２０２２年１２月", "10.1145/3577193.3593710",
     "arxiv:2212.11772", "Microsoft Word - draft.docx", "paper.pdf", "ab"],
)  # fmt: skip
def test_titles_that_are_not_titles(title: str) -> None:
    assert title_problem(title)


@pytest.mark.parametrize(
    "title", ["n-gram F-score for Evaluating Grammatical Error Correction", "开放世界半监督学习"]
)
def test_real_titles(title: str) -> None:
    assert title_problem(title) is None


@pytest.mark.parametrize("author", ["Administrator", "CNKI", "微软用户", "4D696372", "a@b.org"])
def test_authors_that_are_not_people(author: str) -> None:
    assert author_problem(author)


def test_entries_are_split_as_the_export_writes_them() -> None:
    assert split_entry("Ada Lovelace, Charles Babbage. Typed Cards. Journal, 2021. doi:10.1/x") == (
        ["Ada Lovelace", "Charles Babbage"],
        "Typed Cards",
        2021,
    )
    assert split_entry("Typed Cards. Journal, 2021.") == ([], "Typed Cards", 2021)
    assert split_entry("2309.11930v2") == ([], "2309.11930v2", None)


def test_bad_entries_from_the_issue_are_problems(tmp_path: Path) -> None:
    document = clean_document("zh")
    document.references += [
        "Administrator. <4D696372736F667420576F7264>.",
        "CNKI. ２０２２年１２月.",
        "2309.11930v2",
        "Normalized Contrastive Learning for Text-Video Retrieval. 2022.",  # no authors
    ]
    for n in range(4, 8):
        document.sections[0].body += f"\n\n第{n}篇文献的结论同样成立[{n}]。"
    card = score_document(document, tmp_path)
    found = findings(card, "reference_completeness")
    assert any("[4]" in f and "'Administrator'" in f for f in found)
    assert any("[4]" in f and "hex" in f for f in found)
    assert any("[5]" in f and "'CNKI'" in f for f in found)
    assert any("[5]" in f and "date" in f for f in found)
    assert any("[6]" in f and "bare identifier" in f for f in found)
    assert any("[7]" in f and "no authors" in f for f in found)
    assert not any(f.startswith(("[1]", "[2]", "[3]")) for f in found)


def test_project_notes_are_not_publications(tmp_path: Path) -> None:
    document = clean_document("en")
    document.references.append("Project note (not a publication)")
    document.sections[0].body += "\n\nOur own pilot found the same effect [4]."
    card = score_document(document, tmp_path)
    assert not any(f.startswith("[4]") for f in findings(card, "reference_completeness"))
    assert card.figure("reference_completeness").checked == 3
