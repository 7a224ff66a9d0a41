"""A small fixed library with known answers, embedded with the deterministic fake embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragcore.library.cards import Card, Paper, SummaryType
from ragcore.library.store import CardStore, RawChunk
from ragcore.settings import Settings, load_settings

# paper id -> (title, language, {type: text}); each paper is about one clear topic.
LIBRARY: dict[str, tuple[str, str, dict[str, str]]] = {
    "img-cnn": (
        "Deep convolutional networks for image classification",
        "en",
        {
            "background": "Image classification assigns a label to each image. Convolutional "
            "neural networks dominate image classification benchmarks such as ImageNet.",
            "methodology": "We train a deep convolutional neural network with residual blocks "
            "for image classification. Data augmentation uses random crops and flips.",
            "metric": "We report top-1 and top-5 accuracy on the ImageNet validation set.",
        },
    ),
    "img-vit": (
        "Vision transformers for image recognition",
        "en",
        {
            "background": "Transformers split an image into patches and classify the image "
            "with self-attention instead of convolutions.",
            "methodology": "A vision transformer encodes image patches with self-attention and "
            "a classification token predicts the image class.",
        },
    ),
    "gpu-cluster": (
        "Scheduling deep learning jobs on GPU clusters",
        "en",
        {
            "background": "Shared GPU clusters run many distributed training jobs; the "
            "scheduler decides which job gets which GPU.",
            "methodology": "Our scheduler packs training jobs onto GPU servers to reduce job "
            "completion time and fragmentation.",
        },
    ),
    "zh-seg": (
        "基于深度学习的医学图像分割方法",
        "zh",
        {
            "background": "医学图像分割是计算机辅助诊断的基础。深度学习方法显著提高了图像分割的精度。",
            "methodology": "本文提出一种基于卷积神经网络的医学图像分割方法，使用编码器和解码器结构提取特征。",
        },
    ),
    "zh-rec": (
        "基于图神经网络的推荐系统",
        "zh",
        {
            "background": "推荐系统帮助用户在海量商品中找到感兴趣的内容。图神经网络能够建模用户和商品之间的关系。",
            "methodology": "我们构建用户商品二部图，并使用图神经网络学习用户和商品的表示，用于推荐。",
        },
    ),
}


def library_cards() -> list[Card]:
    return [
        Card(paper_id=pid, summary_type=SummaryType.parse(t), text=text, title=title)
        for pid, (title, _lang, texts) in LIBRARY.items()
        for t, text in texts.items()
    ]


@pytest.fixture
def retrieval_settings(tmp_path: Path) -> Settings:
    settings = load_settings(home=tmp_path / "home", embedder="fake")
    settings.retrieval.relevance_floor = 0.2
    return settings


@pytest.fixture
def library(retrieval_settings: Settings) -> CardStore:
    store = CardStore.open(retrieval_settings)
    store.upsert_cards(library_cards())
    for pid, (title, lang, _texts) in LIBRARY.items():
        store.upsert_paper(Paper(paper_id=pid, title=title, lang=lang))
    store.add_raw_chunks(
        [
            RawChunk(
                "img-cnn",
                "method",
                "3 Method",
                "Our network stacks residual blocks of convolutions. Each block adds its input "
                "to its output, which eases the training of very deep image classifiers. "
                "We train with stochastic gradient descent for ninety epochs on eight GPUs and "
                "decay the learning rate by ten every thirty epochs until convergence",
            ),
            RawChunk(
                "img-vit",
                "method",
                "3 Model",
                "The image is split into sixteen by sixteen patches. Each patch is embedded "
                "linearly and a class token is prepended.",
            ),
        ]
    )
    return store
