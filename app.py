"""RAG Paper Studio: `python -m studio` (or `streamlit run app.py`, without the preload).

Eight pages for the drafting loop. Each page draws the shared sidebar itself (studio.common.begin_page)
because on the first run of a process Streamlit may run a `pages/` script directly.
"""

import os
import sys
import time

import streamlit as st

from studio import preload

preload.wait()  # started by `python -m studio`: the modules below are being imported already

from studio.common import t, warm_up  # noqa: E402

started = time.perf_counter()

# Material icons, not emoji: Streamlit validates an emoji icon against a table whose import
# costs ~0.1 s of the first page (material names: ~5 ms).
st.set_page_config(page_title="RAG Paper Studio", page_icon=":material/edit_note:", layout="wide")

PAGES = [
    ("pages/home.py", "项目", "Projects", ":material/home:"),
    ("pages/library.py", "文献库", "Library", ":material/library_books:"),
    ("pages/evidence.py", "证据", "Evidence", ":material/search:"),
    ("pages/prompts.py", "提示词", "Prompts", ":material/extension:"),
    ("pages/draft.py", "草稿", "Draft", ":material/edit_note:"),
    ("pages/compare.py", "对比", "Compare", ":material/compare:"),
    ("pages/export.py", "导出", "Export", ":material/ios_share:"),
    ("pages/models.py", "模型", "Models", ":material/smart_toy:"),
]

navigation = st.navigation(
    [
        st.Page(path, title=t(zh, en), icon=icon, default=(index == 0))
        for index, (path, zh, en, icon) in enumerate(PAGES)
    ]
)
try:
    navigation.run()
finally:
    # After the page, not before: the warm-up (Chroma, the embedder, jieba) holds the GIL for
    # seconds and would slow the first page's own imports and rendering.
    warm_up()
    if os.environ.get("RAGCORE_STUDIO_TIMINGS"):  # server-side run times, for the benchmark
        elapsed_ms = (time.perf_counter() - started) * 1000
        print(
            f"studio-timing {navigation.url_path or 'home'} {elapsed_ms:.1f}",
            file=sys.stderr,
            flush=True,
        )
