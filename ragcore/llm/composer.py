"""The extractive composer: an answer made only of whole sentences taken from the evidence.

It reads the evidence blocks of a structured context (seed format and ours, Chinese and English):

    ### Background 总结                       ### Background summaries
    **总结1** (来源: 0728) [1]:                **Summary 1** (source: 0728) [1]:
    <card text>                                <card text>
    ### 参考原文                                ### Source excerpts
    **论文 0728 - 方法 章节** [1]:              **Paper 0728 - Methods section** [1]:
    片段1: <raw text>                           Excerpt 1: <raw text>

and writes sentences from them, each followed by its citation (`[k]`, or `[paper_id]` when the
context has no keys). Label prefixes ("核心思想: ") and markdown emphasis are dropped; the rest
of each sentence is the evidence verbatim. Trend statistics and writing requirements are not
evidence and are never used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ragcore.documents.section_context import SectionContext
from ragcore.library.cards import NOTE_PAPER_PREFIX
from ragcore.library.latin_glyphs import garbled_glyphs
from ragcore.text import (
    citation_stub,
    count_words,
    detect_lang,
    ends_dangling,
    formula_debris,
    is_truncated,
    lone_first_item,
    split_sentences,
    text_gap,
    unopened_parenthesis,
)

DEFAULT_TARGET = (150, 300)

_TYPE_HEADING = re.compile(r"^###\s+([A-Za-z][\w-]*)\s+(?:总结|[Ss]ummar(?:y|ies))\s*$")
_EXCERPT_HEADING = re.compile(r"^###\s+(?:参考原文|[Ss]ource excerpts?)\s*$")
_OTHER_HEADING = re.compile(
    r"^(?:#\s+\S|###\s+(?:研究趋势分析|写作要求|[Rr]esearch trends?|[Ww]riting requirements?)\s*$)"
)
_CARD = re.compile(
    r"^\*\*(?:总结|[Ss]ummary)\s*\d+\*\*\s*[(（](?:来源|[Ss]ource)\s*[:：]\s*([^)）]+?)\s*[)）]"
    r"\s*(?:\[([^\]]+)\])?\s*[:：]\s*(.*)$"
)
_PAPER = re.compile(
    r"^\*\*(?:论文|[Pp]aper)\s+(.+?)\s+-\s+[^*]+\*\*\s*(?:\[([^\]]+)\])?\s*[:：]?\s*$"
)
_SNIPPET = re.compile(r"^(?:片段|[Ee]xcerpt|[Ss]nippet)\s*\d+\s*[:：]\s*(.*)$")
_UNIT = r"\s*(?:个)?(?:字(?!符)|词|words?\b)"  # not "字符": "上下文长度：6719 字符" is no request
_RANGE = re.compile(r"(\d{2,5})\s*(?:-|–|—|~|～|到|至)\s*(\d{2,5})" + _UNIT)
_SINGLE = re.compile(r"(\d{2,5})" + _UNIT)

# Line furniture that is not content: list markers, heading hashes, emphasis.
_LIST_MARK = re.compile(
    r"^(?:#{1,6}\s*|[-*•·]\s+|\d{1,2}[.)、]\s*|[(（]\d{1,2}[)）]\s*|[一二三四五六七八九十]+[、.]\s*)+"
)
# "核心思想: ..." / "Core idea: ...": a short label (one CJK term or up to four words).
# A colon before "//" is an address's ("See https://github.com/..."), not a label's.
_LABEL = re.compile(
    r"^(?:[A-Za-z][\w/&-]*(?: [A-Za-z][\w/&-]*){0,3}|[^\s:：。，,；;]{1,16})\s*[:：](?!//)\s*(?=\S)"
)
_TYPE_NOTE = re.compile(r"\s*[(（]\s*(?:类型|[Tt]ype)\s*[:：]\s*\[[^\]]*\]\s*[)）]\s*$")
# Residue of prompt templates stored as cards (a seed defect) and notes about the summary itself.
_TEMPLATE = re.compile(
    r"##|简洁描述|请提供|请根据|例如，新|继续列出|^[(（]?注[:：]|^[(（]?[Nn]ote:|作为科研论文分析师"
)
_END_PUNCT = "。！？.!?；;"
_NUMBERED = r"[\[【]\s*\d{1,4}(?:\s*[-–,，、;；]\s*\d{1,4})*\s*[\]】]"  # [3], [4, 5], 【1-2】
_SOURCE_CITATION = re.compile(r"\s*" + _NUMBERED)
_BRACKETED_URL = re.compile(r"\[(https?://[^\]\s]+)\]")
# "Our code is available at https://...", "数据地址：https://...，密码：...": where the source's
# code or data can be had is the source's announcement, not a statement of the new paper (its
# reference list names the source).
_WEB_ADDRESS = re.compile(r"https?://|\bwww\.|github\.com", re.IGNORECASE)
_AVAILABILITY = re.compile(
    r"\b(?:available|availability|released?|download\w*|repository|code|open[- ]sourced?|hosted)"
    r"\b|开源|地址|下载|获取|密码|网址|链接|发布在",
    re.IGNORECASE,
)
# An aside of the source's author-year citations, "(Zhang et al., 2022)", "(Wu et al., 2013;
# Yu et al., 2014b)", "(Smith and Lee, 2020)": like a numbered one it points into the source's
# bibliography, not ours. Only an aside that is nothing but such citations goes; a narrative
# "Grundkiewicz et al. (2015) measure ..." keeps its names.
_ONE_AUTHOR_YEAR = (
    r"(?:see\s+|e\.g\.,?\s+|cf\.\s+)?[A-Z\u4e00-\u9fff][^()（）;；]{0,59}?"
    r"(?:et\s+al\.?|and\s+[^()（）;；,]{1,30}|等)"
    r"?,?\s*(?:19|20)\d{2}[a-z]?"
)
_AUTHOR_YEAR_ASIDE = re.compile(
    rf"\s*[(（]\s*{_ONE_AUTHOR_YEAR}(?:\s*[;；,，]\s*{_ONE_AUTHOR_YEAR})*\s*[)）]"
)
# The source paper's figures, tables, sections and equations: our draft has none of them. An
# aside that only points at one ("(Table 1)", "(see Methods for details)", "（见图2）") is
# dropped; a sentence that still names one ("as shown in Figure 2, ...", "本文第三章……") is
# left out, since it points at something the reader cannot find.
_FLOAT_LATIN = (
    r"(?:Supplementary\s+|Suppl\.\s+)?(?:Fig(?:ure)?s?\.?|Tables?|Tabs?\.|Sections?|Secs?\.|§"
    r"|Eqs?\.|Equations?|Algorithms?|Appendix|Appendices|Listings?)\s*[A-Z]?\d+[A-Za-z]?"
)
_FLOAT_CJK = (
    r"[图表]\s*\d+|第\s*[一二三四五六七八九十\d]+\s*[章节]|[上下][图表](?![现示明达述面层情态])"
)
_FLOAT = f"(?:{_FLOAT_LATIN}|{_FLOAT_CJK})"
_FLOAT_ASIDE = re.compile(
    r"\s*[(（]\s*(?:(?:see|cf\.|as in|as shown in|见|参见|如)\s*)?(?:"
    + _FLOAT
    + r"(?:[A-Za-z]|[-–,，、]\s*\d*[A-Za-z]?|\s*(?:and|&|和)\s*\d+[A-Za-z]?)*"
    + r"|(?:the\s+)?(?:Methods|Supplementary (?:Material|Information)|Appendix))"
    + r"(?:\s+(?:for|and)\s+(?:more\s+)?details)?\s*[)）]",
    re.IGNORECASE,
)
_FLOAT_REFERENCE = re.compile(rf"(?<![\w-])(?:{_FLOAT_LATIN})(?!\w)|{_FLOAT_CJK}", re.IGNORECASE)
# A citation the sentence reads as a word: after a preposition ("method in [12]", "see [3]"),
# as its subject ("[3] showed that ..."), or named as a work in Chinese ("文献[12]提出",
# "参考了文献[12]", "参见[3]", "如[3]所述").
_CITATION_AS_WORD = re.compile(
    r"(?:\b(?:in|by|of|see|from|than|to|with|following|cf\.|e\.g\.,?|i\.e\.,?)\s*|^\s*"
    r"|(?:文献|参见|见|如|据|按照|采用|参考)\s*)" + _NUMBERED,
    re.IGNORECASE,
)


@dataclass(frozen=True)
class EvidenceBlock:
    kind: str  # "card" or "excerpt"
    section: str  # summary type label ("Background") or "excerpt"
    source: str  # paper id
    key: str | None  # citation key from the context, e.g. "1"
    text: str
    evidence_id: str = ""  # the card or note the text is ("" for excerpts and raw text)

    @property
    def citation(self) -> str:
        return f"[{self.key or self.source}]"

    @property
    def from_paper(self) -> bool:
        """A source paper's text (not a user's note, nor a prompt quoted as its evidence)."""
        return bool(self.source) and not self.source.startswith(NOTE_PAPER_PREFIX)


@dataclass(frozen=True)
class ComposedSentence:
    text: str  # verbatim from the evidence (minus label prefix / emphasis)
    source: str
    key: str | None
    section: str
    position: tuple[int, int] = (0, 0)  # (block, sentence) in the context: keeps papers together


@dataclass
class ComposedText:
    text: str
    sentences: list[ComposedSentence] = field(default_factory=list)
    lang: str = "zh"
    target: tuple[int, int] = DEFAULT_TARGET

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(s.source for s in self.sentences))

    @property
    def words(self) -> int:
        return count_words(self.text)


def parse_evidence(prompt: str) -> list[EvidenceBlock]:
    """Evidence blocks of a structured context, in order; other parts are ignored."""
    blocks: list[EvidenceBlock] = []
    section: str | None = None
    paper: tuple[str, str | None] | None = None
    current: dict[str, object] | None = None
    lines: list[str] = []

    def close() -> None:
        nonlocal current
        if current is not None and "\n".join(lines).strip():
            blocks.append(EvidenceBlock(text="\n".join(lines).strip(), **current))  # type: ignore[arg-type]
        current = None
        lines.clear()

    for line in prompt.splitlines():
        stripped = line.strip()
        if heading := _TYPE_HEADING.match(stripped):
            close()
            section, paper = heading.group(1), None
        elif _EXCERPT_HEADING.match(stripped):
            close()
            section, paper = "excerpt", None
        elif _OTHER_HEADING.match(stripped):
            close()
            section, paper = None, None
        elif section not in (None, "excerpt") and (card := _CARD.match(stripped)):
            close()
            current = {
                "kind": "card",
                "section": section,
                "source": card.group(1),
                "key": card.group(2),
            }
            lines.append(card.group(3))
        elif section == "excerpt" and (head := _PAPER.match(stripped)):
            close()
            paper = (head.group(1), head.group(2))
        elif section == "excerpt" and paper and (snippet := _SNIPPET.match(stripped)):
            close()
            current = {"kind": "excerpt", "section": "excerpt", "source": paper[0], "key": paper[1]}
            lines.append(snippet.group(1))
        elif current is not None:
            lines.append(line)
    close()
    return blocks


def requested_length(prompt: str) -> tuple[int, int] | None:
    """The length a prompt asks for ("字数控制在800-1200字之间", "800-1200 words", "约500字")."""
    if match := _RANGE.search(prompt):
        low, high = sorted((int(match.group(1)), int(match.group(2))))
        return low, high
    if match := _SINGLE.search(prompt):
        value = int(match.group(1))
        return int(value * 0.8), int(value * 1.2)
    return None


def clean_sentences(
    text: str, min_words: int | None = None, *, from_paper: bool = False
) -> list[str]:
    """Whole, informative sentences of one evidence text, each verbatim after light cleaning;
    `from_paper`: the text is a source paper's (a card, an excerpt, raw text), so its authors'
    first person is theirs (`attributed`), not that of a user's note or prompt."""
    out: list[str] = []
    for line in _statement_lines(text):
        sentences = split_sentences(line)
        if sentences and is_truncated(sentences[-1]):
            sentences.pop()  # the card was cut off mid-sentence: drop the stub, keep the rest
        for sentence in sentences:
            if _CITATION_AS_WORD.search(sentence):
                continue  # "as in [12]", "[3] showed": without the citation a hole is left
            if _WEB_ADDRESS.search(sentence) and _AVAILABILITY.search(sentence):
                continue
            # The source paper's own citations ("[23]", "[4, 5]") point into its bibliography,
            # not ours: kept, they would read as (wrong) citations of our evidence.
            sentence = _SOURCE_CITATION.sub("", sentence).strip()
            sentence = _AUTHOR_YEAR_ASIDE.sub("", sentence).strip()
            # "archived on OSF [https://osf.io/t3fqa/]": in brackets an address reads as a
            # broken citation of ours.
            sentence = _BRACKETED_URL.sub(r"(\1)", sentence)
            sentence = _FLOAT_ASIDE.sub("", sentence)
            if from_paper:
                sentence = attributed(sentence)
            if _FLOAT_REFERENCE.search(sentence):
                continue
            if _informative(sentence, min_words) and is_whole_sentence(sentence):
                out.append(sentence)
    return out


