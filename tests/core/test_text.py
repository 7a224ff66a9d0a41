from ragcore.text import (
    count_words,
    cut_at_sentence,
    detect_lang,
    ends_properly,
    is_truncated,
    split_sentences,
)


def test_language_detection() -> None:
    assert detect_lang("基于深度学习的图像分类方法研究") == "zh"
    assert detect_lang("Image classification with deep learning") == "en"
    assert detect_lang("我们在 ImageNet 上评估了 ResNet-50 的 Top-1 准确率") == "zh"


def test_length_counts_chinese_characters_plus_english_words() -> None:
    assert count_words("深度学习 deep learning") == 4 + 2
    assert count_words("准确率达到 94.2%") == 5 + 1


def test_sentences_split_in_both_languages_without_breaking_decimals() -> None:
    text = "We reach 94.2% accuracy. It is 3.7x faster! 我们提出方法。效果显著？"
    assert split_sentences(text) == [
        "We reach 94.2% accuracy.",
        "It is 3.7x faster!",
        "我们提出方法。",
        "效果显著？",
    ]


def test_truncation_and_proper_endings() -> None:
    assert is_truncated("核心思想是...")
    assert is_truncated("core idea …")
    assert not ends_properly("当检测到新类别")
    assert ends_properly("本文提出了新方法。")
    assert ends_properly("1. item one\n2. item two")


def test_cut_at_sentence_never_cuts_mid_sentence() -> None:
    text = "第一句话。第二句话比较长一些。第三句。"
    assert cut_at_sentence(text, 12) == "第一句话。"
    assert cut_at_sentence(text, 100) == text


def test_a_full_stop_after_an_abbreviation_ends_no_sentence() -> None:
    text = "It was done. Following Grundkiewicz et al. (2015), we measure r. See Fig. 3 for it."
    assert split_sentences(text) == [
        "It was done.",
        "Following Grundkiewicz et al. (2015), we measure r.",
        "See Fig. 3 for it.",
    ]


def test_an_enumeration_after_a_chinese_semicolon_stays_one_sentence() -> None:
    text = (
        "这种差异进而影响两方面性能：(1) 已知类别样本的分类准确性；(2) 新类别样本的聚类效果。"
        "其根源在于信号的不对称性。方法一很快；方法二很准。"
    )
    assert split_sentences(text) == [
        "这种差异进而影响两方面性能：(1) 已知类别样本的分类准确性；(2) 新类别样本的聚类效果。",
        "其根源在于信号的不对称性。",
        "方法一很快；",
        "方法二很准。",
    ]
    assert split_sentences("包括：①数据；②模型；③训练。") == ["包括：①数据；②模型；③训练。"]


def test_half_width_full_stop_between_chinese_sentences_ends_one() -> None:
    text = "其重要性不言而喻.针对现阶段问题,采用全过程管理模式.结论 疗效较好(P＜0.05).图3.1所示。"
    assert split_sentences(text) == [
        "其重要性不言而喻.",
        "针对现阶段问题,采用全过程管理模式.",
        "结论 疗效较好(P＜0.05).",
        "图3.1所示。",
    ]
