"""The Export page's figures: every statistic in full (a metric tile cuts long values off) in the
interface language, with its unit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ragcore.documents.paper import STAT_LABELS
from studio.common import lang, t


def _with_unit(name: str, value: str) -> str:
    if name == "total_words":  # ragcore.drafting.export.paper_length: CJK characters + words
        return t(
            f"{value} 字（中文按字、英文按词计）",
            f"{value} words (a Chinese character counts as one)",
        )
    return value


def paper_figures(stats: dict[str, str]) -> None:
    if not stats:
        return
    table = pd.DataFrame(
        {
            t("项目", "Figure"): [STAT_LABELS.get(n, {}).get(lang(), n) for n in stats],
            t("数值", "Value"): [_with_unit(n, str(v)) for n, v in stats.items()],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key="export_figures")
