"""What every page shares: settings, the store (one per process), the interface language, the
current project, plain-words errors and the bridge from ragcore's progress callbacks to widgets.

Pages stay thin: they read state, call ragcore and render. Anything a page needs twice lives here.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from ragcore.errors import RagcoreError
from ragcore.progress import ProgressCallback, ProgressEvent
from ragcore.redaction import redact_urls
from ragcore.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:  # chromadb takes seconds to import; the first page must not wait for it
    from ragcore.library.store import CardStore

log = logging.getLogger("studio")

LANGS = {"zh": "中文", "en": "English"}
PREFS_FILE = "studio_prefs.json"


# -- settings and the store ----------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _store(home: str, embedder: str, chroma_url: str | None) -> CardStore:
    from ragcore.library.store import CardStore

    settings = load_settings(home=home, embedder=embedder, chroma_url=chroma_url)
    store = CardStore.open(settings)
    from ragcore.ingest.importer.run import ensure_demo_library

    ensure_demo_library(store)  # a new user sees a working library at once
    return store


# The warm-up starts this long after the first page asked for it. Importing Chroma and loading the
# embedder hold the GIL for long stretches, and the server thread sends the first page's last
# elements and its end of run only in the gaps: without the pause a new server's first page was
# interactive ~0.3 s later (2 cores, median of 6). A page that needs the store sooner opens it
# itself (st.cache_resource computes it once; the warm-up then waits for that).
WARM_UP_DELAY_S = 0.5


def _open_store_and_indexes(home: str, embedder: str, chroma_url: str | None) -> None:
    time.sleep(WARM_UP_DELAY_S)
    try:
        library = _store(home, embedder, chroma_url)
        from ragcore.retrieval.lexical import index_for

        # The first search would otherwise load every card's vector and build the BM25
        # index (and jieba's dictionary): seconds on a large library.
        index_for(library)
        from ragcore.library.jieba_dictionary import load_dictionary

        load_dictionary()  # jieba's: a Chinese query needs it even when the library is all English
        import ragcore.llm.gateway  # noqa: F401  (LiteLLM takes seconds to import)
    except Exception:  # the page that needs the store reports the error in plain words
        log.exception("warming up the store failed")


@st.cache_resource(show_spinner=False)
def _warm_up(home: str, embedder: str, chroma_url: str | None) -> threading.Thread:
    thread = threading.Thread(
        target=_open_store_and_indexes,
        args=(home, embedder, chroma_url),
        name="studio-warm-up",
        daemon=True,
    )
    thread.start()
    return thread


def warm_up() -> None:
    """Open the store (and load the demo library) in the background once per process, so the
    first page is interactive at once; pages that need the store simply wait for it."""
    current = settings()
    _warm_up(str(current.home), current.embedder, current.chroma_url)


def store_ready() -> bool:
    current = settings()
    return not _warm_up(str(current.home), current.embedder, current.chroma_url).is_alive()


def settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        st.error(str(error))
        st.stop()
        raise  # unreachable: st.stop() raises


def store() -> CardStore:
    current = settings()
    try:
        return _store(str(current.home), current.embedder, current.chroma_url)
    except RagcoreError as error:
        st.error(str(error))
        st.stop()
        raise


# -- small preferences file in the home folder (interface language) ------------------------
def _prefs_path() -> Path:
    return settings().home / PREFS_FILE


def read_prefs() -> dict[str, Any]:
    try:
        data = json.loads(_prefs_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_pref(name: str, value: Any) -> None:
    prefs = read_prefs() | {name: value}
    path = _prefs_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(prefs, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError as error:  # a read-only home must not break the page
        log.warning("cannot save preferences to %s: %s", path, error)


# -- interface language ----------------------------------------------------------------------
def lang() -> str:
    """Interface language 'zh' or 'en': the session's choice, else the URL, else the saved one."""
    if st.session_state.get("ui_lang") not in LANGS:
        wanted = st.query_params.get("lang") or read_prefs().get("ui_lang") or "zh"
        st.session_state["ui_lang"] = wanted if wanted in LANGS else "zh"
    return str(st.session_state["ui_lang"])


