"""End to end: real vendored papers (unarXive Markdown) and the demo library's cards are put in
a library, an English and a Chinese paper are drafted with the offline model, and each is scored.

The assertions are the figures the pipeline meets today, after the drafting work of issue 13
(`MET_TODAY`). Not yet at their ideal here (`NOT_YET`), because of the data: reference
completeness (the demo cards are imported without their bibliography, so their paper records
have no authors or years and bare ids such as `3688609` have no title: nothing in the cards
says them, and the export names them as records to edit) and section length in English (one
on-topic paper; its raw sections fill the drafts toward their targets, asserted below, and
the sections its text cannot fill are flagged as short).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest

from ragcore.drafting.pipeline import draft_project, project_paper
from ragcore.drafting.projects import ProjectStore
from ragcore.ingest.importer.run import import_files
from ragcore.ingest.pipeline import IngestOptions, ingest_paths
from ragcore.library.store import CardStore
from ragcore.quality.length import at_target
from ragcore.quality.model import Scorecard, render_table
from ragcore.quality.scorecard import score_project
from ragcore.quality.wording import Code
from ragcore.settings import Settings, load_settings
from tests.conftest import DATA, REPO_ROOT

PAPERS = ["arxiv-2212.11774.md", "arxiv-2212.11765.md", "arxiv-2212.11858.md"]
TOPICS = {
    "en": "empirically evaluated bug localization approaches",
    "zh": "分布式深度学习训练中的梯度稀疏化与通信优化",
}
MET_TODAY = ["citation_integrity", "repeats", "fragments", "language_purity", "section_length", "off_topic", "citation_support", "grounding", "statistics"]  # fmt: skip
NOT_YET = ["reference_completeness"]


@pytest.fixture
def library(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("RAGCORE_HOME", str(settings.home))
    settings = load_settings()
    store = CardStore.open(settings)
    reports = ingest_paths(settings, [DATA / "papers" / name for name in PAPERS], IngestOptions(lang="en"), store=store)  # fmt: skip
    assert all(report.cards for report in reports), reports
    assert import_files([REPO_ROOT / "data" / "seed_cards.jsonl"], store).added
    return settings


def _draft_and_score(settings: Settings, lang: str) -> Scorecard:
    project = ProjectStore.from_settings(settings).create(TOPICS[lang], lang="en" if lang == "en" else "zh")  # fmt: skip
    outcome = draft_project(settings, project)
    # An offline section with nothing in the paper's language to write from fails with its
    # reason (by design); the rest of the paper is written and scored.
    assert len(outcome.failed) < len(outcome.sections)
    card = score_project(settings, project)
    for key in outcome.failed:
        assert any("has no text" in note for note in card.notes), key
    print(lang, render_table(card))  # shown with -s: today's values, for tightening MET_TODAY
    return card


def test_offline_drafts_from_real_papers_meet_todays_figures(
    library: Settings, tmp_path: Path
) -> None:
    for lang in ("en", "zh"):
        card = _draft_and_score(library, lang)
        assert {f.key for f in card.figures} == set(MET_TODAY) | set(NOT_YET)
        for key in MET_TODAY:
            figure = card.figure(key)
            assert figure.judged and figure.passed, (lang, key, [(x.text, x.detail) for x in figure.findings[:3]])  # fmt: skip
        assert card.figure("citation_support").checked > 10
        # Short sections were filled from the on-topic paper's raw text: most of the English
        # paper is. The Chinese topic has one on-topic demo paper with a single card (MiCRO) and
        # no text; other papers' cards below the topic's floor (`topic_floor`; for a Chinese
        # topic its phrases count, `chinese_phrases`) are backups, so the Chinese draft is
        # short and says so, section by section, rather than filled with other topics' cards.
        # Every short section is the library's shortfall: its unused evidence could not have
        # reached the target (`headroom`); a section at target has no finding.
        length = card.figure("section_length")
        share = at_target(length)
        assert share is not None and share < 1.0
        assert all(f.code == Code.SHORT_EXHAUSTED for f in length.findings)
        # Every figure is judged on a project: nothing is left to "not judged" for lack of input.
        assert all(card.figure(key).judged for key in NOT_YET)


SEVERAL_ON_TOPIC = sorted((DATA / "papers_topics").glob("manubot-*.md"))
CLUSTER_TOPIC = "FracMinHash sketching for metagenome analysis"
SEVERAL_ON_TOPIC_ZH = sorted((DATA / "papers_topics").glob("zh-*.md"))
CLUSTER_TOPIC_ZH = "汉语学习者文本的中文语法纠错"
OFF_TOPIC = [DATA / "papers" / "arxiv-2212.11774.md", DATA / "papers" / "arxiv-2212.11765.md"]


def _draft_at_every_ideal(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    on_topic: list[Path],
    options: IngestOptions,
    topic: str,
    lang: Literal["zh", "en"],
) -> None:
    """Ingest the papers on the topic and two off it, draft offline, and check every figure at
    its ideal (length 1.00), several on-topic papers cited and neither off-topic one."""
    monkeypatch.setenv("RAGCORE_HOME", str(settings.home))
    settings = load_settings()
    store = CardStore.open(settings)
    reports = ingest_paths(settings, [*on_topic, *OFF_TOPIC], options, store=store)
    assert all(report.cards for report in reports)
    project = ProjectStore.from_settings(settings).create(topic, lang=lang)
    outcome = draft_project(settings, project)
    assert not outcome.failed
    card = score_project(settings, project)
    print(render_table(card))
    for figure in card.figures:
        assert figure.judged and figure.passed, (figure.key, [(x.text, x.detail) for x in figure.findings[:3]])  # fmt: skip
    assert card.figure("section_length").value == 1.0
    # The paper draws on several of the on-topic papers, none of the off-topic ones.
    cited = {r.paper_id for r in project_paper(settings, project).references}
    assert len(cited) >= 3
    assert not any(p.startswith(("a-literature-review", "predicting-companies")) for p in cited)


def test_several_real_papers_on_the_topic_give_a_paper_at_every_ideal(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four real working manuscripts on one topic (hard-wrapped Markdown, IMRaD, "Background"
    for an introduction, a subsection titled "A FracMinHash implementation ...") and two papers
    off it: the offline draft reaches every section's length target from them, with every
    other figure at its ideal."""
    assert len(SEVERAL_ON_TOPIC) == 4
    options = IngestOptions(lang="en")
    _draft_at_every_ideal(settings, monkeypatch, SEVERAL_ON_TOPIC, options, CLUSTER_TOPIC, "en")


def test_several_real_chinese_papers_on_the_topic_give_a_paper_at_every_ideal(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six real Chinese shared-task papers on one topic (converted from PDF: "背景" for related
    work, "系统" for the method, result tables lost) and two English papers off it: the offline
    Chinese draft reaches every section's length target from them, every figure at its ideal."""
    assert len(SEVERAL_ON_TOPIC_ZH) == 6
    on_topic, topic = SEVERAL_ON_TOPIC_ZH, CLUSTER_TOPIC_ZH
    _draft_at_every_ideal(settings, monkeypatch, on_topic, IngestOptions(), topic, "zh")
