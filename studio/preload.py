"""Import the first page's modules while the browser loads Streamlit's frontend.

Started by `python -m studio` (studio/__main__.py). With plain `streamlit run app.py` a page's
modules are imported only when the first browser session runs the script, after the ~1 s the
browser spends loading the frontend while the server's process sits idle. Importing them in
that idle second takes ~0.4 s off the first interactive page (docs/benchmarks.md). Streamlit's
script mode has no start-up hook, hence this thread.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import sys
import threading
import time

log = logging.getLogger(__name__)

# What the default page (pages/home.py) imports; studio.common brings in the settings, the
# project store and the outline, the slow part of the first script run.
FIRST_PAGE_MODULES = (
    "studio.common",
    "studio.home_view",
    "studio.outline_view",
    "studio.paper_selection_view",
    "studio.projects_view",
)
_POLL_S = 0.05
_started = threading.Event()
_done = threading.Event()


def _server_started() -> bool:
    from streamlit.runtime import Runtime, RuntimeState

    return Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL


def _import_first_page_modules() -> None:
    try:
        # Not before the server is up: the imports would slow Streamlit's own start.
        while not _server_started():
            time.sleep(_POLL_S)
        started = time.perf_counter()
        for name in FIRST_PAGE_MODULES:
            importlib.import_module(name)
        # The first element a process draws makes Streamlit call inspect.stack() (its check for
        # a REPL, env_util.is_repl), which maps every module in sys.modules to its file: ~40 ms
        # with the ~800 modules loaded by now. inspect keeps that map, so making it here takes
        # the cost off the first page (a later call maps only the modules imported since).
        inspect.stack()
        if os.environ.get("RAGCORE_STUDIO_TIMINGS"):  # as app.py's timings, for the benchmark
            elapsed_ms = (time.perf_counter() - started) * 1000
            print(f"studio-timing preload {elapsed_ms:.1f}", file=sys.stderr, flush=True)
    except Exception:  # the page imports them again and shows the error there
        log.exception("preloading the first page's modules failed")
    finally:
        _done.set()


def start() -> None:
    """Start the preload thread (once per process)."""
    if not _started.is_set():
        _started.set()
        threading.Thread(target=_import_first_page_modules, name="preload", daemon=True).start()


def wait() -> None:
    """Let the first script run wait for the preload, if one was started, rather than import
    the same modules beside it (two threads importing one package can see it half-done)."""
    if _started.is_set():
        _done.wait()
