"""The finished paper Markdown of `seeds/004_*.txt`.

Layout (English headings in brackets):

    # <title>

    > **生成时间**: 2025年09月01日 16:45:17          [> **Generated at**: ...]
    > **用户需求**: <topic>                         [> **Topic**: ...]

    ---

    ## 引言
    <body>

    ---

    ## 参考文献                                     [## References]
    [1] <entry>

    ---

    ## 生成统计信息                                  [## Generation statistics]

    - **总字数**: 1234                               [- **Total length**: ...]

Metadata and statistics are ordered key/value pairs. Known keys are rendered with the labels
of `META_LABELS` / `STAT_LABELS` in the paper's language; other keys are printed as given.
A section body may contain `---` or `## ` lines, but not a `---` rule directly followed by a
`## ` heading: that pair is what separates sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ragcore.documents._common import ParseIssue

META_LABELS = {
    "generated_at": {"zh": "生成时间", "en": "Generated at"},
    "topic": {"zh": "用户需求", "en": "Topic"},
    "model": {"zh": "模型", "en": "Model"},
}
STAT_LABELS = {
    "total_words": {"zh": "总字数", "en": "Total length"},
    "generation_time": {"zh": "生成时间", "en": "Generation time"},
    "papers_used": {"zh": "使用的论文数量", "en": "Papers used"},
    "model": {"zh": "模型", "en": "Model"},
}
_HEADINGS = {
    "references": {"zh": "参考文献", "en": "References"},
    "stats": {"zh": "生成统计信息", "en": "Generation statistics"},
}


@dataclass
class PaperSection:
    heading: str
    body: str


@dataclass
class PaperDocument:
    title: str
    meta: dict[str, str] = field(default_factory=dict)  # keys: META_LABELS keys or labels
    sections: list[PaperSection] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # entry texts, cited as [1], [2], ...
    stats: dict[str, str] = field(default_factory=dict)  # keys: STAT_LABELS keys or labels
    lang: str = "zh"
    issues: list[ParseIssue] = field(default_factory=list, compare=False)


_SPLIT_RE = re.compile(r"^---[ \t]*\n(?:[ \t]*\n)*(?=## )", re.M)
_META_RE = re.compile(r"^>\s*\*\*(?P<label>.+?)\*\*\s*[:：]\s?(?P<value>.*?)\s*$")
_STAT_RE = re.compile(r"^-\s*\*\*(?P<label>.+?)\*\*\s*[:：]\s?(?P<value>.*?)\s*$")
_REFERENCE_RE = re.compile(r"^\[(\d+)\]\s*(?P<text>.*)$")


def _label(key: str, table: dict[str, dict[str, str]], lang: str) -> str:
    return table[key][lang] if key in table else key


def _key(label: str, table: dict[str, dict[str, str]], lang: str) -> str:
    return next((key for key, names in table.items() if names[lang] == label), label)


# ---------------------------------------------------------------- rendering


def render_paper(paper: PaperDocument) -> str:
    lang = "en" if paper.lang == "en" else "zh"
    # Two trailing spaces: a Markdown line break, so the metadata lines stay on separate lines.
    meta = [f"> **{_label(k, META_LABELS, lang)}**: {v}  " for k, v in paper.meta.items()]
    blocks = ["\n".join([f"# {paper.title}", "", *meta]).rstrip()]
    blocks += [f"## {s.heading}\n\n{s.body.strip()}" for s in paper.sections]
    if paper.references:
        entries = "\n\n".join(f"[{n}] {text}" for n, text in enumerate(paper.references, 1))
        blocks.append(f"## {_HEADINGS['references'][lang]}\n\n{entries}")
    if paper.stats:
        stats = "\n".join(
            f"- **{_label(k, STAT_LABELS, lang)}**: {v}" for k, v in paper.stats.items()
        )
        blocks.append(f"## {_HEADINGS['stats'][lang]}\n\n{stats}")
    return "\n\n---\n\n".join(blocks) + "\n"


# ------------------------------------------------------------------ parsing


def _parse_head(head: str, paper: PaperDocument) -> None:
    for line in head.splitlines():
        stripped = line.strip()
        if stripped.startswith("# ") and not paper.title:
            paper.title = stripped[2:].strip()
        elif match := _META_RE.match(stripped):
            paper.meta[match.group("label")] = match.group("value")


def _parse_references(body: str, paper: PaperDocument) -> None:
    for line in body.splitlines():
        if match := _REFERENCE_RE.match(line.strip()):
            paper.references.append(match.group("text").strip())
        elif paper.references and line.strip():
            paper.references[-1] += " " + line.strip()  # a wrapped entry


def _parse_stats(body: str, paper: PaperDocument) -> None:
    for line in body.splitlines():
        if match := _STAT_RE.match(line.strip()):
            paper.stats[match.group("label")] = match.group("value")


def _detect_lang(head: str, headings: list[str]) -> str:
    english = {names["en"] for names in _HEADINGS.values()}
    english_meta = any(f"**{names['en']}**" in head for names in META_LABELS.values())
    return "en" if english_meta or english & set(headings) else "zh"


def parse_paper(text: str) -> PaperDocument:
    """Parse the paper Markdown (Chinese or English headings); never raises on content."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    blocks = _SPLIT_RE.split(text)
    paper = PaperDocument(title="")
    head, rest = blocks[0], blocks[1:]
    headings = [block.split("\n", 1)[0][3:].strip() for block in rest]
    paper.lang = _detect_lang(head, headings)
    _parse_head(head, paper)
    paper.meta = {_key(k, META_LABELS, paper.lang): v for k, v in paper.meta.items()}
    for block in rest:
        heading, _, body = block.partition("\n")
        heading, body = heading[3:].strip(), body.strip()
        if heading in (_HEADINGS["references"]["zh"], _HEADINGS["references"]["en"]):
            _parse_references(body, paper)
        elif heading in (_HEADINGS["stats"]["zh"], _HEADINGS["stats"]["en"]):
            _parse_stats(body, paper)
        else:
            paper.sections.append(PaperSection(heading, body))
    paper.stats = {_key(k, STAT_LABELS, paper.lang): v for k, v in paper.stats.items()}
    if not paper.title:
        paper.issues.append(ParseIssue(1, "no `# title` line found"))
    return paper


def looks_like_paper(text: str) -> bool:
    head = text.lstrip("\ufeff").lstrip()[:1500]
    return head.startswith("# ") and bool(re.search(r"^>\s*\*\*.+?\*\*\s*[:：]", head, re.M))
