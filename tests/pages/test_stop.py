"""Stop on the Draft page: "generate all" against a slow model server (the gateway's test
server with a per-token latency), Stop while the text streams in; the background job ends, the
text that arrived is kept as a version labelled stopped, and nothing is written afterwards."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ragcore.drafting.versions import VersionStore
from ragcore.settings import load_settings
from ragcore.testing import FakeOpenAIServer
from tests.pages.conftest import (
    assert_clean,
    create_project,
    goto,
    use_test_model,
    values,
    wait_for_job,
)

SECTIONS = ["introduction", "related_work", "method", "experiments", "conclusion"]
# Cites [1] only: every section with evidence has a first source, not always a second.
REPLY = "本文的方法基于自适应边缘损失[1]，并结合伪标签对比聚类。" * 40  # ~1200 tokens


@pytest.fixture
def slow_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    # 20 ms a token: a section takes ~25 s to arrive in full, so Stop lands mid-stream.
    with FakeOpenAIServer(token_latency=0.02, default_reply=REPLY) as server:
        use_test_model(server, tmp_path, monkeypatch)
        yield server


def wait_for_streamed_text(project_id: str, timeout_s: float = 60) -> None:
    from studio.jobs import job_for

    deadline = time.monotonic() + timeout_s
    while True:
        job = job_for(project_id)
        assert job is not None and job.running, "the job ended before Stop"
        if any(len(text) > 20 for text in job.snapshot()[1].values()):
            return
        assert time.monotonic() < deadline, "no text streamed in"
        time.sleep(0.05)


@pytest.mark.usefixtures("every_card_relevant")
def test_stop_keeps_the_partial_text_labelled_stopped(
    app: AppTest, slow_server: FakeOpenAIServer
) -> None:
    project_id = create_project(app, "基于深度学习的图像分类方法研究")
    goto(app, "draft")
    app.selectbox(key="draft_model").set_value("test-model").run()
    slow_server.reply_next("不是纲要")  # the brief comes first: a short, unreadable answer
    app.button(key="draft_generate_all").click().run()
    assert_clean(app)
    stop = app.button(key="draft_stop")
    assert not stop.disabled and app.button(key="draft_generate_all").disabled

    wait_for_streamed_text(project_id)
    app.run()  # the live view names each section's real state and the time elapsed
    shown = "\n".join(values(app.markdown))
    assert "写作中" in shown and "秒" in shown, shown
    assert any("已用" in s.label for s in app.status), [s.label for s in app.status]
    stop.click().run()
    assert_clean(app)
    wait_for_job(app, project_id, timeout_s=30)

    store = VersionStore.from_settings(load_settings())
    attempts = [v for key in SECTIONS if (v := store.latest_attempt(project_id, key))]
    assert attempts, "the sections that were streaming are kept"
    for version in attempts:
        assert version.status == "stopped", (version.section, version.status, version.message)
        assert 0 < len(version.text) < len(REPLY)  # partial: what arrived before Stop
        assert REPLY.startswith(version.text)
        assert store.current(project_id, version.section) == version  # usable, shown
    # The page labels each kept text as stopped, and the buttons work again.
    warnings = values(app.warning)
    assert sum("已被用户停止" in w for w in warnings) == len(attempts), warnings
    assert "⏹️ 已停止" in "\n".join(values(app.caption))
    assert app.button(key="draft_stop").disabled
    assert not app.button(key="draft_generate_all").disabled
    # Nothing more is written once the job has ended.
    requests = len(slow_server.chat_requests)
    time.sleep(0.5)
    assert len(slow_server.chat_requests) == requests
    assert [store.latest_attempt(project_id, v.section) for v in attempts] == attempts


@pytest.mark.usefixtures("every_card_relevant")
def test_a_project_being_drafted_is_not_deleted(
    app: AppTest, slow_server: FakeOpenAIServer
) -> None:
    from ragcore.drafting.projects import ProjectStore

    project_id = create_project(app, "基于深度学习的图像分类方法研究")
    goto(app, "draft")
    app.selectbox(key="draft_model").set_value("test-model").run()
    slow_server.reply_next("不是纲要")  # the brief comes first: a short, unreadable answer
    app.button(key="draft_generate_all").click().run()
    wait_for_streamed_text(project_id)
    goto(app, "home")
    app.checkbox(key="home_delete_confirm").check().run()
    app.button(key="home_delete").click().run()
    assert any("stop it on Draft" in e or "先在「草稿」页停止" in e for e in values(app.error))
    assert ProjectStore.from_settings(load_settings()).get(project_id).project_id == project_id
    goto(app, "draft")
    app.button(key="draft_stop").click().run()
    wait_for_job(app, project_id, timeout_s=30)
