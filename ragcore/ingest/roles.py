"""Section roles from heading words (Chinese and English), and from position when the heading
says nothing (e.g. "4 A one-dimensional model problem" between introduction and conclusion)."""

from __future__ import annotations

import re

from ragcore.ingest.model import ROLES

# Order matters twice: the earliest match in a heading wins, and at the same position the
# longer phrase wins ("experimental results" is results, "experiments" alone is experiments).
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "abstract": ("abstract", "摘要", "内容提要"),
    "introduction": (
        "introduction",
        "motivation",
        "引言",
        "绪论",
        "导论",
        "前言",
        "简介",
        "研究背景",
        "引 言",
    ),
    "related work": (
        "related work",
        "related works",
        "related literature",
        "literature review",
        "prior work",
        "previous work",
        "previous studies",
        "background",
        "state of the art",
        "背景",  # like "background": related work after an introduction (see sections.py)
        "研究进展",
        "相关工作",
        "研究现状",
        "文献综述",
        "国内外研究现状",
        "理论基础",
        "相关研究",
    ),
    "method": (
        "method",
        "methods",
        "methodology",
        "approach",
        "proposed",
        "model",
        "models",
        "framework",
        "algorithm",
        "algorithms",
        "architecture",
        "design",
        "preliminaries",
        "preliminary",
        "notation",
        "problem formulation",
        "problem statement",
        "problem definition",
        "formulation",
        "theory",
        "proof",
        "proofs",
        "main result",
        "main results",
        "方法",
        "模型",
        "算法",
        "框架",
        "设计",
        "原理",
        "问题定义",
        "预备知识",
    ),
    "experiments": (
        "experiment",
        "experiments",
        "experimental setup",
        "experimental settings",
        "experimental setting",
        "evaluation",
        "evaluations",
        "dataset",
        "datasets",
        "data",
        "setup",
        "implementation",
        "case study",
        "case studies",
        "simulation",
        "simulations",
        "empirical study",
        "实验",
        "数据集",
        "实验设置",
        "实验设计",
        "评估",
        "评测",
        "评价指标",
        "评测指标",
        "评估指标",
        "评价标准",
        "评测标准",
        "仿真",
        "实证",
    ),
    "results": (
        "results",
        "result",
        "experimental results",
        "findings",
        "performance",
        "comparison",
        "ablation",
        "ablation study",
        "analysis",
        "结果",
        "实验结果",
        "结果分析",
        "消融",
        "性能",
    ),
    "discussion": (
        "discussion",
        "discussions",
        "limitation",
        "limitations",
        "threats to validity",
        "讨论",
        "局限",
    ),
    "conclusion": (
        "conclusion",
        "conclusions",
        "concluding remarks",
        "summary",
        "future work",
        "outlook",
        "final remarks",
        "结论",
        "总结",
        "结语",
        "结束语",
        "展望",
        "小结",
    ),
    "appendix": (
        "appendix",
        "appendices",
        "supplementary",
        "supplemental",
        "supporting information",
        "附录",
    ),
    "references": ("references", "bibliography", "works cited", "literature cited", "参考文献"),
    "other": (
        "authors",
        "author information",
        "acknowledgment",
        "acknowledgments",
        "acknowledgement",
        "acknowledgements",
        "funding",
        "author contributions",
        "competing interests",
        "conflict of interest",
        "conflicts of interest",
        "data availability",
        "code availability",
        "online content",
        "ethics",
        "致谢",
        "作者贡献",
    ),
}
ORDER = ROLES[:-1]  # document order; "other" has no place in it
_RANK = {role: index for index, role in enumerate(ORDER)}


def _pattern(phrase: str) -> str:
    if re.search(r"[\u4e00-\u9fff]", phrase):
        return re.escape(phrase).replace(r"\ ", r"\s*")
    return r"\b" + re.escape(phrase).replace(r"\ ", r"\s+") + r"\b"


_MATCHERS = [
    (role, phrase, re.compile(_pattern(phrase), re.IGNORECASE))
    for role, phrases in _KEYWORDS.items()
    for phrase in phrases
]


def role_from_words(title: str) -> str | None:
    """The role a heading's own words name, or None."""
    best: tuple[int, int, str] | None = None
    for role, phrase, matcher in _MATCHERS:
        found = matcher.search(title)
        if found and (best is None or (found.start(), -len(phrase)) < (best[0], best[1])):
            best = (found.start(), -len(phrase), role)
    return best[2] if best else None


def is_keyword_heading(title: str) -> bool:
    """True when the whole line is a standard heading ("Introduction", "参考文献", "Related Work:")."""
    bare = title.strip().lower()
    return any(bare == phrase for phrases in _KEYWORDS.values() for phrase in phrases) or bare in {
        "acknowledgments",
        "conclusions and future work",
        "results and discussion",
        "conclusion and future work",
    }


def role_from_position(previous: str | None, following: str | None) -> str:
    """Role of a top-level section whose heading names none, from its known neighbours."""
    before = _RANK.get(previous or "", -1)
    after = _RANK.get(following or "", len(ORDER))
    if before >= _RANK["conclusion"]:
        return "appendix"
    if before >= _RANK["experiments"] and after >= _RANK["discussion"]:
        return "results"
    if before >= _RANK["abstract"] and after >= _RANK["method"]:
        return "method"
    return "other"
