"""Issue 17.3-17.6: model faults during `ragcore draft`, run as a real process against the
OpenAI-compatible test server: cut streams, streams with no finish reason, stalls, failed briefs,
fallbacks mid-stream, and a draft killed by SIGKILL then resumed."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ragcore.drafting.projects import ProjectStore
from ragcore.drafting.versions import SectionVersion, VersionStore
from ragcore.settings import load_settings
from ragcore.testing import FakeOpenAIServer
from ragcore.testing.openai_server import Behaviour
from tests.reliability.conftest import finish, llm_config, run_cli, start_cli

pytestmark = pytest.mark.server

TOPIC = "大语言模型微调"
SECTIONS = ["introduction", "related_work", "method", "experiments", "conclusion"]
# Sentences that end properly: a cut after a sentence end looks finished unless we check.
REPLY = "本文研究大语言模型的微调方法 [1]。我们比较了多种策略 [2]。结果表明该方法有效 [1]。" * 3


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(default_reply=REPLY) as running:
        yield running


def _env(tmp_path: Path, server: FakeOpenAIServer, **options: object) -> dict[str, str]:
    config = llm_config(tmp_path / "llm.yaml", server.base_url, **options)  # type: ignore[arg-type]
    return {"RAGCORE_LLM_CONFIG": str(config), "RAGCORE_MODEL": "test-model"}


def _history(home: Path) -> dict[str, list[SectionVersion]]:
    settings = load_settings(home=home, embedder="fake")
    (project,) = ProjectStore.from_settings(settings).list_projects()
    versions = VersionStore.from_settings(settings)
    return {key: versions.history(project.project_id, key) for key in SECTIONS}


def test_stream_without_finish_reason_is_incomplete_and_continued(
    library: Path, tmp_path: Path, server: FakeOpenAIServer
) -> None:
    server.always(Behaviour.nofinish(12))
    run = run_cli(library, "draft", TOPIC, "-s", "method", env=_env(tmp_path, server))
    (version,) = _history(library)["method"]
    assert version.status == "incomplete" and "without a finish reason" in version.message
    assert version.text and version.continuations == 2  # continued as for `length`
    assert version.finish_reason == "cut"
    assert "method: incomplete" in run.err


def test_cut_stream_is_continued_to_a_complete_section(
    library: Path, tmp_path: Path, server: FakeOpenAIServer
) -> None:
    server.script(Behaviour.reply('{"title": "x"}'), Behaviour.nofinish(6))
    run_cli(library, "draft", TOPIC, "-s", "method", env=_env(tmp_path, server))
    (version,) = _history(library)["method"]
    assert version.status == "complete" and version.continuations == 1
    assert version.text.startswith(REPLY[:10])


@pytest.mark.parametrize(
    "fault",
    [Behaviour.error(500), Behaviour.error(401), Behaviour.malformed(), Behaviour.hang(30)],
    ids=["500", "401", "malformed", "hang"],
)
def test_failed_brief_falls_back_and_every_section_is_attempted(
    library: Path, tmp_path: Path, server: FakeOpenAIServer, fault: Behaviour
) -> None:
    server.always(fault)
    out = tmp_path / "paper.md"
    run = run_cli(library, "draft", TOPIC, "-o", str(out), env=_env(tmp_path, server, timeout=2))
    assert run.code == 1  # sections failed: a distinct exit, not a crash
    assert "fell back to the offline one" in run.err and "Traceback" not in run.text
    history = _history(library)
    assert all(len(history[key]) == 1 for key in SECTIONS)  # every section attempted
    assert all(v[0].status == "failed" and v[0].message for v in history.values())
    assert out.read_text(encoding="utf-8").count("本节生成失败") == len(SECTIONS)


@pytest.mark.parametrize(
    "fault",
    [Behaviour.cut(8), Behaviour.nofinish(8), Behaviour.stall(8, seconds=30)],
    ids=["cut", "nofinish", "stall"],
)
def test_fallback_covers_failures_mid_stream(
    library: Path, tmp_path: Path, server: FakeOpenAIServer, fault: Behaviour
) -> None:
    server.always(fault)
    env = _env(tmp_path, server, fallbacks=True, timeout=2)
    run = run_cli(library, "draft", TOPIC, "-s", "method", "-s", "conclusion", env=env)
    assert run.code == 0, run.err[-800:]
    for key in ("method", "conclusion"):
        failed, fallback = _history(library)[key]
        assert failed.status == "incomplete" and failed.text  # the partial text is a version
        assert failed.finish_reason == "cut" and failed.model_used == "test-model"
        assert fallback.status == "complete" and fallback.origin == "extractive"


def test_killed_draft_keeps_partial_text_and_resumes(library: Path, tmp_path: Path) -> None:
    slow_reply = REPLY * 4
    # Tokens come every 50 ms: the first two sections take seconds, the method half a minute.
    with FakeOpenAIServer(default_reply=slow_reply, token_latency=0.05) as server:
        env = _env(tmp_path, server) | {"RAGCORE_DRAFTING__CONCURRENCY": "1"}
        server.script(
            Behaviour.reply('{"title": "x"}'), Behaviour.reply(REPLY), Behaviour.reply(REPLY)
        )
        draft = start_cli(library, "draft", TOPIC, **env)
        settings = load_settings(home=library, embedder="fake")
        deadline = time.monotonic() + 120
        partial: SectionVersion | None = None
        while time.monotonic() < deadline and partial is None and draft.poll() is None:
            time.sleep(0.3)
            try:
                projects = ProjectStore.from_settings(settings).list_projects()
            except Exception:  # the database is being created
                continue
            if projects:
                history = VersionStore.from_settings(settings).history(
                    projects[0].project_id, "method"
                )
                partial = next((v for v in history if v.status == "partial"), None)
        assert partial is not None, finish(draft, 5).err[-800:]
        os.kill(draft.pid, signal.SIGKILL)
        draft.wait(timeout=30)
        before = _history(library)
        assert [v.status for v in before["introduction"]] == ["complete"]
        assert [v.status for v in before["method"]] == ["partial"] and before["method"][0].text
        server.token_latency = 0.0
        project_id = before["method"][0].project_id
        run = run_cli(library, "draft", "--project", project_id, "--resume", env=env)
    assert run.code == 0, run.err[-800:]
    assert (
        "resuming" in run.err and "introduction" not in run.err.split("resuming")[1].split("\n")[0]
    )
    after = _history(library)
    assert after["introduction"] == before["introduction"]  # finished sections untouched
    assert after["related_work"] == before["related_work"]
    for key in ("method", "experiments", "conclusion"):
        assert after[key][-1].status == "complete"
    assert after["method"][0].status == "partial"  # the killed attempt's text is kept
