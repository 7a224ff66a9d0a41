"""A clean paper, in each language, is at the ideal of every figure a file can be judged on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.quality.conftest import clean_document, score_document

TEXT_FIGURES = [
    "citation_integrity",
    "reference_completeness",
    "fragments",
    "repeats",
    "section_length",
    "language_purity",
    "statistics",
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_clean_paper_passes_every_text_figure(lang: str, tmp_path: Path) -> None:
    card = score_document(clean_document(lang), tmp_path)
    for key in TEXT_FIGURES:
        figure = card.figure(key)
        assert figure.passed, (key, [(x.text, x.detail) for x in figure.findings[:3]])
        assert figure.checked > 0, key
    assert card.passed
    assert card.figure("section_length").value == 1.0
    assert card.figure("language_purity").value == 1.0


def test_a_file_says_which_figures_it_cannot_judge(tmp_path: Path) -> None:
    card = score_document(clean_document("en"), tmp_path)
    for key in ("off_topic", "citation_support", "grounding"):
        figure = card.figure(key)
        assert figure.passed is None and figure.value is None
        assert "evidence" in figure.not_judged
    assert any("score the project" in note for note in card.notes)
