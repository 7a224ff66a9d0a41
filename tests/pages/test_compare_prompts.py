"""Compare: generate the same section with two prompt versions (the shipped default and a saved
override) through the test server, see them side by side with the prompt version each used, and
the version in use on Prompts stays as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ragcore.drafting.versions import VersionStore
from ragcore.llm.prompts import PromptLibrary
from ragcore.settings import load_settings
from ragcore.testing import FakeOpenAIServer
from tests.pages.conftest import (
    assert_clean,
    create_project,
    generate_all,
    goto,
    use_test_model,
    values,
    wait_for_job,
)

TEMPLATE = "section/method"


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(default_reply="本节方法采用自适应边缘损失[1]。") as running:
        use_test_model(running, tmp_path, monkeypatch)
        yield running


def generate_with(app: AppTest, project_id: str, model: str, prompt_version: int) -> None:
    app.selectbox(key="compare_model").set_value(model)
    app.selectbox(key="compare_prompt_version").set_value(prompt_version)
    app.button(key="compare_generate").click().run()
    assert_clean(app)
    wait_for_job(app, project_id)


@pytest.mark.usefixtures("every_card_relevant")
def test_generate_one_section_with_two_prompt_versions(
    app: AppTest, server: FakeOpenAIServer
) -> None:
    project_id = create_project(app, "基于深度学习的图像分类方法研究")
    generate_all(app, project_id)  # offline: a brief and a first version of every section
    library = PromptLibrary.from_settings(load_settings())
    body = library.default(TEMPLATE).body
    library.save(TEMPLATE, "MARKER-ONE\n" + body)
    library.save(TEMPLATE, "MARKER-TWO\n" + body)  # version 2 is in use

    goto(app, "compare")
    app.selectbox(key="compare_section").set_value("method").run()
    choice = app.selectbox(key="compare_prompt_version")
    assert choice.options == ["0 · 默认 · " + library.default(TEMPLATE).content_hash[:8]] + [
        f"{v.version} · {v.saved_at} · {v.content_hash[:8]}"
        + ("（使用中）" if v.version == 2 else "")
        for v in library.versions(TEMPLATE)
    ]
    assert choice.value == 2  # the version in use is preselected

    generate_with(app, project_id, "test-model", 1)
    assert "MARKER-ONE" in server.chat_requests[-1].prompt
    assert "MARKER-TWO" not in server.chat_requests[-1].prompt
    generate_with(app, project_id, "test-model", 0)
    assert "MARKER" not in server.chat_requests[-1].prompt

    history = VersionStore.from_settings(load_settings()).history(project_id, "method")
    one, default = history[-2:]
    assert (one.model_used, one.template_version) == ("test-model", 1)
    assert one.template_hash == library.version(TEMPLATE, 1).content_hash
    assert (default.template_version, default.template_hash) == (
        0,
        library.default(TEMPLATE).content_hash,
    )
    assert library.get(TEMPLATE).version == 2  # the version in use did not change

    # Side by side: the newest two, each naming the prompt version it was written with.
    assert app.selectbox(key="compare_left").value == one.version_id
    assert app.selectbox(key="compare_right").value == default.version_id
    captions = "\n".join(values(app.caption))
    assert f"{TEMPLATE} v1 · {one.template_hash[:8]}" in captions
    assert f"{TEMPLATE} v0 · {default.template_hash[:8]}" in captions
