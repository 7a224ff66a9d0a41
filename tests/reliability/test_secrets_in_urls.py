"""Issue 17.7: a password or key inside `api_base` never reaches output, records or exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragcore.testing import FakeOpenAIServer
from ragcore.testing.openai_server import Behaviour
from tests.reliability.conftest import free_port, llm_config, run_cli

pytestmark = pytest.mark.server

PASSWORD = "pw-Zq81-never-print"
QUERY_KEY = "qk-77AA-never-print"
TOPIC = "大语言模型微调"


def _leaks(text: str) -> list[str]:
    return [secret for secret in (PASSWORD, QUERY_KEY) if secret in text]


@pytest.mark.parametrize("where", ["answering-500", "unreachable"])
def test_url_secrets_are_scrubbed_everywhere(library: Path, tmp_path: Path, where: str) -> None:
    with FakeOpenAIServer() as server:
        server.always(Behaviour.error(500))
        port = server.port if where == "answering-500" else free_port()
        base = f"http://alice:{PASSWORD}@127.0.0.1:{port}/v1?api_key={QUERY_KEY}&v=1"
        config = llm_config(tmp_path / "llm.yaml", server.base_url, api_base=base, timeout=2)
        env = {"RAGCORE_LLM_CONFIG": str(config), "RAGCORE_MODEL": "test-model"}
        out = tmp_path / "paper.md"
        runs = [
            run_cli(library, "draft", TOPIC, "-o", str(out), env=env),
            run_cli(library, "chat", "test-model", "hello", env=env),
            run_cli(library, "models", env=env),
        ]
        project = next(line for line in runs[0].err.splitlines() if line.startswith("project "))
        project_id = project.split()[1]
        for fmt in ("md", "html"):
            runs.append(run_cli(library, "export", project_id, "-f", fmt, env=env))
    assert "***@127.0.0.1" in runs[0].err  # the server is still named, without its password
    for run in runs:
        assert _leaks(run.text) == [], run.text[-600:]
    stored = b"".join(p.read_bytes() for p in library.rglob("*") if p.is_file())
    assert _leaks(stored.decode("utf-8", "replace")) == []
    assert _leaks(out.read_text(encoding="utf-8")) == []
