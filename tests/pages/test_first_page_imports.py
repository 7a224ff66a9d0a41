"""The Projects page is the first page a researcher sees. Its first run in a new server process
must not import libraries it does not draw with (issue 16: first interactive page < 3 s); the
store's warm-up thread loads them after the page. Checked in a fresh interpreter, since this
test process has imported them all already."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO_ROOT

# Each costs 0.1-1 s to import on the 2-core machine (python -X importtime); streamlit.emojis is
# Streamlit's emoji table, imported to validate an emoji used as an icon (~0.1 s).
HEAVY = (
    "pandas", "pyarrow", "numpy", "jinja2", "chromadb", "litellm", "jieba", "bm25s", "torch",
    "streamlit.emojis",
)  # fmt: skip

PROBE = """
import sys
import threading

HEAVY = set(sys.argv[2:])
imported = set()
watching = False


def record(event, args):
    # "import" is raised only for modules not yet in sys.modules: a first import.
    if watching and event == "import":
        for name in {args[0], args[0].split(".")[0]} & HEAVY:
            imported.add((name, threading.current_thread().name))


sys.addaudithook(record)
from streamlit.testing.v1 import AppTest

at = AppTest.from_file(sys.argv[1], default_timeout=120)
watching = True
at.run()
watching = False
assert not at.exception, [e.value for e in at.exception]
print(at.title[0].value)
print(sorted(name for name, thread in imported if thread != "studio-warm-up"))
"""


def test_the_first_run_of_the_projects_page_imports_no_heavy_library() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(REPO_ROOT / "app.py"), *HEAVY],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    title, imported = result.stdout.strip().splitlines()[-2:]
    assert "项目" in title  # the page was drawn
    assert imported == "[]"