# The source's authors speak of themselves ("We propose ...", "our method", "本文提出……",
# "我们构造了……"); quoted as they are, the new paper would claim their work as its own, with
# their citation after it. Each such word becomes the cited authors' (the sentence carries their
# citation): the only words the extractive composer changes. Sentence starts first, so that a
# capital stays a capital and "Our" does not become a leaning "Their".
_SELF_REFERENCE_EN = (
    (re.compile(r"^We\b"), "The authors"),
    (re.compile(r"^Our\b"), "The authors'"),
    (re.compile(r"^(In|For|With) this (paper|work|study|article|thesis)\b"), r"\1 the cited \2"),
    (re.compile(r"^This (paper|work|study|article|thesis)\b"), r"The cited \1"),
    (re.compile(r"\bwe\b"), "the authors"),
    (re.compile(r"\bour\b"), "their"),
    (re.compile(r"\bus\b"), "them"),
    (re.compile(r"\bourselves\b"), "themselves"),
    (re.compile(r"\bthis (paper|work|study|article|thesis)\b"), r"the cited \1"),
)
_SELF_REFERENCE_ZH = (
    (re.compile(r"我们|笔者|本文作者"), "作者"),
    (re.compile(r"本(文|研究|工作|论文)"), r"该\1"),
)


def attributed(sentence: str) -> str:
    """The sentence with its source authors' first person turned to the cited authors."""
    rules = _SELF_REFERENCE_ZH if detect_lang(sentence) == "zh" else _SELF_REFERENCE_EN
    for pattern, replacement in rules:
        sentence = pattern.sub(replacement, sentence)
    return sentence


