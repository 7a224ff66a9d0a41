"""Pieces of the home page: library statistics and the topic's evidence coverage."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import streamlit as st

from ragcore.library.cards import SummaryType
from studio.common import t

if TYPE_CHECKING:
    from ragcore.library.store import CardStore
    from ragcore.settings import Settings


def library_statistics(library: CardStore) -> None:
    cards = library.get_cards()
    papers = library.list_papers()
    st.subheader(t("文献库", "Library"))
    col_papers, col_cards, col_types = st.columns(3)
    col_papers.metric(
        t("论文", "Papers"), len({c.paper_id for c in cards} | {p.paper_id for p in papers})
    )
    col_cards.metric(t("总结卡片", "Summary cards"), len(cards))
    col_types.metric(t("总结类型", "Summary types"), len({c.summary_type for c in cards}))
    counts = Counter(c.summary_type for c in cards)
    # Columns as plain lists: importing pandas here would delay the first page by ~0.3 s
    # (Streamlit converts the table itself, once the library has loaded).
    table = {
        t("类型", "Type"): [f"{s.label} · {s.zh}" for s in SummaryType],
        t("卡片数", "Cards"): [counts[s] for s in SummaryType],
    }
    st.dataframe(table, hide_index=True, width="stretch", key="home_type_counts")


def topic_coverage(project: Any, library: CardStore, settings: Settings) -> None:
    """Warn when the library holds little relevant evidence for the project's topic.

    Retrieval runs once per project, topic and library size, not on every rerun."""
    from ragcore.drafting.paper_selection import paper_selection
    from ragcore.retrieval.hybrid import retrieve_all_types

    papers = paper_selection(library, project).papers  # the project's papers only
    chosen = None if papers is None else tuple(sorted(papers))
    cache_key = ("home_coverage", project.project_id, project.topic, library.count(), chosen)
    if st.session_state.get("home_coverage_key") != cache_key:
        found = retrieve_all_types(library, project.topic, k=3, settings=settings, papers=papers)
        st.session_state["home_coverage"] = [t.value for t in found.weak_types()]
        st.session_state["home_coverage_key"] = cache_key
    weak = [SummaryType(value) for value in st.session_state["home_coverage"]]
    if len(weak) == len(SummaryType):
        st.warning(
            t(
                "文献库中几乎没有与该主题相关的证据：所有总结类型都没有高于相关度阈值的卡片。请先添加相关论文。",
                "The library holds almost no evidence for this topic: no summary type has a card above "
                "the relevance floor. Add relevant papers first.",
            )
        )
    elif weak:
        names = ", ".join(s.zh if project.lang == "zh" else s.label for s in weak)
        st.warning(
            t(
                f"以下类型没有高于相关度阈值的卡片：{names}",
                f"No card above the relevance floor for: {names}",
            )
        )
    else:
        st.success(t("每种总结类型都有相关证据。", "Every summary type has relevant evidence."))
