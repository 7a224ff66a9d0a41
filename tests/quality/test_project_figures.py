"""Figures that need the evidence behind each citation, on a project in a real store (fake
embedder): off-topic citations, citation support, grounding; and projects the scorecard cannot
fully judge (empty, a section without text, a card deleted since)."""

from __future__ import annotations

import pytest

from ragcore.drafting.projects import Project, ProjectStore
from ragcore.drafting.versions import SectionVersion, VersionStore
from ragcore.library.cards import Card, Paper, SummaryType
from ragcore.library.store import CardStore
from ragcore.quality.model import Scorecard
from ragcore.quality.scorecard import score_project
from ragcore.settings import Settings, load_settings

TOPIC = "hybrid retrieval of scientific evidence for drafting papers"
ON_TOPIC = (
    "Hybrid retrieval of scientific evidence combines dense and lexical scores for drafting "
    "papers. The hybrid retrieval reached 0.61 nDCG@10 on the evidence drafting benchmark."
)
ALSO_ON_TOPIC = (
    "Drafting papers from retrieved scientific evidence needs citations that point to the "
    "evidence. Retrieval of evidence for drafting uses typed summary cards."
)
OFF_TOPIC = "Rift Valley fever serology in cattle was measured in three provinces of Kenya."


@pytest.fixture
def home(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("RAGCORE_HOME", str(settings.home))
    # The fake embedder (character bigrams) gives any two English texts a cosine near 0.5, so
    # the unrelated card scores 0.24 where the real embedder gives it < 0.1: a floor of 0.3
    # separates the cards here as 0.2 does with the real embedder.
    monkeypatch.setenv("RAGCORE_RETRIEVAL__RELEVANCE_FLOOR", "0.3")
    settings = load_settings()
    store = CardStore.open(settings)
    store.upsert_cards(
        [
            Card(paper_id="pOn", summary_type=SummaryType.METHODOLOGY, text=ON_TOPIC, card_id="cOn"),
            Card(paper_id="pAlso", summary_type=SummaryType.BACKGROUND, text=ALSO_ON_TOPIC, card_id="cAlso"),
            Card(paper_id="pOff", summary_type=SummaryType.METHODOLOGY, text=OFF_TOPIC, card_id="cOff"),
        ]
    )  # fmt: skip
    for pid, title in (
        ("pOn", "Hybrid Retrieval"),
        ("pAlso", "Drafting From Evidence"),
        ("pOff", "Rift Valley Fever"),
    ):
        store.upsert_paper(Paper(paper_id=pid, title=f"{title} in Practice", authors=["Ada Lovelace"], year=2022))  # fmt: skip
    return settings


def _project(settings: Settings, sections: dict[str, str], keys: dict[str, str]) -> Project:
    project = ProjectStore.from_settings(settings).create(TOPIC, lang="en")
    versions = VersionStore.from_settings(settings)
    ids = {"pOn": "cOn", "pAlso": "cAlso", "pOff": "cOff"}
    for section, text in sections.items():
        versions.save(
            SectionVersion(
                project_id=project.project_id,
                section=section,
                text=text,
                evidence_ids=[ids[p] for p in keys.values()],
                citation_keys=keys,
            )
        )
    return project


def _score(settings: Settings, project: Project) -> Scorecard:
    return score_project(settings, project)


def test_supported_on_topic_citations_pass(home: Settings) -> None:
    text = (
        "Hybrid retrieval of scientific evidence combines dense and lexical scores for drafting "
        "papers [1]. Drafting papers from retrieved scientific evidence needs citations that "
        "point to the evidence [2]."
    )
    card = _score(home, _project(home, {"method": text}, {"1": "pOn", "2": "pAlso"}))
    support = card.figure("citation_support")
    assert support.value == 1.0 and support.checked == 2 and support.passed
    assert card.figure("off_topic").value == 0.0 and card.figure("off_topic").passed
    assert card.figure("grounding").passed


def test_off_topic_citation_is_named_with_its_relevance(home: Settings) -> None:
    text = (
        "Hybrid retrieval of scientific evidence combines dense and lexical scores for drafting "
        "papers [1]. Rift Valley fever serology in cattle was measured in three provinces [2]."
    )
    card = _score(home, _project(home, {"method": text}, {"1": "pOn", "2": "pOff"}))
    figure = card.figure("off_topic")
    assert figure.value == 0.5 and not figure.passed
    assert (
        "Rift Valley" in figure.findings[0].text and "below the floor" in figure.findings[0].detail
    )


def test_swapped_citation_and_altered_number_are_unsupported(home: Settings) -> None:
    text = (
        "Hybrid retrieval combines dense and lexical scores [2]. The hybrid retrieval reached 0.74 nDCG@10 on the evidence drafting "
        "benchmark [1]."
    )
    card = _score(home, _project(home, {"method": text}, {"1": "pOn", "2": "pAlso"}))
    figure = card.figure("citation_support")
    assert figure.value == 0.0 and not figure.passed
    details = {x.text.split(" [")[0][:30]: x.detail for x in figure.findings}
    assert any("0.74" in d and "not in the cited evidence" in d for d in details.values())
    assert any("support" in d and "below" in d for d in details.values())
    grounding = card.figure("grounding")
    assert not grounding.passed and any("0.74" in x.detail for x in grounding.findings)


def test_empty_project_says_it_has_nothing_to_judge(home: Settings) -> None:
    project = ProjectStore.from_settings(home).create(TOPIC, lang="en")
    card = _score(home, project)
    assert card.figures == [] and not card.passed
    assert any("no drafted section" in note for note in card.notes)


def test_section_without_text_is_named_and_the_rest_is_judged(home: Settings) -> None:
    text = "Hybrid retrieval of scientific evidence combines dense and lexical scores for drafting papers [1]."
    card = _score(home, _project(home, {"method": text}, {"1": "pOn"}))
    assert any("'Introduction' has no text" in note for note in card.notes)
    assert card.figure("citation_support").value == 1.0
    short = [x.detail for x in card.figure("section_length").findings]
    assert "no text, target 800-1200: short" in short


def test_card_deleted_since_is_not_judged_for_relevance(home: Settings) -> None:
    text = "Rift Valley fever serology in cattle was measured in three provinces [1]."
    project = _project(home, {"method": text}, {"1": "pOff"})
    CardStore.open(home).delete_cards(["cOff"])
    card = _score(home, project)
    assert card.figure("off_topic").value is None
    assert "no longer in the library" in card.figure("off_topic").not_judged
    support = card.figure("citation_support")
    assert support.value == 0.0 and "cites no evidence" in support.findings[0].detail


def test_reference_without_authors_is_a_finding_not_a_crash(home: Settings) -> None:
    CardStore.open(home).upsert_paper(Paper(paper_id="pOn", title="Hybrid Retrieval in Practice"))
    text = "Hybrid retrieval of scientific evidence combines dense and lexical scores for drafting papers [1]."
    card = _score(home, _project(home, {"method": text}, {"1": "pOn"}))
    details = [x.detail for x in card.figure("reference_completeness").findings]
    edit = "edit the paper's record in the Library"
    assert details == [f"no authors: {edit}", f"no year: {edit}"]


def test_the_model_judge_over_http_decides_support(home: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`--judge MODEL`: one call per cited sentence to the configured model (the test server);
    its "no" overrides the offline verdict, an unreadable answer leaves the offline verdict."""
    from ragcore.llm import Gateway, load_llm_config
    from ragcore.llm.prompts import PromptLibrary
    from ragcore.quality.judge import ModelJudge
    from ragcore.testing import FakeOpenAIServer

    text = (
        "Hybrid retrieval of scientific evidence combines dense and lexical scores for drafting "
        "papers [1]. Drafting papers from retrieved scientific evidence needs citations that "
        "point to the evidence [2]."
    )
    project = _project(home, {"method": text}, {"1": "pOn", "2": "pAlso"})
    with FakeOpenAIServer() as server:
        server.reply_next("No.", "I cannot tell")
        gateway = Gateway(load_llm_config(server.write_llm_config(tmp_path / "llm.yaml")))
        judge = ModelJudge(gateway, PromptLibrary.from_settings(home), "test-model")
        card = score_project(home, project, judge=judge)
        prompts = [r.prompt for r in server.chat_requests]
    assert judge.calls == 2 and judge.failures == 1
    assert all("Does the evidence below support the sentence?" in p for p in prompts)
    figure = card.figure("citation_support")
    assert figure.value == 0.5
    assert figure.findings[0].detail == "the judge model says not supported"


def test_a_sentence_from_a_raw_text_passage_is_judged_against_that_passage(home: Settings) -> None:
    from ragcore.library.records import RawChunk

    passage = "The reranker was trained for three epochs on the citation graph of the benchmark."
    store = CardStore.open(home)
    store.add_raw_chunks(
        [RawChunk("pOn", "experiments", "4 Experiments", f"Setup. {passage} More.")]
    )
    project = ProjectStore.from_settings(home).create(TOPIC, lang="en")
    VersionStore.from_settings(home).save(
        SectionVersion(
            project_id=project.project_id,
            section="experiments",
            text=f"{passage} [1]",
            evidence_ids=["cOn"],
            evidence_texts=[ON_TOPIC, passage],
            citation_keys={"1": "pOn"},
        )
    )
    card = score_project(home, project)
    assert card.figure("citation_support").value == 1.0


def _intro_from(settings: Settings, text: str, card: Card) -> Scorecard:
    CardStore.open(settings).upsert_cards([card])
    project = ProjectStore.from_settings(settings).create(TOPIC, lang="en")
    VersionStore.from_settings(settings).save(
        SectionVersion(
            project_id=project.project_id,
            section="introduction",
            text=text,
            evidence_ids=[card.card_id],
            citation_keys={"1": card.paper_id},
        )
    )
    return _score(settings, project)


def _intro_length(card: Scorecard) -> tuple[str, str]:
    (finding,) = [f for f in card.figure("section_length").findings if f.section == "Introduction"]
    return finding.code.value, finding.detail


def test_a_short_section_whose_evidence_is_all_used_is_the_librarys_shortfall(
    home: Settings,
) -> None:
    card = Card(paper_id="pOn", summary_type=SummaryType.BACKGROUND, text=ON_TOPIC, card_id="cAll")
    text = ON_TOPIC.replace("papers.", "papers [1].").replace("benchmark.", "benchmark [1].")
    scorecard = _intro_from(home, text, card)
    code, detail = _intro_length(scorecard)
    assert code == "length.short_exhausted"
    assert "25 words, target 800-1200" in detail and "only 0 more words" in detail
    # Counted as meeting the figure; the four sections never drafted are not (no evidence).
    assert scorecard.figure("section_length").value == pytest.approx(1 / 5)


def test_a_short_section_with_enough_unused_evidence_fails(home: Settings) -> None:
    sentences = [
        f"Hybrid retrieval run {i} combined dense and lexical scores over {3 * i + 7} "
        "scientific papers for drafting their evaluation."
        for i in range(1, 80)
    ]
    card = Card(
        paper_id="pOn",
        summary_type=SummaryType.BACKGROUND,
        text=" ".join(sentences),
        card_id="cBig",
    )
    scorecard = _intro_from(home, f"{sentences[0][:-1]} [1].", card)
    code, detail = _intro_length(scorecard)
    assert code == "length.short_unused"
    assert "words of its evidence are unused" in detail
    assert scorecard.figure("section_length").value == 0.0
