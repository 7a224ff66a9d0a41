"""Section writing over real HTTP (the gateway's test server) and with the offline provider:
streaming, continuation on finish_reason="length", stop, and faults in generate-all."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from ragcore.drafting.notes import DraftNote
from ragcore.drafting.versions import VersionStore
from ragcore.drafting.writer import SectionInput, SectionWriter, join_continuation
from ragcore.llm import Gateway
from ragcore.llm.composer import sentence_fingerprint
from ragcore.progress import ProgressEvent
from ragcore.retrieval.sectionplan import SectionPlan
from ragcore.testing import FakeOpenAIServer
from ragcore.testing.openai_server import Behaviour
from ragcore.text import split_sentences
from ragcore.wording import codes_of
from tests.drafting.conftest import request, section_input, server_gateway

WriterFactory = Callable[..., SectionWriter]
GOOD = "本文的方法基于自适应边缘损失[1]，并结合伪标签对比聚类[2]。"


def test_offline_generate_all_plans_the_paper_once(
    make_writer: WriterFactory, inputs: list[SectionInput], versions: VersionStore
) -> None:
    """Every section gets the same three cards: the offline plan uses each sentence once, in
    the section whose role fits it; the others are written from the brief and say so."""
    deltas: dict[str, str] = {}
    events: list[ProgressEvent] = []
    results = make_writer(Gateway()).write_all(
        request(), inputs, concurrency=2, progress=events.append, on_delta=deltas.__setitem__
    )
    assert list(results) == [s.spec.key for s in inputs]
    seen: list[str] = []
    for key, version in results.items():
        if not version.text:  # nothing left for it: failed, and the message says why
            assert version.status == "failed" and "没有写出任何内容" in version.message
            continue
        assert version.origin == "extractive" and version.status == "complete"
        assert version.model_used == "offline/extractive" and deltas[key] == version.text
        assert version.template_id == f"section/{key}" and version.brief_version == 1
        assert versions.current("p1", key) == version
        seen += [sentence_fingerprint(s) for s in split_sentences(version.text)]
    assert len(seen) == len(set(seen)), "no sentence twice in the paper"
    method = results["method"]
    assert "[1]" in method.text and "[2]" in method.text  # Methodology fits Method best
    assert method.checks.citation_issues == []
    assert "[3]" in results["conclusion"].text  # Innovations fits Conclusion before Intro
    intro = results["introduction"]  # no card fits it: written from the brief, said so
    assert DraftNote.BRIEF_ONLY in codes_of(intro.checks.warnings) and "纲要" not in intro.text
    assert any("纲要" in line for line in intro.checks.lines("zh"))
    assert events[-1].stage == "draft" and events[-1].done == events[-1].total == len(inputs)
    assert {e.stage for e in events} >= {f"section:{s.spec.key}" for s in inputs}


def test_offline_composition_follows_the_rhetorical_order(
    make_writer: WriterFactory, plan: SectionPlan
) -> None:
    version = make_writer(Gateway()).write(request(), section_input(plan, "method"))
    text = version.text
    assert text.index("自适应边缘损失") < text.index("微调自监督")  # Methodology, then Innovations
    # three cards cannot fill 800 words, and the review says so
    assert DraftNote.SHORT in codes_of(version.checks.warnings)


def test_streamed_section_sends_the_brief_and_records_everything(
    make_writer: WriterFactory, plan: SectionPlan, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.reply_next(GOOD)
    streamed: list[str] = []
    version = make_writer(server_gateway(server, tmp_path / "llm.yaml")).write(
        request("test-model"),
        section_input(plan, "method"),
        on_delta=lambda _k, text: streamed.append(text),
    )
    assert version.status == "complete" and version.text == GOOD and version.origin == "generated"
    assert streamed[-1] == GOOD and len(streamed) > 5
    prompt = server.chat_requests[0].prompt
    assert (
        "PaceSync" in prompt and "论文纲要" in prompt and "[1]" in prompt and "800-1200" in prompt
    )
    assert version.tokens_in > 0 and version.tokens_out > 0 and version.finish_reason == "stop"
    assert version.model_used == "test-model" and version.evidence_ids == [
        "card1",
        "card2",
        "card3",
    ]


def test_length_stop_is_continued_until_the_section_ends(
    make_writer: WriterFactory, plan: SectionPlan, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.script(
        Behaviour.length("本文的方法基于自适应边缘损失[1]，并且"),
        Behaviour.reply("并且结合伪标签对比聚类[2]。"),
    )
    version = make_writer(server_gateway(server, tmp_path / "llm.yaml")).write(
        request("test-model"), section_input(plan, "method")
    )
    assert version.text == "本文的方法基于自适应边缘损失[1]，并且结合伪标签对比聚类[2]。"
    assert version.status == "complete" and version.continuations == 1
    follow_up = server.chat_requests[1].body["messages"]
    assert follow_up[-2]["role"] == "assistant" and "继续" in follow_up[-1]["content"]


def test_continuation_is_bounded_and_then_marked_incomplete(
    make_writer: WriterFactory, plan: SectionPlan, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.script(*[Behaviour.length(f"第{n}段文字，没有写完") for n in range(5)])
    version = make_writer(server_gateway(server, tmp_path / "llm.yaml"), max_continuations=2).write(
        request("test-model"), section_input(plan, "method")
    )
    assert version.status == "incomplete" and version.continuations == 2
    assert "长度" in version.message and len(server.chat_requests) == 3


def test_a_text_ending_mid_sentence_is_marked_incomplete(
    make_writer: WriterFactory, plan: SectionPlan, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.reply_next("移除动态资源调度器会使边缘设备")  # the seed's cut-off ending
    version = make_writer(server_gateway(server, tmp_path / "llm.yaml")).write(
        request("test-model"), section_input(plan, "method")
    )
    assert version.status == "incomplete" and version.checks.no_citations


def test_stop_keeps_what_arrived(
    make_writer: WriterFactory, plan: SectionPlan, tmp_path: Path, versions: VersionStore
) -> None:
    with FakeOpenAIServer(token_latency=0.005, default_reply=GOOD * 20) as slow:
        cancel = threading.Event()

        def stop_after_some(_key: str, text: str) -> None:
            if len(text) > 30:
                cancel.set()

        version = make_writer(server_gateway(slow, tmp_path / "llm.yaml")).write(
            request("test-model"),
            section_input(plan, "method"),
            on_delta=stop_after_some,
            cancel=cancel,
        )
    assert version.status == "stopped" and 30 < len(version.text) < len(GOOD * 20)
    assert versions.current("p1", "method") == version  # kept, and usable


def test_faults_mid_way_keep_finished_sections_and_regenerate_works(
    make_writer: WriterFactory,
    inputs: list[SectionInput],
    server: FakeOpenAIServer,
    tmp_path: Path,
    versions: VersionStore,
) -> None:
    server.script(
        Behaviour.reply(GOOD),
        Behaviour.error(500),
        Behaviour.error(429),
        Behaviour.hang(5),
        Behaviour.cut(4, GOOD),
    )
    writer = make_writer(server_gateway(server, tmp_path / "llm.yaml", timeout=1.0))
    results = writer.write_all(request("test-model"), inputs, concurrency=1)
    status = {key: (v.status, v.message) for key, v in results.items()}
    assert status["introduction"] == ("complete", "")
    assert status["related_work"][0] == "failed" and "500" in status["related_work"][1]
    assert status["method"][0] == "failed" and "429" in status["method"][1]
    assert status["experiments"][0] == "failed" and "in time" in status["experiments"][1]
    # A cut stream is continued like one stopped by the length limit (issue 17.3).
    assert status["conclusion"] == ("complete", "") and results["conclusion"].continuations == 1
    assert results["conclusion"].text.startswith(GOOD[:4])  # what arrived before the cut is kept
    assert versions.current("p1", "introduction") == results["introduction"]
    assert versions.current("p1", "method") is None  # a failure never becomes the current text
    server.reply_next(GOOD)
    again = writer.write(request("test-model"), inputs[2])
    assert again.status == "complete" and versions.current("p1", "method") == again
    assert versions.current("p1", "introduction") == results["introduction"]  # untouched


def test_join_continuation_drops_a_repeated_overlap() -> None:
    assert (
        join_continuation("我们提出了一种新的方法，", "提出了一种新的方法，它很快。")
        == "我们提出了一种新的方法，它很快。"
    )
    assert join_continuation("Short", " text.") == "Short text."


def test_model_citations_are_normalised_and_unknown_ones_removed_with_a_warning(
    make_writer: WriterFactory, plan: SectionPlan, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    """Over real HTTP: a model's `[1,2]`, `[1-3]`, `【1】`, `(2)`, raw paper ids and keys of
    nothing become the section's keys or are removed; the export has no `[?]` and no raw key."""
    from ragcore.drafting.export import export_paper
    from ragcore.library.cards import Paper

    server.reply_next(
        "自适应边缘损失同步学习速度[1,2]。伪标签对比聚类提升判别性【2】。"
        "微调主干网络更好（3）。三种方法互补[1-3]。同样见于[paperA]。"
        "另有研究[arxiv:2212.11772]。还有[9]。"
    )
    version = make_writer(server_gateway(server, tmp_path / "llm.yaml")).write(
        request("test-model"), section_input(plan, "method")
    )
    assert version.text == (
        "自适应边缘损失同步学习速度[1, 2]。伪标签对比聚类提升判别性[2]。"
        "微调主干网络更好[3]。三种方法互补[1, 2, 3]。同样见于[1]。另有研究。还有。"
    )
    assert version.checks.citation_issues == []
    # Noted as codes; worded in the paper's language (a Chinese paper's review appendix is
    # Chinese) or in the interface language on Draft.
    notes = version.checks.warnings
    assert codes_of(notes) == [DraftNote.REMOVED_NAME, DraftNote.REMOVED_NUMBER]
    removed = [line for line in version.checks.lines("zh") if line.startswith("已删除引用")]
    assert removed == [
        "已删除引用 [arxiv:2212.11772]：它不指向本节的任何证据",
        "已删除引用 [9]：没有这个编号的证据",
    ]
    assert not any("removed citation" in line for line in version.checks.lines("zh"))
    assert "removed citation [9]: no such evidence key" in version.checks.lines("en")
    paper = export_paper(
        title="t", topic="t", lang="zh", plan=plan, versions={"method": version},
        papers=lambda pid: Paper(paper_id=pid, title=f"Title of {pid}"),
    ).markdown  # fmt: skip
    assert "[?]" not in paper and "arxiv:" not in paper and "paperA]" not in paper