_BULLET = re.compile(r"^[-*•·]\s+")
_CLAUSE_PUNCT = re.compile(r"[，,；;。！？!?：:]")
_CJK_LABEL = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fff/、]{1,9}$")


def _statement_lines(text: str) -> list[str]:
    """The text's lines without list furniture, labels and template residue. A Chinese card
    states many facts as a label and a bare noun phrase ("研究领域: 分布式深度学习训练优化",
    or "潜在应用:" over a bulleted list of phrases); with the label cut off, a phrase reads as a
    fragment in a paper, so it becomes one sentence with its label ("研究领域为……。",
    "潜在应用包括……、……和……。"): the label and the phrases are the card's own words."""
    lines: list[str] = []
    header: str | None = None
    items: list[str] = []

    def flush() -> None:
        if header and items:
            lines.append(_listed(header, items))
        items.clear()

    for raw_line in text.splitlines():
        stripped = raw_line.strip().replace("**", "")
        line = _LIST_MARK.sub("", stripped).strip()
        if not line or _TEMPLATE.search(line):
            continue
        label, bullet = line.rstrip(" :："), bool(_BULLET.match(stripped))
        if line[-1] in ":：" and _CJK_LABEL.match(label):
            flush()
            header = label  # a label over the lines that follow
            continue
        if bullet and header and _noun_phrase(line):
            items.append(line.rstrip("。；;"))
            continue
        flush()
        if not bullet:
            header = None
        lines.append(_TYPE_NOTE.sub("", _labelled(line)).strip())
    flush()
    return lines