def t(zh: str, en: str) -> str:
    return zh if lang() == "zh" else en


# Choices whose options are shown in the interface language. The browser keeps a selectbox's
# or multiselect's value as the label it showed, which no option has after a language switch
# (the value would come back as a bare label). Read in the switch's callback, while the old
# labels still decode, and set again, each is sent back to the browser in the new language.
LANGUAGE_LABELLED = (
    "home_new_sections", "compare_section", "compare_left", "compare_right",
    "compare_prompt_version", "prompts_preview_section", "library_type",
)  # fmt: skip
LANGUAGE_LABELLED_PREFIXES = ("draft_version_", "evidence_note_type_")


def _relabel_choices() -> None:
    from streamlit.errors import StreamlitAPIException

    for key in list(st.session_state.keys()):
        if key in LANGUAGE_LABELLED or str(key).startswith(LANGUAGE_LABELLED_PREFIXES):
            try:
                st.session_state[key] = st.session_state[key]
            except (KeyError, StreamlitAPIException):
                st.session_state.pop(key, None)  # not decodable: start from its default


def labels(options: Any, label: Any, key: Any = None) -> dict[Any, str]:
    """Option -> its label, made now. A widget's format_func must not call `t()` itself:
    Streamlit also calls it outside the page's run (to encode the value), where the session's
    language is unknown and the label would come out in the default language."""
    return {(key(o) if key else o): label(o) for o in options}


def _language_chosen() -> None:
    chosen = str(st.session_state["ui_lang_switch"])
    st.session_state["ui_lang"] = chosen
    write_pref("ui_lang", chosen)
    _relabel_choices()


def language_switch() -> None:
    """The sidebar switch. The choice lives in `ui_lang` (widget state is per page), the URL
    and the home folder's preferences."""
    st.session_state["ui_lang_switch"] = lang()
    st.sidebar.radio(
        "🌐 界面语言 / Language",
        list(LANGS),
        format_func=LANGS.__getitem__,
        horizontal=True,
        key="ui_lang_switch",
        on_change=_language_chosen,
    )
    st.query_params["lang"] = lang()


# -- the current project (per browser session; in the URL so a reload keeps it) -------------
def current_project_id() -> str | None:
    if "project_id" not in st.session_state:
        st.session_state.project_id = st.query_params.get("project")
    value = st.session_state.project_id
    if value:
        st.query_params["project"] = value  # page switches drop query parameters
    return str(value) if value else None


def set_current_project(project_id: str | None) -> None:
    st.session_state.project_id = project_id
    if project_id:
        st.query_params["project"] = project_id
    else:
        st.query_params.pop("project", None)


# -- errors and progress -----------------------------------------------------------------------
@contextmanager
def guarded(action: str = "") -> Iterator[None]:
    """Show a failure as one plain message in the page; the rest of the page keeps working."""
    try:
        yield
    except RagcoreError as error:
        message = redact_urls(str(error))
        st.error(f"{action}: {message}" if action else message, icon=":material/warning:")
    except Exception as error:  # a bug must still not show a traceback to the user
        log.exception("unexpected error in %s", action or "page")
        st.error(
            t("出错了：", "Something went wrong: ")
            + (f"{action}: " if action else "")
            + f"{type(error).__name__}: {redact_urls(str(error))}",
            icon=":material/warning:",
        )


def progress_reporter(status: Any, bar: Any | None = None) -> ProgressCallback:
    """A ragcore progress callback that updates an `st.status` label and a progress bar."""

    def update(event: ProgressEvent) -> None:
        label = f"{event.stage} {event.done}/{event.total}"
        if event.message:
            label += f" · {event.message}"
        status.update(label=label)
        if bar is not None:
            bar.progress(event.fraction, text=label)

    return update


