"""The store through `chroma run` and HttpClient, as a team sharing one server would use it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ragcore.errors import StoreError
from ragcore.library.cards import Card
from ragcore.library.store import CardStore
from ragcore.settings import load_settings

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("chroma run exited early")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("chroma run did not come up")


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    port = _free_port()
    data = tmp_path / "chroma-server"
    chroma = Path(sys.executable).with_name("chroma")
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        _wait_until_up(port, process)
        yield port, data
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_store_through_http_client_end_to_end(
    chroma_server: tuple[int, Path], tmp_path: Path
) -> None:
    port, data = chroma_server
    settings = load_settings(
        home=tmp_path / "home", embedder="fake", chroma_url=f"http://127.0.0.1:{port}"
    )
    store = CardStore.open(settings)
    cards = [
        Card(paper_id="p1", summary_type="Metric", text="Top-1 accuracy on ImageNet."),
        Card(paper_id="p2", summary_type="Metric", text="BLEU on WMT14."),
    ]
    assert len(store.upsert_cards(cards).added) == 2
    # A second client (another team member) sees the same library.
    teammate = CardStore.open(settings)
    assert teammate.count() == 2
    hits = teammate.dense_search(teammate.embed_query("ImageNet accuracy"), k=1)
    assert hits[0][0].paper_id == "p1"
    assert not (tmp_path / "home" / "chroma").exists()  # nothing went to the embedded store
    assert data.exists()


def test_unreachable_server_is_a_plain_error(tmp_path: Path) -> None:
    settings = load_settings(
        home=tmp_path, embedder="fake", chroma_url=f"http://127.0.0.1:{_free_port()}"
    )
    with pytest.raises(
        StoreError, match=r"Chroma server at http://127.0.0.1:\d+ cannot be reached"
    ):
        CardStore.open(settings)


def test_a_teammates_write_on_the_shared_server_reaches_the_persisted_snapshot(
    chroma_server: tuple[int, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two homes, one server: my change log never sees the teammate's writes; the snapshot is
    reconciled against the server's ready card ids and the cache is refreshed."""
    from ragcore.library import snapshot_cache

    port, _ = chroma_server
    url = f"http://127.0.0.1:{port}"
    mine = load_settings(home=tmp_path / "me", embedder="fake", chroma_url=url)
    theirs = load_settings(home=tmp_path / "them", embedder="fake", chroma_url=url)
    store = CardStore.open(mine)
    store.upsert_cards([Card(paper_id="p1", summary_type="Metric", text="BLEU on WMT14.")])
    assert len(store.snapshot()) == 1
    store.wait_persisted()
    added = Card(paper_id="p2", summary_type="Metric", text="Top-1 accuracy on ImageNet.")
    CardStore.open(theirs).upsert_cards([added])
    monkeypatch.setattr(snapshot_cache, "REMOTE_SNAPSHOT_MAX_AGE_S", 0.0)  # no 30 s wait
    assert added.card_id in store.snapshot().cards
    store.wait_persisted()
    monkeypatch.setattr(snapshot_cache, "REMOTE_SNAPSHOT_MAX_AGE_S", 1e12)  # files alone
    assert added.card_id in CardStore.open(mine).snapshot().cards  # the refreshed cache