def _noun_phrase(text: str) -> bool:
    """A short Chinese phrase of one clause (no clause punctuation): a label's value."""
    return detect_lang(text) == "zh" and len(text) <= 40 and not _CLAUSE_PUNCT.search(text)


# A Chinese value that starts with its predicate has the label for its subject: a list of
# datasets or resources ("HSK6：来源于汉语水平考试的作文", "字混淆集：包含读音相近的汉字").
_PREDICATE_START = re.compile(
    r"^(?:是|为(?!了)|指|即|包含|包括|来源于|来自|源于|用于|表示|由|收集|涵盖)"
)


def _labelled(line: str) -> str:
    """`label: value` as the value alone, or as one sentence with its Chinese label when the
    value cannot stand alone (a bare noun phrase, a "如何……" question, a predicate whose
    subject is the label)."""
    match = _LABEL.match(line)
    if not match:
        return line
    label, value = match.group(0).rstrip(" :："), line[match.end() :].strip()
    if _CJK_LABEL.match(label) and _noun_phrase(value.rstrip("。")):
        return f"{label}为{value.rstrip('。')}。"
    if _CJK_LABEL.match(label) and value.startswith("如何"):  # "核心问题: 如何……": a question
        return f"{label}是{value}"
    if _PREDICATE_START.match(value):  # "HSK6：来源于……" -> "HSK6来源于……"
        return f"{label}{value}"
    return value


