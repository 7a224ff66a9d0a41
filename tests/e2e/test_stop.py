"""Stop in a real browser: "generate all" against a slow model server (the gateway's test
server, 20 ms a token), the text streaming into the Draft page, a click on Stop; the job ends,
each section keeps the text that arrived and the page labels it as stopped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ragcore.drafting.versions import VersionStore
from ragcore.testing import FakeOpenAIServer
from tests.e2e.conftest import StudioServer, studio_with_model
from tests.e2e.studio import (
    choose,
    click_button,
    go,
    keyed,
    no_traceback,
    open_app,
    screenshot,
    wait_idle,
    wait_until,
)

SECTIONS = ["introduction", "related_work", "method", "experiments", "conclusion"]
# Cites [1] only: every section with evidence has a first source, not always a second.
REPLY = "本文的方法基于自适应边缘损失[1]，并结合伪标签对比聚类。" * 40  # ~25 s a section


@pytest.fixture(scope="module")
def slow_model() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(token_latency=0.02, default_reply=REPLY) as server:
        yield server


@pytest.fixture(scope="module")
def studio(
    tmp_path_factory: pytest.TempPathFactory, slow_model: FakeOpenAIServer
) -> Iterator[StudioServer]:
    with studio_with_model(tmp_path_factory.mktemp("stop"), slow_model, timeout=60) as server:
        yield server


def test_stop_keeps_the_streamed_text(
    studio: StudioServer, page: Any, slow_model: FakeOpenAIServer
) -> None:
    open_app(page, studio.url)
    keyed(page, "home_new_topic").locator("textarea").fill("基于深度学习的图像分类方法研究")
    click_button(page, "home_create")
    project_id = str(page.url).split("project=")[1].split("&")[0]
    go(page, "草稿")
    choose(page, "draft_model", "test-model")
    slow_model.reply_next("不是纲要")  # the brief first: a short, unreadable answer
    keyed(page, "draft_generate_all").locator("button").click()
    streaming = page.get_by_text("自适应边缘损失").first  # the live view shows the text arriving
    streaming.wait_for(timeout=60_000)
    stop = keyed(page, "draft_stop").locator("button")
    assert stop.is_enabled()
    stop.click()

    versions = VersionStore(studio.home / "ragcore.sqlite3")

    def attempts() -> list[Any]:
        return [v for k in SECTIONS if (v := versions.latest_attempt(project_id, k))]

    wait_until(
        page, lambda: keyed(page, "draft_generate_all").locator("button").is_enabled(),
        timeout_s=60, what="the job to end after Stop",
    )  # fmt: skip
    wait_idle(page)
    kept = attempts()
    assert kept, "the sections that were streaming are kept"
    for version in kept:
        assert version.status == "stopped", (version.section, version.status, version.message)
        assert 0 < len(version.text) < len(REPLY) and REPLY.startswith(version.text)
    page.reload()
    wait_idle(page)
    labelled = page.get_by_text("已被用户停止，保留了已生成的文字")
    assert labelled.count() == len(kept)
    screenshot(page, "draft-stopped")
    no_traceback(page)
