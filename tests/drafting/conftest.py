"""Fixtures of the drafting tests: a small evidence set, the section plan, gateways (offline and
a real OpenAI-compatible test server on loopback), and the stores in a temporary home."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from ragcore.documents.section_context import ContextCard, SectionContext, TypeBlock
from ragcore.drafting.brief import Brief
from ragcore.drafting.versions import VersionStore
from ragcore.drafting.writer import DraftRequest, SectionInput, SectionWriter
from ragcore.library.cards import SummaryType
from ragcore.llm import Gateway, load_llm_config
from ragcore.llm._litellm import litellm
from ragcore.llm.prompts import PromptLibrary
from ragcore.retrieval.sectionplan import SectionPlan, load_plan
from ragcore.settings import OFFLINE_MODEL, Settings
from ragcore.testing import FakeOpenAIServer

CARDS = {
    "1": (
        "paperA",
        "Methodology",
        "本文提出自适应边缘损失，用于同步已知类别与新类别的学习速度。该损失根据每个类别的学习进度动态调整分类边缘。",
    ),
    "2": (
        "paperB",
        "Methodology",
        "伪标签对比聚类损失把置信度高的未标记样本组成正样本对，从而提升新类别特征的判别性。实验在CIFAR-10上进行。",
    ),
    "3": (
        "paperC",
        "Innovations",
        "微调自监督预训练的主干网络比冻结主干网络学到更具判别性的特征，在ImageNet-100上平均准确率提升3.1个百分点。",
    ),
}


def context_text(keys: dict[str, tuple[str, str, str]] = CARDS) -> str:
    """A structured context in the seed format, each card carrying its citation key."""
    lines = ["# 生成论文方法部分的参考资料", ""]
    last_type = ""
    for n, (key, (paper, type_label, text)) in enumerate(keys.items(), 1):
        if type_label != last_type:
            lines += [f"### {type_label} 总结", ""]
            last_type = type_label
        lines += [f"**总结{n}** (来源: {paper}) [{key}]:", text, ""]
    return "\n".join(lines)


@pytest.fixture
def plan() -> SectionPlan:
    return load_plan()


def structured_context(keys: dict[str, tuple[str, str, str]] = CARDS) -> SectionContext:
    """The same evidence as structure (what the pipeline hands the writer)."""
    blocks: dict[str, TypeBlock] = {}
    for key, (paper, type_label, text) in keys.items():
        block = blocks.setdefault(type_label, TypeBlock(SummaryType.parse(type_label)))
        block.cards.append(ContextCard(paper, text, key))
    return SectionContext(section="方法", type_blocks=list(blocks.values()))


def section_input(plan: SectionPlan, key: str) -> SectionInput:
    return SectionInput(
        spec=plan.find(key),
        context=context_text(),
        citation_keys={k: paper for k, (paper, _, _) in CARDS.items()},
        evidence_ids=[f"card{k}" for k in CARDS],
        evidence_texts=[text for _, _, text in CARDS.values()],
        structured=structured_context(),
    )


@pytest.fixture
def inputs(plan: SectionPlan) -> list[SectionInput]:
    return [section_input(plan, spec.key) for spec in plan.sections]


BRIEF = Brief(
    title="开放世界半监督图像分类中的学习速度同步",
    research_question="如何在未标记数据含有新类别时同时学好已知类别与新类别？",
    method_name="PaceSync",
    method_idea="用自适应边缘损失同步已知类别与新类别的学习速度。",
    contributions=["分析学习速度偏差。", "提出 PaceSync 方法。", "在公开数据集上验证。"],
    datasets=["CIFAR-10", "ImageNet-100"],
    metrics=["准确率"],
)


def request(model: str = OFFLINE_MODEL, lang: str = "zh") -> DraftRequest:
    return DraftRequest("p1", "基于深度学习的图像分类方法研究", lang, model, BRIEF, brief_version=1)


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorten LiteLLM's retry sleep only; the retry logic under test is unchanged."""
    monkeypatch.setattr(litellm.utils, "INITIAL_RETRY_DELAY", 0.01)
    monkeypatch.setattr(litellm.utils, "JITTER", 0.0)


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as running:
        yield running


def server_gateway(server: FakeOpenAIServer, path: Path, timeout: float = 2.0) -> Gateway:
    entry = {
        "model_name": "test-model",
        "litellm_params": {
            "model": "openai/test-model",
            "api_base": server.base_url,
            "api_key": "none",
        },
    }
    path.write_text(
        yaml.safe_dump(
            {"model_list": [entry], "router_settings": {"num_retries": 0, "timeout": timeout}}
        )
    )
    return Gateway(load_llm_config(path), default_model="test-model")


@pytest.fixture
def versions(settings: Settings) -> VersionStore:
    return VersionStore.from_settings(settings)


@pytest.fixture
def make_writer(settings: Settings, versions: VersionStore) -> Callable[[Gateway], SectionWriter]:
    def build(gateway: Gateway, max_continuations: int = 2) -> SectionWriter:
        return SectionWriter(
            gateway,
            PromptLibrary.from_settings(settings),
            versions,
            max_continuations=max_continuations,
        )

    return build