def _listed(label: str, items: list[str]) -> str:
    if len(items) == 1:
        return f"{label}为{items[0]}。"
    return f"{label}包括{'、'.join(items[:-1])}和{items[-1]}。"


# A sentence that starts mid-word or mid-clause ("t al., 2020), Deng et al", ", which ..."),
# or carries extraction debris (bullets, replacement characters), is a fragment.
_FRAGMENT_START = re.compile(
    r"^(?:[a-z]|[,.;:)\]}/，。；：）】、]|et al\b|[(（][a-z][)）]\s|\d+\s*[:：]"
    r"|[(（](?:19|20)\d{2}[a-z]?[)）]\s*[,，]?\s*[a-z])"  # "(2015), we ...": a cut citation
)
# Extraction debris: bullets, replacement characters, the commas a removed citation leaves
# ("proposed in,,, see also"), LaTeX math and unresolved references ("(REF )").
_DEBRIS = re.compile(r"[•▪●■\ufffd\x00-\x08$]|,\s*,|\bREF\b|\\[a-zA-Z]+\{")
# A sentence "ending" at an abbreviation was cut there by the splitter ("as shown in Fig.").
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:Figs?|Secs?|Eqs?|Refs?|Tabs?|No|cf|vs|resp|al|e\.g|i\.e)\.|\[Fig\.?)$"
)
_LATIN_END = re.compile(r"[.!?][\"'”’)\]]*$")


