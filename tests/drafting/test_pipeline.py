"""The whole pipeline headless: a small library, a project, evidence, brief, every section,
the paper; with the offline provider, with the test server over real HTTP, and via the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragcore.commands.cli import app
from ragcore.documents.paper import parse_paper
from ragcore.drafting.pipeline import draft_project, export_text, project_paper
from ragcore.drafting.projects import ProjectStore, SectionState
from ragcore.library.cards import Card, Paper, SummaryType
from ragcore.library.store import CardStore
from ragcore.settings import Settings, load_settings
from ragcore.testing import FakeOpenAIServer
from tests.drafting.conftest import server_gateway

TOPIC = "基于深度学习的图像分类方法研究"
PAYLOAD = '<script>alert("x")</script><img src=x onerror="alert(1)">'
TEXTS = {
    SummaryType.BACKGROUND: "图像分类是计算机视觉的基础任务，深度学习方法显著提高了图像分类的准确率。",
    SummaryType.CHALLENGES: "在图像分类中，未标记数据常混杂新类别，传统半监督方法无法直接处理这些新类别。",
    SummaryType.INNOVATIONS: "本文提出学习速度同步方法（LPS），通过自适应边缘损失同步已知类别和新类别的学习速度。",
    SummaryType.METHODOLOGY: "图像分类模型使用自适应边缘损失和伪标签对比聚类损失共同训练深度网络的特征提取器。",
    SummaryType.EXPEDESIGN: "图像分类实验在CIFAR-10和ImageNet-100数据集上进行，每个数据集划分已知类别和新类别。",
    SummaryType.METRIC: "图像分类的评价指标包括已知类别准确率、新类别准确率和全部类别的平均准确率。",
    SummaryType.BASELINE: "图像分类对比的基线方法包括FixMatch和ORCA，它们代表半监督学习和开放世界学习。",
    SummaryType.RESULTANALYSIS: "图像分类实验结果表明，自适应边缘损失使新类别准确率在ImageNet-100上提升3.1个百分点。",
    SummaryType.RELATEDWORK: "图像分类的相关工作包括半监督学习方法和新类别发现方法，后者用聚类识别新类别。",
    SummaryType.CONCLUSION: "图像分类研究的结论是同步学习速度能够同时提升已知类别和新类别的图像分类性能。",
}


@pytest.fixture
def home(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Two papers with a card of every type (one card carries an HTML payload)."""
    monkeypatch.setenv("RAGCORE_HOME", str(settings.home))
    monkeypatch.setenv("RAGCORE_RETRIEVAL__RELEVANCE_FLOOR", "0.0")
    monkeypatch.setenv("RAGCORE_RETRIEVAL__RELATIVE_FLOOR", "0")
    settings = load_settings()
    store = CardStore.open(settings)
    cards = [Card(paper_id="pA", summary_type=t, text=text) for t, text in TEXTS.items()]
    cards += [
        Card(
            paper_id="pB",
            summary_type=t,
            text=f"第二篇论文指出，{text}" + (PAYLOAD if t == SummaryType.METHODOLOGY else ""),
        )
        for t, text in TEXTS.items()
    ]
    store.upsert_cards(cards)
    store.upsert_paper(
        Paper(paper_id="pA", title="Learning Pace Synchronization", authors=["Bo Ye"], year=2023)
    )
    store.upsert_paper(Paper(paper_id="pB", title="Open-World Semi-Supervised Learning", year=2022))
    return settings


def test_offline_pipeline_writes_every_section_with_citations(home: Settings) -> None:
    projects = ProjectStore.from_settings(home)
    project = projects.create(TOPIC)
    outcome = draft_project(home, project)
    assert outcome.failed == [] and outcome.brief.source == "extractive"
    assert outcome.brief.method_name == "LPS"  # the acronym the evidence defines
    assert {v.status for v in outcome.sections.values()} == {"complete"}
    paper = parse_paper(export_text(project_paper(home, project), "md"))
    assert [s.heading for s in paper.sections] == ["引言", "相关工作", "方法", "实验评价", "总结"]
    assert paper.references[:2] and all(
        "Learning Pace" in r or "Open-World" in r for r in paper.references
    )
    assert paper.stats["papers_used"] == "2" and paper.stats["model"] == "offline/extractive"
    state = projects.section_state(project.project_id, "method")
    assert state.retrieved  # the retrieved ids are remembered in the project
    html = export_text(project_paper(home, project), "html").lower()
    assert "<script" not in html and "onerror" not in html


