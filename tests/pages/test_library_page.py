"""Library page: a card is edited (kept as a user-edited card) or deleted; a paper is deleted."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ragcore.library.cards import Origin
from ragcore.library.store import CardStore
from ragcore.settings import load_settings
from tests.pages.conftest import goto, values


def library() -> CardStore:
    return CardStore.open(load_settings())


def first_card_id(app: AppTest) -> str:
    paper = app.selectbox(key="library_paper").value
    kind = app.selectbox(key="library_type").value
    return next(c.card_id for c in library().get_cards(paper_id=paper, summary_type=kind))


def test_demo_library_is_shown(app: AppTest) -> None:
    goto(app, "library")
    assert int(app.metric[1].value) == library().count() > 0


def test_edit_a_card(app: AppTest) -> None:
    goto(app, "library")
    card_id = first_card_id(app)
    app.text_area(key=f"library_card_text_{card_id}").input("用户修改后的卡片文本。")
    app.button(key=f"library_card_save_{card_id}").click().run()
    assert library().get_card(card_id) is None
    edited = [c for c in library().get_cards() if c.text == "用户修改后的卡片文本。"]
    assert len(edited) == 1 and edited[0].origin == Origin.EDITED


def test_empty_card_text_is_refused(app: AppTest) -> None:
    goto(app, "library")
    card_id = first_card_id(app)
    app.text_area(key=f"library_card_text_{card_id}").input("  ")
    app.button(key=f"library_card_save_{card_id}").click().run()
    assert any("must not be empty" in e or "不能为空" in e for e in values(app.error))
    assert library().get_card(card_id) is not None


def test_delete_a_card_and_a_paper(app: AppTest) -> None:
    goto(app, "library")
    card_id = first_card_id(app)
    app.button(key=f"library_card_delete_{card_id}").click().run()
    assert library().get_card(card_id) is None
    paper = app.selectbox(key="library_paper").value
    app.button(key="library_paper_delete").click().run()
    assert library().get_cards(paper_id=paper) == []


def papers_table(app: AppTest) -> object:
    return next(d.value for d in app.dataframe if "卡片" in d.value.columns)


def test_search_filter_and_sort_papers(app: AppTest) -> None:
    goto(app, "library")
    table = papers_table(app)
    total = len(table)  # type: ignore[arg-type]
    assert total == len({c.paper_id for c in library().get_cards()})
    # Sorted by card count, the first paper has the most cards.
    app.selectbox(key="library_sort").set_value("cards").run()
    counts = list(papers_table(app)["卡片"])  # type: ignore[index]
    assert counts == sorted(counts, reverse=True)
    # A word of one paper's label finds it; nonsense finds nothing, and the page says so.
    label = str(papers_table(app)["论文"].iloc[0])  # type: ignore[index]
    app.text_input(key="library_search").input(label[:6]).run()
    assert 1 <= len(papers_table(app)) < total or total == 1  # type: ignore[arg-type]
    found = len(papers_table(app))  # type: ignore[arg-type]
    assert len(app.selectbox(key="library_paper").options) == found  # the choice follows it
    app.text_input(key="library_search").input("zzzz-no-such-paper").run()
    assert any("没有符合条件的论文" in i for i in values(app.info))
    app.text_input(key="library_search").input("").run()
    app.multiselect(key="library_langs").set_value(["zh"]).run()
    shown = list(papers_table(app)["语言"])  # type: ignore[index]
    assert shown and all(lang == "中文" for lang in shown)


def test_search_finds_a_paper_by_its_keywords(app: AppTest) -> None:
    papers = library()
    paper = papers.list_papers()[0]
    papers.upsert_paper(paper.model_copy(update={"keywords": ["版面分析", "异构标识空间"]}))
    goto(app, "library")
    app.text_input(key="library_search").input("异构标识").run()
    choice = app.selectbox(key="library_paper")
    assert len(choice.options) == 1 and choice.value == paper.paper_id
