"""What every page shares: settings, the store (one per process), the interface language."""

from __future__ import annotations

import streamlit as st

from ragcore.errors import RagcoreError
from ragcore.settings import Settings, SettingsError, load_settings
from ragcore.store import CardStore


@st.cache_resource(show_spinner=False)
def _store(home: str, embedder: str, chroma_url: str | None) -> CardStore:
    settings = load_settings(home=home, embedder=embedder, chroma_url=chroma_url)
    store = CardStore.open(settings)
    from ragcore.importer import ensure_demo_library

    ensure_demo_library(store)  # a new user sees a working library at once
    return store


def settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        st.error(str(error))
        st.stop()
        raise  # unreachable; st.stop() raises


def store() -> CardStore:
    current = settings()
    try:
        return _store(str(current.home), current.embedder, current.chroma_url)
    except RagcoreError as error:
        st.error(str(error))
        st.stop()
        raise


def lang() -> str:
    """Interface language, 'zh' or 'en' (remembered in the session and the URL)."""
    if "ui_lang" not in st.session_state:
        st.session_state.ui_lang = st.query_params.get("lang", "zh")
    return str(st.session_state.ui_lang)


def t(zh: str, en: str) -> str:
    return zh if lang() == "zh" else en
