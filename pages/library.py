"""Library: the papers, their cards per summary type, and each card's full text."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.common import begin_page, store, t
from ragcore.cards import SummaryType

library = store()
papers = library.list_papers()
cards = library.get_cards()

begin_page("文献库", "Library", "📚")
col_papers, col_cards, col_types = st.columns(3)
col_papers.metric(t("论文", "Papers"), len({c.paper_id for c in cards} | {p.paper_id for p in papers}))
col_cards.metric(t("总结卡片", "Summary cards"), len(cards))
col_types.metric(t("总结类型", "Summary types"), len({c.summary_type for c in cards}))

if not cards:
    st.info(t("文献库是空的：用 `ragcore import` 或 `ragcore ingest` 添加论文。",
              "The library is empty: add papers with `ragcore import` or `ragcore ingest`."))
    st.stop()

titles = {p.paper_id: p.title for p in papers}
counts = pd.crosstab(
    pd.Series([c.paper_id for c in cards], name="paper_id"),
    pd.Series([c.summary_type.label for c in cards], name="type"),
)
counts.insert(0, t("标题", "Title"), [titles.get(pid, "") for pid in counts.index])
st.subheader(t("每篇论文的卡片数", "Cards per paper and type"))
st.dataframe(counts, width="stretch", key="library_counts")

st.subheader(t("卡片", "Cards"))
paper_choice = st.selectbox(t("论文", "Paper"), sorted(counts.index), key="library_paper")
type_choice = st.selectbox(
    t("总结类型", "Summary type"),
    [s for s in SummaryType if any(c.summary_type == s and c.paper_id == paper_choice for c in cards)],
    format_func=lambda s: f"{s.label} · {s.zh}",
    key="library_type",
)
for card in (c for c in cards if c.paper_id == paper_choice and c.summary_type == type_choice):
    with st.container(border=True):
        st.caption(f"{card.card_id} · {card.origin.value} · {card.lang} · "
                   + t("来源章节：", "sections: ") + ", ".join(card.source_sections or ["—"]))
        if card.tags:
            st.caption(t("标签：", "tags: ") + ", ".join(card.tags))
        st.markdown(card.text)
