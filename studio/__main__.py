"""`python -m studio [streamlit run options]`: the studio, as `streamlit run app.py` with the
same options, plus the first page's modules imported while the browser loads the frontend
(studio.preload), and without Streamlit's scan for installed components (below). Run it from the
repository (the README's command): Streamlit then reads `.streamlit/config.toml` (loopback
only, no usage statistics). `ragcore studio` runs it from any folder with those settings on the
command line.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from studio import preload

APP = Path(__file__).resolve().parent.parent / "app.py"


def skip_component_scan() -> None:
    """Start Streamlit without its search for Components v2 in installed packages.

    At every start Streamlit reads the metadata of every installed distribution (163 in our
    environment) to find packages declaring such components: 0.25-0.35 s of a ~3 s start on 2
    cores (docs/benchmarks.md), and there is no option to turn it off (Streamlit 1.67). The
    studio uses only Streamlit's own elements and depends on no component package, so the scan
    finds nothing; tests/pages/test_launcher.py checks both that it finds nothing here and that,
    with this replacement, Streamlit's runtime no longer reads the distributions at start.
    """
    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = _no_component_manifests


def _no_component_manifests(max_workers: int | None = None) -> list[Any]:
    return []


def main() -> None:
    skip_component_scan()
    preload.start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