def is_whole_sentence(sentence: str) -> bool:
    """True for a sentence that starts and ends as a sentence: no fragment of a line cut out of
    a PDF, no bullet debris; a Latin sentence must end with its full stop."""
    text = sentence.strip()
    if not text or _FRAGMENT_START.match(text) or _DEBRIS.search(text):
        return False
    if text_gap(text) or formula_debris(text) or garbled_glyphs(text):
        return False
    if _ABBREVIATION_END.search(text.rstrip("[]0123456789, ")) or ends_dangling(text):
        return False
    if citation_stub(text) or unopened_parenthesis(text) or lone_first_item(text):
        return False
    return detect_lang(text) != "en" or bool(_LATIN_END.search(text))


def _informative(sentence: str, min_words: int | None) -> bool:
    if sentence.endswith((":", "：")) or is_truncated(sentence):
        return False
    # A line of a few words is a label or heading, not a statement.
    needed = min_words if min_words is not None else (12 if detect_lang(sentence) == "zh" else 6)
    return count_words(sentence) >= needed


def blocks_from_context(context: SectionContext) -> list[EvidenceBlock]:
    """The evidence of a structured context, as structure: each card with its type and key,
    each excerpt fragment cited by the key of its paper's cards (a fragment of a paper no card
    cites has no key and is left out: a raw paper id is never a citation)."""
    keys: dict[str, str] = {}
    blocks: list[EvidenceBlock] = []
    for summary_type, card in context.cards():
        if card.citation:
            keys.setdefault(card.paper_id, card.citation)
        key = card.citation or None
        blocks.append(
            EvidenceBlock(
                "card", summary_type.label, card.paper_id, key, card.text, card.evidence_id
            )
        )
    for excerpt in context.excerpts:
        if excerpt.paper_id not in keys:
            continue
        for fragment in excerpt.fragments:
            key = keys[excerpt.paper_id]
            blocks.append(EvidenceBlock("excerpt", "excerpt", excerpt.paper_id, key, fragment))
    return blocks


def compose_extractive(
    prompt: str,
    *,
    lang: str | None = None,
    target_words: tuple[int, int] | None = None,
    max_words: int | None = None,
) -> ComposedText:
    """Compose an answer from the evidence in `prompt` (see module doc); never invents text.

    This is the LiteLLM offline provider's path, which receives a prompt as text; drafting
    passes structured evidence to `compose_blocks` instead. `lang` and `target_words` default
    to what the prompt asks for. Without evidence blocks the whole prompt is the evidence (e.g.
    a paper to summarise), cited by nothing.
    """
    blocks = parse_evidence(prompt)
    lang = lang or detect_lang(_instructions(prompt, blocks))
    target = target_words or requested_length(prompt) or DEFAULT_TARGET
    if max_words is not None:
        target = (min(target[0], max_words), min(target[1], max_words))
    if not blocks:
        # No structured evidence (e.g. a paper to summarise, a quick chat): the prompt is it.
        whole = EvidenceBlock("card", "text", "", None, prompt)
        candidates = _candidates([whole], lang, min_words=1)
        if not any(any(b) for section in candidates.values() for b in section):
            candidates = _candidates([whole], detect_lang(prompt), min_words=1)
        chosen = select_sentences(candidates, target)
        return ComposedText(render_sentences(chosen, lang), chosen, lang, target)
    return compose_blocks(blocks, lang=lang, target=target)


def compose_blocks(
    blocks: list[EvidenceBlock], *, lang: str, target: tuple[int, int] = DEFAULT_TARGET
) -> ComposedText:
    """Whole sentences of the evidence in `lang` (other-language evidence is used through a
    real model only), chosen round-robin over papers within the length target."""
    chosen = select_sentences(_candidates(blocks, lang), target)
    return ComposedText(render_sentences(chosen, lang), chosen, lang, target)


def sentence_fingerprint(sentence: str) -> str:
    """A sentence compared without citations, spacing and punctuation (finds repeats)."""
    return re.sub(r"\W", "", _MARKER.sub("", sentence)).casefold()


_MARKER = re.compile(r"\[[^\[\]\n]{1,40}\]|【[^【】\n]{1,20}】")


