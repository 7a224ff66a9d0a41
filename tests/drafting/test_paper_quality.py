"""Issue 13.3 with the offline model on a real store (Chroma, the `fake` embedder): weak
evidence is a backup and says so outside the text, the offline plan covers the whole paper
(each sentence once, by role, whole sentences, the paper's language), a section without
evidence is written with a warning, the brief comes from on-topic evidence, and the hand-edit
check uses exactly the evidence the section was written from."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest
from typer.testing import CliRunner

from ragcore.commands.cli import app
from ragcore.documents.paper import parse_paper
from ragcore.drafting.brief import save_brief
from ragcore.drafting.notes import DraftNote
from ragcore.drafting.pipeline import draft_project, export_text, project_paper
from ragcore.drafting.projects import Project, ProjectStore
from ragcore.drafting.review import review_hand_edit
from ragcore.drafting.section_evidence import project_section
from ragcore.library.cards import Card, Paper, SummaryType
from ragcore.library.store import CardStore
from ragcore.llm.composer import sentence_fingerprint
from ragcore.retrieval.notes import ContextNote
from ragcore.settings import Settings, load_settings
from ragcore.testing import FakeOpenAIServer
from ragcore.text import cjk_count, split_sentences
from ragcore.wording import codes_of, describe
from tests.drafting.conftest import BRIEF, server_gateway

TOPIC = "contrastive learning for text-video retrieval"
T = SummaryType
ENGLISH = {
    T.BACKGROUND: "Text-video retrieval matches natural language queries with the video clips "
    "that show them. Large video collections make manual search impractical for users.",
    T.CHALLENGES: "Videos carry far more frames than a caption carries words, so the two "
    "modalities are hard to align. Redundant frames also dilute the similarity signal.",
    T.INNOVATIONS: "The paper proposes a normalized contrastive loss that balances the "
    "retrieval probability of every video. It removes the bias toward hub videos.",
    T.METHODOLOGY: "The method encodes each frame with a CLIP image encoder and pools the frame "
    "features with attention. A Sinkhorn step normalizes the similarity matrix during training.",
    T.EXPEDESIGN: "Experiments are run on the MSR-VTT and DiDeMo datasets with their standard "
    "splits. Table 2 reports SQA, ALL, SEQ and ALLd for every model.",
    T.METRIC: "Retrieval quality is measured by Recall@1, Recall@5 and the median rank. Higher "
    "recall means that more queries find their video at the top of the list.",
    T.BASELINE: "The baselines are CLIP4Clip and X-Pool, two strong CLIP based retrieval models. "
    "Both are trained with the standard symmetric contrastive loss.",
    T.RESULTANALYSIS: "The normalized loss improves Recall@1 by 2.3 points on MSR-VTT over "
    "CLIP4Clip. The gain is largest for queries that describe rare actions.",
    T.RELATEDWORK: "Earlier work aligned videos and texts with recurrent encoders trained from "
    "scratch. Recent work transfers image-text models such as CLIP to video.",
    T.CONCLUSION: "Normalizing the contrastive objective makes text-video retrieval fairer "
    "across videos. Future work will study longer videos and audio.",
}
# Extraction debris and a Chinese card of the same paper: the offline English paper uses none.
DEBRIS = (
    "t al., 2020), Deng et al. used frame sampling for retrieval models.\n"
    "• the encoder is shared across all modalities in this setting.\n"
    "Several systems project different modalities features to"
)
CHINESE = "文本视频检索把自然语言查询与视频片段相匹配，对比学习是当前的主流方法。"


@pytest.fixture
def home(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("RAGCORE_HOME", str(settings.home))
    monkeypatch.setenv("RAGCORE_RETRIEVAL__RELEVANCE_FLOOR", "0.0")
    monkeypatch.setenv("RAGCORE_RETRIEVAL__RELATIVE_FLOOR", "0")
    settings = load_settings()
    store = CardStore.open(settings)
    cards = [Card(paper_id="nce", summary_type=t, text=text) for t, text in ENGLISH.items()]
    cards.append(Card(paper_id="deb", summary_type=T.RELATEDWORK, text=DEBRIS))
    cards.append(Card(paper_id="zhv", summary_type=T.BACKGROUND, text=CHINESE))
    store.upsert_cards(cards)
    store.upsert_paper(
        Paper(paper_id="nce", title="Normalized Contrastive Learning", authors=["A. Park"])
    )
    return settings


def _sentences(text: str) -> list[str]:
    return [s for line in text.splitlines() if line.strip() for s in split_sentences(line)]


def test_the_offline_paper_uses_each_whole_english_sentence_once(home: Settings) -> None:
    projects = ProjectStore.from_settings(home)
    project = projects.create(TOPIC, lang="en")
    outcome = draft_project(home, project)
    assert not outcome.nothing_written
    texts = {key: v.text for key, v in outcome.sections.items()}
    everything = [s for text in texts.values() for s in _sentences(text)]
    fingerprints = [sentence_fingerprint(s) for s in everything]
    assert len(fingerprints) == len(set(fingerprints)), "a sentence appears twice"
    assert all(cjk_count(text) == 0 for text in texts.values())  # English evidence only
    joined = " ".join(texts.values())
    assert "t al." not in joined and "•" not in joined and "features to" not in joined
    assert all(s.rstrip("]0123456789[, ").endswith((".", "!", "?")) for s in everything)
    # Each sentence sits in the section whose role fits it.
    assert "median rank" in texts["experiments"] and "Sinkhorn" in texts["method"]
    assert "Future work" in texts["conclusion"] and "recurrent encoders" in texts["related_work"]
    experiments = outcome.sections["experiments"]
    assert DraftNote.SHORT in codes_of(experiments.checks.warnings)
    intro_notes = outcome.sections["introduction"].checks.warnings
    assert DraftNote.OTHER_LANGUAGE in codes_of(intro_notes)
    paper = export_text(project_paper(home, project), "md")
    assert "short:" not in paper and "[?]" not in paper and "[nce]" not in paper
    # The brief: datasets named as datasets, never the table's column acronyms.
    assert outcome.brief.datasets[:2] == ["MSR-VTT", "DiDeMo"]
    assert not {"SQA", "ALL", "SEQ", "ALLd"} & set(outcome.brief.datasets + outcome.brief.metrics)
    assert "Recall@1" in outcome.brief.metrics


def _every_card_weak(
    monkeypatch: pytest.MonkeyPatch, lang: Literal["zh", "en"]
) -> tuple[Settings, CardStore, ProjectStore, Project]:
    monkeypatch.setenv("RAGCORE_RETRIEVAL__RELEVANCE_FLOOR", "1.0")  # every card is weak
    settings = load_settings()
    store, projects = CardStore.open(settings), ProjectStore.from_settings(settings)
    return settings, store, projects, projects.create(TOPIC, lang=lang)


def test_weak_evidence_is_a_backup_and_says_so_outside_the_paper(
    home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, store, projects, project = _every_card_weak(monkeypatch, "en")
    section = project_section(store, projects, project, "method", settings=settings)
    assert not any(item.included for item in section.evidence.items)  # all backups, off
    assert 0 < len(section.built.items) <= 3  # written from the nearest cards ...
    assert ContextNote.WEAK_SECTION in codes_of(section.built.warnings)  # ... said so
    switched_on = section.evidence.by_type(T.METHODOLOGY)[0].evidence_id
    state = section.state.model_copy(deep=True)
    state.set_included(switched_on, True)
    projects.set_section_state(project.project_id, state)
    chosen = project_section(store, projects, project, "method", settings=settings)
    assert [i.evidence_id for i in chosen.built.items] == [switched_on]
    assert ContextNote.WEAK_SECTION not in codes_of(chosen.built.warnings)

    outcome = draft_project(settings, project)
    assert outcome.brief.datasets == [] and outcome.brief.metrics == []  # no on-topic evidence
    intro = outcome.sections["introduction"]
    assert ContextNote.WEAK_SECTION in codes_of(intro.checks.warnings)
    assert any(line.startswith("weak evidence") for line in intro.checks.lines("en"))
    body = export_text(project_paper(settings, project), "md")
    with_review = export_text(project_paper(settings, project, review_appendix=True), "md")
    assert "weak evidence" not in body and "weak evidence" in with_review


def test_a_chinese_paper_notes_its_weak_evidence_in_chinese(
    home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The section's notes reach the review appendix in the paper's language (and Draft in
    the interface language): a Chinese paper's notes are worded in Chinese."""
    settings, store, projects, project = _every_card_weak(monkeypatch, "zh")
    built = project_section(store, projects, project, "method", settings=settings).built
    warnings = [describe(w, built.lang) for w in built.warnings]
    assert any(w.startswith("证据较弱：本节没有高于相关性阈值的卡片") for w in warnings)
    assert any(w.startswith("方法：没有高于相关性阈值的卡片") for w in warnings)
    assert not any("relevance floor" in w for w in warnings)
    with_review = export_text(project_paper(settings, project, review_appendix=True), "md")
    assert "relevance floor" not in with_review


