"""Helpers for the reliability suite: real `ragcore` processes on a shared home folder, a
`chroma run` server that can be killed by PID, and the OpenAI-compatible test server."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a `ragcore` child: this checkout first on the path, offline, `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAGCORE_")}
    env.update(
        PYTHONPATH=str(REPO_ROOT),
        RAGCORE_HOME=str(home),
        RAGCORE_EMBEDDER="fake",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        NO_COLOR="1",
        COLUMNS="200",
    )
    env.update(extra)
    return env


def start_cli(home: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ragcore", *args],
        cwd=REPO_ROOT,
        env=cli_env(home, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def finish(process: subprocess.Popen[str], timeout: float = 300) -> Run:
    out, err = process.communicate(timeout=timeout)
    return Run(process.returncode, out, err)


def run_cli(
    home: Path,
    *args: str,
    timeout: float = 300,
    env: Mapping[str, str] | None = None,
    **variables: str,
) -> Run:
    """`ragcore ARGS` in `home` with `env` and `variables` added to its environment."""
    return finish(start_cli(home, *args, **{**(env or {}), **variables}), timeout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ChromaServer:
    process: subprocess.Popen[bytes]
    port: int
    path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def start_chroma(path: Path, port: int | None = None) -> ChromaServer:
    port = port or free_port()
    chroma = Path(sys.executable).with_name("chroma")
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("chroma run exited early")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return ChromaServer(process, port, path)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("chroma run did not come up")


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    server = start_chroma(tmp_path / "chroma-server")
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.process.terminate()
            server.process.wait(timeout=30)


@pytest.fixture(scope="session")
def seeded_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home holding the demo library (imported once by a real `ragcore import`)."""
    home = tmp_path_factory.mktemp("seeded") / "home"
    run = run_cli(home, "import", str(REPO_ROOT / "data" / "seed_cards.jsonl"))
    assert run.code == 0, run.err[-500:]
    return home


@pytest.fixture
def library(seeded_home: Path, tmp_path: Path) -> Path:
    """A fresh copy of the seeded home for one test."""
    home = tmp_path / "home"
    shutil.copytree(seeded_home, home)
    return home


def llm_config(
    path: Path,
    base_url: str,
    *,
    fallbacks: bool = False,
    timeout: float = 5,
    api_base: str | None = None,
) -> Path:
    """An LLM config whose `test-model` is the test server (optionally falling back offline)."""
    router: dict[str, object] = {"num_retries": 0, "timeout": timeout}
    if fallbacks:
        router["fallbacks"] = [{"test-model": ["offline/extractive"]}]
    entry = {
        "model_name": "test-model",
        "litellm_params": {
            "model": "openai/test-model",
            "api_base": api_base or base_url,
            "api_key": "none",
        },
    }
    path.write_text(
        yaml.safe_dump({"model_list": [entry], "router_settings": router}), encoding="utf-8"
    )
    return path
