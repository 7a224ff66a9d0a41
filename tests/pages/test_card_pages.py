"""The card view says which PDF page(s) a card and its source passage come from ("第 4–5 页",
"pp. 4–5"), and nothing when the card has no pages (Markdown papers, seed cards)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from ragcore.drafting.paper_selection import set_paper_selection
from ragcore.drafting.projects import ProjectStore
from ragcore.library.cards import Card, Paper, SummaryType
from ragcore.library.records import RawChunk
from ragcore.library.store import CardStore
from ragcore.settings import load_settings
from tests.pages.conftest import APP, RUN_TIMEOUT, assert_clean, goto, tab, values, wait_for_library

METHOD = (
    "We train a residual convolutional network for image classification. "
    "Random crops and flips augment the training images."
)
PAGES = {"zh": ("第 4–5 页", "第 5 页"), "en": ("pp. 4–5", "p. 5")}
ANY_PAGE = re.compile(r"第 [\d–、]+ 页|\bpp?\. \d")


def _add_pdf_paper(library: CardStore) -> str:
    library.upsert_paper(Paper(paper_id="pdf-paper", title="Residual networks, from a PDF"))
    card = Card(
        paper_id="pdf-paper",
        summary_type=SummaryType.METHODOLOGY,
        text=METHOD,
        source_sections=["method"],
        lang="en",
        origin="extractive",
        sentence_pages=[[4], [5]],
    )
    library.upsert_cards([card])
    library.add_raw_chunks(
        [
            RawChunk(
                "pdf-paper",
                "method",
                "3 Method",
                METHOD + " We train for ninety epochs.",
                pages=[5],
            )
        ]
    )
    stored = library.get_cards(paper_id="pdf-paper")
    return stored[0].card_id


@pytest.mark.usefixtures("every_card_relevant")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_card_and_passage_pages(lang: str) -> None:
    app = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    app.query_params["lang"] = lang
    app.run()
    assert_clean(app)
    wait_for_library(app)
    library = CardStore.open(load_settings())
    card_id = _add_pdf_paper(library)
    projects = ProjectStore.from_settings(load_settings())
    project = projects.create("residual network image classification", name="P", lang="en")
    app.session_state["project_id"] = project.project_id
    goto(app, "evidence")
    tab(app, "evidence_tabs", "方法" if lang == "zh" else "Method")
    reader_key = f"evidence_read_方法_{SummaryType.METHODOLOGY.value}"

    set_paper_selection(library, projects, project.project_id, ["pdf-paper"])
    app.run()
    app.selectbox(key=reader_key).set_value(card_id).run()
    assert_clean(app)
    card_pages, passage_pages = PAGES[lang]
    assert card_pages in "\n".join(values(app.caption))
    assert any(passage_pages in e.label for e in app.expander)
    # A seed card of the demo library has no pages, and none are named.
    set_paper_selection(library, projects, project.project_id, None)
    app.run()
    table = next(d.value for d in app.dataframe if str(d.key).startswith("evidence_table_方法_"))
    seed = next(i for i in table.index if i != card_id)
    app.selectbox(key=reader_key).set_value(seed).run()
    assert_clean(app)
    captions = "\n".join(values(app.caption))
    assert seed in {c.card_id for c in library.get_cards(ids=[seed])} and captions
    assert not ANY_PAGE.search(captions)
