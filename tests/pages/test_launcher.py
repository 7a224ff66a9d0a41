"""`python -m studio` starts Streamlit without its scan for installed Components v2
(studio.__main__.skip_component_scan): the scan finds nothing in our environment, and the
launcher's replacement is the function Streamlit's runtime actually calls."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import REPO_ROOT

# Counts Streamlit's reads of the installed distributions while its runtime registers the
# components it finds; SKIP is replaced by "" or by the launcher's call.
_COUNT_SCANS = """
import importlib.metadata as metadata
reads = []
real = metadata.distributions
metadata.distributions = lambda *a, **k: reads.append(1) or real(*a, **k)
SKIP
from streamlit.components.v2.component_manager import BidiComponentManager
manager = BidiComponentManager()
manager.discover_and_register_components(start_file_watching=False)
print(len(reads))
"""


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_no_installed_package_declares_a_streamlit_component() -> None:
    # If this fails, a dependency now ships a Components v2 component: the launcher must stop
    # skipping the scan (studio/__main__.py) or the component will not load.
    code = "from streamlit.components.v2.manifest_scanner import scan_component_manifests\n"
    assert _run(code + "print(len(scan_component_manifests()))") == "0"


def test_the_launcher_skips_the_scan_streamlit_runs_at_start() -> None:
    # Without the launcher the runtime reads the distributions (so the count is a real probe);
    # with it, not at all.
    assert int(_run(_COUNT_SCANS.replace("SKIP", ""))) >= 1
    skip = "from studio.__main__ import skip_component_scan\nskip_component_scan()"
    assert _run(_COUNT_SCANS.replace("SKIP", skip)) == "0"