def _instructions(prompt: str, blocks: list[EvidenceBlock]) -> str:
    """The prompt without its evidence: the instructions say which language is wanted."""
    rest = prompt
    for block in blocks:
        rest = rest.replace(block.text, "")
    return rest if rest.strip() else prompt


def _candidates(
    blocks: list[EvidenceBlock], lang: str, min_words: int | None = None
) -> dict[str, list[list[ComposedSentence]]]:
    """Sentences in `lang` per section and block, deduplicated."""
    seen: set[str] = set()
    sections: dict[str, list[list[ComposedSentence]]] = {}
    for block_index, block in enumerate(blocks):
        same: list[ComposedSentence] = []
        sentences = clean_sentences(block.text, min_words, from_paper=block.from_paper)
        for sentence_index, sentence in enumerate(sentences):
            fingerprint = sentence_fingerprint(sentence)
            if fingerprint in seen or detect_lang(sentence) != lang:
                continue
            seen.add(fingerprint)
            position = (block_index, sentence_index)
            same.append(
                ComposedSentence(sentence, block.source, block.key, block.section, position)
            )
        sections.setdefault(block.section, []).append(same)
    return sections


def select_sentences(
    sections: dict[str, list[list[ComposedSentence]]], target: tuple[int, int]
) -> list[ComposedSentence]:
    """Round-robin over the papers of each section, each section its share of the length."""
    low, high = target
    goal = (low + high) // 2
    queues = {name: _round_robin(blocks) for name, blocks in sections.items()}
    queues = {name: queue for name, queue in queues.items() if queue}
    share = goal // max(1, len(queues))
    picked: dict[str, list[ComposedSentence]] = {name: [] for name in queues}
    total = 0
    for name, queue in queues.items():
        used = 0
        while queue and (used < share or not picked[name]):
            size = count_words(queue[0].text)
            if total + size > high:
                break
            picked[name].append(queue.pop(0))
            used, total = used + size, total + size
    for name, queue in queues.items():  # fill up to the goal with what is left, in order
        while queue and total < goal:
            size = count_words(queue[0].text)
            if total + size > high:
                break
            picked[name].append(queue.pop(0))
            total += size
    _keep_antecedents(sections, picked)
    # Chosen round-robin for coverage, written paper by paper so each paragraph reads in order.
    return [s for name in queues for s in sorted(picked[name], key=lambda s: s.position)]


# A sentence opening with these leans on the one before it in its source ("However, ...",
# "These methods ...", "此外，……"): without that sentence just before it, it reads as a
# reply to something the paper never said.
_LEANS_BACK = re.compile(
    r"^(?:(?:However|But|Moreover|Furthermore|In addition|Additionally|Nor|Thus|Therefore|Hence"
    r"|Also|Consequently|As a result|In contrast|Similarly|Likewise|Instead|Still|Yet|Otherwise"
    r"|Then|Finally|Second|Secondly|Third|Thirdly|Lastly|On the other hand|Conversely"
    r"|Accordingly|Meanwhile|At the same time|In particular|For example|For instance"
    r"|To this end|As such|Nevertheless|Nonetheless|In turn|We then|The authors then"
    # "This paper proposes ..." names its own paper, as "We propose" does: no antecedent.
    r"|This(?!\s+(?:paper|work|study|article|thesis|survey|review|research)\b)"
    r"|These|Those|Such|It|They|Its|Their"
    # "Currently, they are ...": an opening adverb does not make the pronoun stand alone.
    r"|(?:Currently|Today|Now|Here|Again|Overall|Generally|Typically|Usually|\w+ly),\s+"
    r"(?:they|it|these|those|such|its|their|this(?!\s+(?:paper|work|study|article)\b)))\b(?![-\w])"
    r"|(?:然而|但是|但|此外|因此|所以|另外|而且|并且|同时|其次|最后|这些|这种|这一|上述|它们?|他们))"
)


def leans_back(sentence: str) -> bool:
    return bool(_LEANS_BACK.match(sentence))


