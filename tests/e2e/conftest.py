"""End-to-end harness: the studio as the README starts it (`python -m studio`) on a free
loopback port with a temporary home, driven by the system chromium through Playwright.
Screenshots go to test-artifacts/.

The server is started once per test module (each module gets its own home) and stopped by its
PID. Each test gets its own browser context, i.e. its own Streamlit session.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ragcore.testing import FakeOpenAIServer
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO_ROOT / "test-artifacts"
START_TIMEOUT_S = 90
STREAMLIT = REPO_ROOT / ".venv" / "bin" / "streamlit"
PYTHON = REPO_ROOT / ".venv" / "bin" / "python"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class StudioServer:
    url: str
    home: Path
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)  # fine-grained: the start benchmark counts until the server answers
    raise TimeoutError(f"streamlit did not answer {url}/_stcore/health within {timeout} s")


def start_server(
    home: Path,
    log: Path,
    extra_env: dict[str, str] | None = None,
    app: str = "app.py",
    preload: bool = True,
) -> StudioServer:
    """The studio as the README starts it (`python -m studio`), or `streamlit run APP` for
    another script or without the first page's preload."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAGCORE_")}
    env |= {
        "RAGCORE_HOME": str(home),
        "RAGCORE_EMBEDDER": "fake",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    } | (extra_env or {})
    launcher = (
        [str(PYTHON), "-m", "studio"]
        if app == "app.py" and preload
        else [str(STREAMLIT), "run", app]
    )
    command = [
        *launcher,
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    server = StudioServer(f"http://127.0.0.1:{port}", home, process, log)
    try:
        wait_healthy(server.url, process, START_TIMEOUT_S)
    except Exception:
        stop_server(server)
        raise
    return server


def stop_server(server: StudioServer) -> None:
    """Stop the server we started, by its PID (its own process group: no stray children)."""
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=5)


@contextmanager
def studio_with_model(
    folder: Path, model: FakeOpenAIServer, *, timeout: float = 5
) -> Iterator[StudioServer]:
    """A studio whose model "test-model" is served by `model`, every card counted relevant."""
    config = model.write_llm_config(folder / "llm.yaml", timeout=timeout)
    server = start_server(
        folder / "home",
        folder / "streamlit.log",
        {
            "RAGCORE_LLM_CONFIG": str(config),
            "RAGCORE_RETRIEVAL__RELEVANCE_FLOOR": "0",
            "RAGCORE_RETRIEVAL__RELATIVE_FLOOR": "0",
        },
    )
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudioServer]:
    if not CHROMIUM.exists():
        pytest.skip("end-to-end tests need Debian's chromium at /usr/bin/chromium")
    folder = tmp_path_factory.mktemp("studio")
    server = start_server(folder / "home", folder / "streamlit.log")
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("end-to-end tests need Debian's chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (a separate Streamlit session) with one page. A failed test leaves
    a full-page screenshot of where it stopped in test-artifacts/failed-<test>.png."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(60_000)
    tab = context.new_page()
    yield tab
    if request.node.stash.get(_FAILED, False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"failed-{request.node.name}.png"
        try:
            tab.screenshot(path=str(shot), full_page=True, timeout=15_000)
        except Exception as error:  # the page may be gone: the test's own error says more
            print(f"no screenshot of the failed page: {error}")
    context.close()