def test_draft_exits_zero_with_warnings_and_non_zero_only_when_nothing_is_written(
    home: Settings,
) -> None:
    runner = CliRunner()
    # No Background/Challenges/Innovations card in Chinese: the Chinese paper's introduction
    # has no evidence of its own, yet the paper is written, with a warning.
    store = CardStore.open(home)
    zh = [
        (T.METHODOLOGY, "本文方法先用图像编码器提取每一帧的特征，再用注意力机制汇聚帧特征。"),
        (T.EXPEDESIGN, "实验在两个公开的文本视频检索数据集上进行，并采用标准的数据划分方式。"),
        (T.CONCLUSION, "归一化的对比学习目标让文本视频检索对所有视频都更加公平，效果更好。"),
    ]
    store.upsert_cards([Card(paper_id="zhm", summary_type=t, text=x) for t, x in zh])
    result = runner.invoke(app, ["draft", "文本视频检索中的对比学习方法"])
    assert result.exit_code == 0, result.output
    assert "没有可用的证据" in result.stderr or "没有自己的证据" in result.stderr


def test_a_section_without_evidence_in_the_paper_language_is_written_from_the_brief(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An English paper from a library with only Chinese evidence: the offline model uses
    evidence in the paper's language only, so the section is written from the brief, the
    review says so, and `ragcore draft` still exits 0."""
    monkeypatch.setenv("RAGCORE_HOME", str(settings.home))
    monkeypatch.setenv("RAGCORE_RETRIEVAL__RELEVANCE_FLOOR", "0.0")
    monkeypatch.setenv("RAGCORE_RETRIEVAL__RELATIVE_FLOOR", "0")
    store = CardStore.open(load_settings())
    store.upsert_cards([Card(paper_id="zhv", summary_type=T.RELATEDWORK, text=CHINESE)])
    result = CliRunner().invoke(app, ["draft", TOPIC, "--lang", "en", "-s", "Related Work"])
    assert result.exit_code == 0, result.output
    assert "written from the paper brief only" in result.stderr
    assert cjk_count(result.stdout) == 0


def test_draft_fails_only_when_no_section_got_any_text(home: Settings, tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        gateway = server_gateway(server, tmp_path / "llm.yaml")
        projects = ProjectStore.from_settings(home)
        project = projects.create(TOPIC, lang="en", model="test-model")
        save_brief(projects, project.project_id, BRIEF)
        server.reply_next("Text-video retrieval matches queries with clips [1].")
        one = draft_project(home, project, sections=["method"], gateway=gateway)
        assert not one.nothing_written
        server.fail_next(20, status=500)
        failing = draft_project(home, project, sections=["method", "conclusion"], gateway=gateway)
    assert failing.failed == ["method", "conclusion"] and failing.nothing_written


def test_the_hand_edit_check_uses_the_evidence_the_section_was_written_from(
    home: Settings,
) -> None:
    projects = ProjectStore.from_settings(home)
    project = projects.create(TOPIC, lang="en")
    note = "Our own runs show that ResNet-50 features reach 41.7 Recall@1 on MSR-VTT."
    projects.add_note(project.project_id, "method", note, T.METHODOLOGY)
    version = draft_project(home, project, sections=["method"]).sections["method"]
    assert note in version.evidence_texts  # the note is part of what the section used
    edited = (
        version.text + "\n\nWith ResNet-50 the model reaches 41.7 Recall@1 [1]. "
        "FooNet-9 gains 94.2% and 3.7x speed-up over BarNet-2 [1]."
    )
    review = review_hand_edit(version, edited)
    flagged = {flag.claim for flag in review.unsupported}
    assert {"ResNet-50", "41.7"}.isdisjoint(flagged)  # in the user's own note: supported
    assert {"FooNet-9", "94.2%", "BarNet-2"} <= flagged
    lines = [line for line in review.lines("en") if line.startswith("not in the evidence")]
    assert len(lines) == 1 and "FooNet-9" in lines[0] and "94.2%" in lines[0]


def test_exported_paper_parses(home: Settings) -> None:
    project = ProjectStore.from_settings(home).create(TOPIC, lang="en")
    draft_project(home, project)
    parsed = parse_paper(export_text(project_paper(home, project), "md"))
    assert parsed.references and all(r != "nce" for r in parsed.references)