def antecedent(sentence: ComposedSentence) -> tuple[int, int] | None:
    """Where the sentence this one leans on sits (the one just before it in its source), or
    None when it stands alone. Card selection and raw fill both keep a leaning sentence only
    right after this one."""
    if not leans_back(sentence.text):
        return None
    block, index = sentence.position
    return (block, index - 1)


def _keep_antecedents(
    sections: dict[str, list[list[ComposedSentence]]],
    picked: dict[str, list[ComposedSentence]],
) -> None:
    """A picked sentence that leans back keeps the sentence just before it in its source (added
    when it was not picked, and so on back); one whose antecedent is not in its block (the
    block's first, or the sentence went to another section) is left out."""
    for name, blocks in sections.items():
        if name not in picked:
            continue
        chosen = {id(s) for s in picked[name]}
        for block in blocks:
            at = {s.position: s for s in block}
            # Back to front, so an added antecedent that leans back brings its own; then front
            # to back, so a sentence whose antecedent could not stay goes too.
            for sentence in reversed(block):
                needed = antecedent(sentence)
                before = at.get(needed) if needed and id(sentence) in chosen else None
                if before is not None and id(before) not in chosen:
                    chosen.add(id(before))
                    picked[name].append(before)
            for sentence in block:
                needed = antecedent(sentence)
                if needed and (needed not in at or id(at[needed]) not in chosen):
                    chosen.discard(id(sentence))
        picked[name] = [s for s in picked[name] if id(s) in chosen]


def _round_robin(blocks: list[list[ComposedSentence]]) -> list[ComposedSentence]:
    out: list[ComposedSentence] = []
    for depth in range(max((len(b) for b in blocks), default=0)):
        out.extend(block[depth] for block in blocks if depth < len(block))
    return out


# Raw-text passages are told one paragraph each (their own paragraphs, not one wall of text).
_PASSAGE_KINDS = ("raw",)


def render_sentences(sentences: list[ComposedSentence], lang: str) -> str:
    """One paragraph per kind of evidence (a summary type), and per passage of raw text."""
    paragraphs: list[list[str]] = []
    last: tuple[str, int] | None = None
    for sentence in sentences:
        block = sentence.position[0] if sentence.section in _PASSAGE_KINDS else -1
        if (sentence.section, block) != last:
            paragraphs.append([])
            last = (sentence.section, block)
        paragraphs[-1].append(_cite(sentence, lang))
    joiner = "" if lang == "zh" else " "
    return "\n\n".join(joiner.join(p) for p in paragraphs)


_HAN = "\u4e00-\u9fff"
_ZH_PUNCT = [
    (re.compile(rf"(?<=[{_HAN}）)%\d]),(?=[{_HAN}（(])|(?<=[{_HAN}）)]),"), "，"),
    (re.compile(rf"(?<=[{_HAN}）)]):"), "："),
    (re.compile(rf"(?<=[{_HAN}）)]);"), "；"),
    (re.compile(rf"(?<=[{_HAN}）)])\.(?=[{_HAN}（(]|$)"), "。"),
]


def chinese_punctuation(text: str) -> str:
    """Half-width , : ; . written between Chinese words (CSL records, text converted from
    PDFs or Word) as a Chinese paper prints them: ，：；。 Numbers ("1,000", "3.5") keep theirs."""
    for pattern, mark in _ZH_PUNCT:
        text = pattern.sub(mark, text)
    return text


def _cite(sentence: ComposedSentence, lang: str) -> str:
    """Put the citation before the sentence's final punctuation (adding one if it has none)."""
    text = chinese_punctuation(sentence.text) if lang == "zh" else sentence.text
    if text[-1] in "；;":  # a list item ending in a semicolon ends its sentence here
        text = text[:-1] + ("。" if lang == "zh" else ".")
    marker = f"[{sentence.key or sentence.source}]" if (sentence.key or sentence.source) else ""
    if text[-1] in _END_PUNCT:
        return f"{text[:-1]}{marker}{text[-1]}"
    return f"{text}{marker}{'。' if lang == 'zh' else '.'}"
