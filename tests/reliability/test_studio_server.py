"""Issue 17.11: `ragcore studio` keeps safe server settings when started from any folder."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.reliability.conftest import cli_env, free_port

pytestmark = pytest.mark.server


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) with a socket listening on `port`."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def test_studio_from_another_folder_listens_on_loopback_only(tmp_path: Path) -> None:
    port = free_port()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "ragcore", "studio", "--port", str(port)],
        cwd=elsewhere,  # not the repository: .streamlit/config.toml is not found from here
        env=cli_env(tmp_path / "home", PYTHONPATH=str(REPO_ROOT)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the studio did not come up")
        addresses = _listening(port)
        loopback = {"0100007F", "00000000000000000000000001000000"}
        assert addresses and set(addresses) <= loopback, addresses
        # The studio replaced `ragcore studio` (same process id): stopping that id stops the
        # server, with no child left behind on the port.
        assert _children(process.pid) == []
        arguments = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode().split("\0")
        assert arguments[1:3] == ["-m", "studio"]
        assert "--browser.gatherUsageStats=false" in arguments
        assert "--server.maxUploadSize=40" in arguments
    finally:
        process.terminate()
        process.communicate(timeout=30)  # read its last words: a closed pipe would break them
    assert not _listening(port)