def test_excluded_cards_and_edits_are_honoured(home: Settings) -> None:
    projects = ProjectStore.from_settings(home)
    project = projects.create(TOPIC)
    draft_project(home, project, sections=["方法"])
    state = projects.section_state(project.project_id, "method")
    pb_cards = [c for c in state.retrieved if CardStore.open(home).get_card(c).paper_id == "pB"]  # type: ignore[union-attr]
    projects.set_section_state(
        project.project_id,
        SectionState(section="method", retrieved=state.retrieved, excluded=pb_cards),
    )
    edited = next(c for c in state.retrieved if c not in pb_cards)
    projects.edit_card(
        project.project_id,
        edited,
        "项目内修改：图像分类模型采用课程学习逐步加入新类别的样本进行训练。",
    )
    again = draft_project(home, project, sections=["method"]).sections["method"]
    assert not set(pb_cards) & set(again.evidence_ids)
    assert again.edited_texts == {
        edited: "项目内修改：图像分类模型采用课程学习逐步加入新类别的样本进行训练。"
    }
    assert "课程学习" in again.text


def test_drafting_uses_the_query_and_k_the_user_retrieved_with(home: Settings) -> None:
    """Evidence page "retrieve again" (another query, k=1) is what the draft is written from."""
    projects = ProjectStore.from_settings(home)
    project = projects.create(TOPIC)
    projects.set_section_state(
        project.project_id, SectionState(section="method", query="第二篇论文指出", k=1)
    )
    section = draft_project(home, project, sections=["method"]).sections["method"]
    store = CardStore.open(home)
    cards = [store.get_card(card_id) for card_id in section.evidence_ids]
    types = [card.summary_type for card in cards if card is not None]
    assert len(types) == len(set(types))  # k=1: one card of each of the section's types
    assert {card.paper_id for card in cards if card is not None} == {"pB"}  # the query's paper


def test_pipeline_over_http_keeps_one_study_in_every_section(
    home: Settings, tmp_path: Path
) -> None:
    brief = {
        "title": "学习速度同步的开放世界图像分类",
        "research_question": "如何同时学好已知类别和新类别？",
        "method_name": "PaceSync",
        "method_idea": "自适应边缘损失同步学习速度。",
        "contributions": ["分析偏差。", "提出 PaceSync。", "实验验证。"],
        "datasets": ["CIFAR-10"],
        "metrics": ["准确率"],
    }
    with FakeOpenAIServer(
        default_reply="本文提出 PaceSync 方法[1]，并在 CIFAR-10 上验证[2]。"
    ) as server:
        server.reply_next("```json\n" + json.dumps(brief, ensure_ascii=False) + "\n```")
        project = ProjectStore.from_settings(home).create(TOPIC, model="test-model")
        outcome = draft_project(
            home, project, gateway=server_gateway(server, tmp_path / "llm.yaml")
        )
        section_prompts = [r.prompt for r in server.chat_requests[1:]]
    assert outcome.brief.method_name == "PaceSync" and outcome.brief.source == "model"
    assert len(section_prompts) == 5 and all(
        "PaceSync" in p and "论文纲要" in p for p in section_prompts
    )
    assert {v.status for v in outcome.sections.values()} == {"complete"}
    assert all(
        v.model_used == "test-model" and v.brief_version == 1 for v in outcome.sections.values()
    )


def test_cli_draft_export_and_projects(home: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "paper.md"
    result = runner.invoke(
        app, ["draft", TOPIC, "--section", "方法", "-s", "Conclusion", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    parsed = parse_paper(out.read_text(encoding="utf-8"))
    bodies = {s.heading: s.body for s in parsed.sections}
    assert "（本节尚未生成）" in bodies["引言"] and "[1]" in bodies["方法"]
    listing = runner.invoke(app, ["projects"])
    project_id = listing.output.split()[0]
    bib = runner.invoke(app, ["export", project_id, "--format", "bib"])
    assert bib.exit_code == 0 and "@misc{" in bib.output
    html = runner.invoke(app, ["export", project_id, "--format", "html"])
    assert html.exit_code == 0 and html.output.startswith("<!DOCTYPE html>")
    bad = runner.invoke(app, ["export", project_id, "--format", "odt"])
    assert bad.exit_code != 0 and "unknown export format" in str(bad.exception)


def test_raw_text_is_gathered_for_the_offline_composer_only(home: Settings) -> None:
    """A model is sent the context only: its sections get no raw text, and drafting them does
    not retrieve the other sections' evidence to find the project's papers."""
    from ragcore.drafting.pipeline import prepare_sections
    from ragcore.library.records import RawChunk

    store = CardStore.open(home)
    raw = "".join(TEXTS.values())
    store.add_raw_chunks(
        [RawChunk("pA", role, role, f"{TOPIC}。{raw}") for role in ("introduction", "method")]
    )
    projects = ProjectStore.from_settings(home)
    project = projects.create(TOPIC, lang="zh")
    specs = list(projects.plan(project).sections)
    offline = prepare_sections(store, projects, project, specs, home, fill_raw=True)
    model = prepare_sections(store, projects, project, specs, home)
    assert any(p.input.raw for p in offline)
    assert {b.source for p in offline for b in p.input.raw} == {"pA"}
    assert not any(p.input.raw for p in model)