# -- page frame ----------------------------------------------------------------------------------
def begin_page(zh: str, en: str, icon: str = "") -> None:
    """Shared sidebar (language, current project) and the page title."""
    language_switch()
    project_switch()
    st.title(f"{icon} {t(zh, en)}".strip())


@st.cache_resource(show_spinner=False)
def _project_store(db_path: str) -> Any:
    from ragcore.drafting.projects import ProjectStore

    return ProjectStore(Path(db_path))


def projects() -> Any:
    """The ProjectStore of the configured home (typed loosely: the module lands separately)."""
    return _project_store(str(settings().db_path))


def project_switch() -> None:
    """Sidebar selector of the session's project; every page works on that one."""
    with guarded(t("读取项目", "reading projects")):
        known = projects().list_projects()
        names = {p.project_id: p.name for p in known}
        current = current_project_id()
        if current and current not in names:
            set_current_project(None)  # deleted elsewhere, or an old URL
            current = None
        if not names:
            st.sidebar.caption(
                t("还没有项目：在「项目」页创建。", "No project yet: create one on Projects.")
            )
            return
        st.session_state["sidebar_project"] = current
        st.sidebar.selectbox(
            t("当前项目", "Current project"),
            list(names),
            format_func=lambda pid: names.get(pid, pid),
            index=None,
            placeholder=t("选择项目…", "Choose a project…"),
            key="sidebar_project",
            on_change=lambda: set_current_project(st.session_state.get("sidebar_project")),
        )


def require_project() -> Any:
    """The session's project, or a hint to create/open one and the page stops here."""
    project_id = current_project_id()
    if project_id:
        try:
            return projects().get(project_id)
        except RagcoreError:
            set_current_project(None)
    st.info(
        t(
            "请先在「项目」页创建或打开一个项目。",
            "Create or open a project on the Projects page first.",
        )
    )
    st.page_link("pages/home.py", label=t("前往项目页", "Go to Projects"), icon=":material/home:")
    st.stop()
    raise RuntimeError  # unreachable: st.stop() raises


def require_project_id(stop: bool = True) -> str | None:
    """The session's project id if it still exists; with `stop`, a hint and stop when none."""
    project_id = current_project_id()
    if project_id:
        try:
            projects().get(project_id)
            return project_id
        except RagcoreError:
            set_current_project(None)
    if stop:
        require_project()
    return None


# -- models and the section plan ------------------------------------------------------------------
def model_names() -> list[str]:
    """Model names of the LiteLLM YAML (the offline model is always there). Reading the
    configuration does not load LiteLLM, which the first page must not wait for."""
    from ragcore.llm.config import load_llm_config

    try:
        return load_llm_config(settings().llm_config).model_names
    except RagcoreError as error:
        st.error(str(error))
        from ragcore.settings import OFFLINE_MODEL

        return [OFFLINE_MODEL]


def section_plan(project: Any | None = None) -> Any:
    """The default section plan, or the project's own (`ProjectStore.plan`)."""
    from ragcore.retrieval.sectionplan import load_plan

    return load_plan() if project is None else projects().plan(project)


# -- the LLM gateway (one per process and configuration; see studio.models_view) ----------------
def gateway() -> Any:
    """The gateway in use. A changed YAML is read again; one that does not load keeps the
    previous configuration in use and its error is shown (the first load has none to keep)."""
    from studio.models_view import loaded_models

    current = settings()
    path = str(current.llm_config) if current.llm_config else None
    loaded = loaded_models(path, current.model)
    if loaded.gateway is None:
        st.error(loaded.error)
        st.stop()
    if loaded.error:
        st.warning(
            t("模型配置未能重新加载，仍使用上一次的配置：", "The model configuration did not reload; "
              "the previous one stays in use: ") + loaded.error
        )  # fmt: skip
    return loaded.gateway
