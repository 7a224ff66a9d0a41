"""Writing a section with a chosen prompt version (the shipped default or a saved override)
instead of the one in use, as Compare does: the model receives that version's rendered prompt,
the section version records it, and the version in use does not change."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from ragcore.drafting.pipeline import draft_project
from ragcore.drafting.projects import ProjectStore
from ragcore.drafting.versions import SectionVersion, VersionStore
from ragcore.drafting.writer import SectionWriter
from ragcore.library.cards import Card, SummaryType
from ragcore.library.store import CardStore
from ragcore.llm.prompts import PromptError, PromptLibrary
from ragcore.retrieval.sectionplan import SectionPlan
from ragcore.settings import Settings, load_settings
from ragcore.testing import FakeOpenAIServer
from tests.drafting.conftest import request, section_input, server_gateway

WriterFactory = Callable[..., SectionWriter]
TEMPLATE = "section/method"


def save_marked_versions(library: PromptLibrary) -> None:
    """Two saved overrides of the method template, each carrying its own marker; v2 in use."""
    body = library.default(TEMPLATE).body
    library.save(TEMPLATE, "MARKER-ONE\n" + body)
    library.save(TEMPLATE, "MARKER-TWO\n" + body)


def test_the_model_receives_the_chosen_version_and_the_one_in_use_stays(
    make_writer: WriterFactory,
    plan: SectionPlan,
    server: FakeOpenAIServer,
    settings: Settings,
    tmp_path: Path,
) -> None:
    library = PromptLibrary.from_settings(settings)
    save_marked_versions(library)
    writer = make_writer(server_gateway(server, tmp_path / "llm.yaml"))
    wanted = request("test-model")
    wanted.prompt_versions = {TEMPLATE: 1}

    first = writer.write(wanted, section_input(plan, "method"))
    assert "MARKER-ONE" in server.chat_requests[-1].prompt
    assert "MARKER-TWO" not in server.chat_requests[-1].prompt
    assert first.template_version == 1
    assert first.template_hash == library.version(TEMPLATE, 1).content_hash

    wanted.prompt_versions = {TEMPLATE: 0}  # the shipped default
    default = writer.write(wanted, section_input(plan, "method"))
    assert "MARKER" not in server.chat_requests[-1].prompt
    assert (default.template_version, default.template_hash) == (
        0,
        library.default(TEMPLATE).content_hash,
    )

    in_use = writer.write(request("test-model"), section_input(plan, "method"))
    assert "MARKER-TWO" in server.chat_requests[-1].prompt  # no choice: the version in use
    assert in_use.template_version == 2
    assert library.get(TEMPLATE).version == 2  # choosing a version changed nothing in use


@pytest.fixture
def home(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A library with one card of each of the method section's types."""
    monkeypatch.setenv("RAGCORE_HOME", str(settings.home))
    monkeypatch.setenv("RAGCORE_RETRIEVAL__RELEVANCE_FLOOR", "0.0")
    monkeypatch.setenv("RAGCORE_RETRIEVAL__RELATIVE_FLOOR", "0")
    settings = load_settings()
    texts = {
        SummaryType.CHALLENGES: "图像分类中未标记数据常混杂新类别，传统半监督方法无法处理。",
        SummaryType.METHODOLOGY: "图像分类模型使用自适应边缘损失训练深度网络的特征提取器。",
        SummaryType.INNOVATIONS: "本文提出学习速度同步方法，同步已知类别和新类别的学习速度。",
    }
    CardStore.open(settings).upsert_cards(
        [Card(paper_id="pA", summary_type=kind, text=text) for kind, text in texts.items()]
    )
    return settings


def test_draft_project_records_the_chosen_version(home: Settings) -> None:
    library = PromptLibrary.from_settings(home)
    save_marked_versions(library)
    project = ProjectStore.from_settings(home).create("基于深度学习的图像分类方法研究")
    outcome = draft_project(home, project, sections=["method"], prompt_versions={TEMPLATE: 1})
    method = outcome.sections["method"]
    assert (method.template_id, method.template_version) == (TEMPLATE, 1)
    assert method.template_hash == library.version(TEMPLATE, 1).content_hash
    assert library.get(TEMPLATE).version == 2


def test_an_unknown_version_is_refused_before_any_work(home: Settings) -> None:
    project = ProjectStore.from_settings(home).create("基于深度学习的图像分类方法研究")
    with pytest.raises(PromptError, match="has no saved version 7"):
        draft_project(home, project, sections=["method"], prompt_versions={TEMPLATE: 7})
    assert VersionStore.from_settings(home).history(project.project_id, "method") == []


def test_an_older_database_gains_the_template_version_column(tmp_path: Path) -> None:
    db_path = tmp_path / "old.sqlite3"
    with sqlite3.connect(db_path) as conn:  # the table as it was before template_version
        conn.execute(
            "CREATE TABLE section_versions (version_id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "project_id TEXT NOT NULL, section TEXT NOT NULL, text TEXT NOT NULL, "
            "origin TEXT NOT NULL, status TEXT NOT NULL, message TEXT NOT NULL DEFAULT '', "
            "model_used TEXT NOT NULL DEFAULT '', template_id TEXT NOT NULL DEFAULT '', "
            "template_hash TEXT NOT NULL DEFAULT '', prompt_hash TEXT NOT NULL DEFAULT '', "
            "evidence_ids TEXT NOT NULL DEFAULT '[]', edited_texts TEXT NOT NULL DEFAULT '{}', "
            "citation_keys TEXT NOT NULL DEFAULT '{}', review TEXT NOT NULL DEFAULT '{}', "
            "brief_version INTEGER, tokens_in INTEGER NOT NULL DEFAULT 0, "
            "tokens_out INTEGER NOT NULL DEFAULT 0, latency_s REAL NOT NULL DEFAULT 0, "
            "finish_reason TEXT NOT NULL DEFAULT '', cost_usd REAL, "
            "continuations INTEGER NOT NULL DEFAULT 0, based_on INTEGER, "
            "created_at TEXT NOT NULL)"
        )
        conn.execute(
            "INSERT INTO section_versions (project_id, section, text, origin, status, "
            "created_at) VALUES ('p1', 'method', '旧的文本。', 'generated', 'complete', 'then')"
        )
    store = VersionStore(db_path)
    old = store.history("p1", "method")
    assert [(v.text, v.template_version) for v in old] == [("旧的文本。", None)]
    new = store.save(SectionVersion("p1", "method", "新的。", template_version=3))
    assert store.get(new.version_id).template_version == 3
