"""The scorecard's words in the interface language. `ragcore.quality` writes its findings, notes
and "not judged" reasons in English for the CLI (`ragcore eval paper`); the studio shows them in
Chinese in the Chinese interface. Each English wording `ragcore.quality` produces has a rule
here (tests/pages/test_languages.py walks the Quality panel with findings present and fails on
an English string left in the Chinese interface); a rule's groups are the values the English
sentence carries (numbers, quoted text), kept as they are."""

from __future__ import annotations

import re

from studio.common import lang

_RULES: list[tuple[str, str]] = [
    # fragments
    (r"starts with punctuation: it begins mid-sentence", "以标点开头：从句子中间开始"),
    (r"starts with a lower-case word: it begins mid-sentence", "以小写单词开头：从句子中间开始"),
    (r'starts with a cut citation \("al\."\)', "以被截断的引用开头（“al.”）"),
    (r'starts with the year of a cut citation \("\(2015\), we \.\.\."\)',
     "以被截断引用的年份开头（“(2015), we ...”）"),
    (r"ends without a sentence end: it stops mid-sentence", "没有句末标点：句子在中间中断"),
    (r"ends on a word a sentence cannot end with: it was cut", "以不能结束句子的词结尾：句子被截断"),
    (r"extraction debris (.+)", r"提取残留字符 \1"),
    (r"a cut citation stub (.+)", r"被截断的引用片段 \1"),
    (r"a closing parenthesis without its opening: a cut-off piece of text",
     "只有右括号没有左括号：一段被截断的文字"),
    # grounding
    (r"(.+) is in none of the evidence", r"\1 不在任何证据中"),
    (r"a paper file does not carry the evidence its sections were written from",
     "论文文件不带有各章节写作所依据的证据"),
    # citation integrity
    (r"(.+?): a raw library key in the text, not a numbered citation",
     r"\1：正文中出现文献库原始编号，而不是编号引用"),
    (r"(.+?): an unresolved citation \(\[\?\]\): the citation was dropped",
     r"\1：未解析的引用（[?]）：该引用已丢失"),
    (r"(.+?): an author-year citation in a numbered paper: it matches no reference",
     r"\1：编号制论文中的作者-年份引用：与任何参考文献都不对应"),
    (r"(.+?): a full-width bracket marker: not a reference number",
     r"\1：全角方括号标记：不是参考文献编号"),
    (r"(.+?): cites \[(\d+)\] but the references list (\d+) entr(?:y|ies) \(cited but not listed\)",
     r"\1：引用了 [\2]，但参考文献只有 \3 条（引用了却未列出）"),
    (r"listed but never cited", "已列出但从未被引用"),
    # language
    (r"Chinese text (.+) in an English paper", r"英文论文中出现中文 \1"),
    (r"an English sentence in a Chinese paper", "中文论文中的英文句子"),
    (r"the paper has no sentences", "论文中没有句子"),
    # length
    (r"no text, target (\d+)-(\d+): short", r"没有正文，目标 \1–\2 字：过短"),
    (r"(\d+) words, target (\d+)-(\d+): short", r"\1 字，目标 \2–\3 字：过短"),
    (r"(\d+) words, target (\d+)-(\d+): long", r"\1 字，目标 \2–\3 字：过长"),
    (r"no length target for (.+) \(not a section of the plan\)", r"\1 没有长度目标（不是大纲中的章节）"),
    # off-topic
    (r"cites (.+): relevance ([\d.]+) to the topic, below the floor ([\d.]+)",
     r"引用 \1：与主题的相关度 \2，低于阈值 \3"),
    (r"(\d+) citation\(s\) of papers whose cards are no longer in the library or not in the "
     r"section's evidence", r"\1 处引用的论文，其卡片已不在文献库中或不在本节证据中"),
    (r"a paper file does not say which evidence each citation stands for; score the project",
     "论文文件不说明每处引用对应的证据；请对项目评分"),
    # references
    (r"(.+) \(as read from the entry\)", r"\1（按条目文字判断）"),
    (r"no title: the entry shows the paper id (.+)", r"没有标题：条目显示的是论文编号 \1"),
    (r"no title", "没有标题"),
    (r"the title (.+) is a hex string", r"标题 \1 是十六进制串"),
    (r"the title (.+) is a bare identifier", r"标题 \1 只是一个标识符"),
    (r"the title (.+) is a date", r"标题 \1 是日期"),
    (r"the title (.+) is a file name or placeholder", r"标题 \1 是文件名或占位符"),
    (r"the title (.+) is too short to be a title", r"标题 \1 太短，不像标题"),
    (r"the author (.+) is a software or database name, not a person", r"作者 \1 是软件或数据库名，不是人名"),
    (r"the author (.+) is not a name", r"作者 \1 不是人名"),
    (r"no authors", "没有作者"),
    (r"no year", "没有年份"),
    (r"the year (.+) is implausible", r"年份 \1 不合理"),
    (r"the library has no record of this paper \(no title, authors or year\)",
     "文献库中没有这篇论文的记录（没有标题、作者或年份）"),
    (r"the paper lists no references", "论文没有列出参考文献"),
    # repeats
    (r"nearly repeats a sentence of this section", "与本节的一个句子几乎重复"),
    (r"nearly repeats a sentence of (.+)", r"与「\1」中的一个句子几乎重复"),
    (r"repeats a sentence of this section", "重复了本节的一个句子"),
    (r"repeats a sentence of (.+)", r"重复了「\1」中的一个句子"),
    # statistics
    (r"not a number", "不是数字"),
    (r"the references list (\d+) papers", r"参考文献列出了 \1 篇论文"),
    (r"the text cites (\d+) listed papers", r"正文引用了 \1 篇已列出的论文"),
    (r"the sections count (\d+)", r"各章节合计 \1"),
    (r"papers used: (.+)", r"使用的论文：\1"),
    (r"total length: (.+)", r"总长度：\1"),
    (r"the paper has no statistics block", "论文没有统计信息块"),
    # citation support
    (r"states (.+), not in the cited evidence", r"陈述了 \1，但引用的证据中没有"),
    (r"support ([\d.]+) below ([\d.]+) \(meaning ([\d.]+), words ([\d.]+)\)",
     r"支持度 \1 低于 \2（语义 \3，词语 \4）"),
    (r"the judge model says not supported", "评审模型认为不被支持"),
    (r"cites no evidence of this section", "引用的不是本节的证据"),
    (r"a paper file does not carry the evidence its citations stand for; score the project",
     "论文文件不带有引用所代表的证据；请对项目评分"),
    (r"no sentence cites a listed reference", "没有句子引用已列出的参考文献"),
    # notes of the whole paper
    (r"section (.+) has no text: nothing in it was judged", r"章节 \1 没有正文：其中没有内容被评估"),
    (r"the project has no drafted section yet: draft it first", "项目还没有写好的章节：请先生成草稿"),
    (r"the paper has no section with text: nothing to judge", "论文没有带正文的章节：没有可评估的内容"),
    (r"off-topic citations, citation support and grounding need the evidence behind each "
     r"citation, which a paper file does not carry: score the project to judge them",
     "离题引用、引用有据和无据陈述需要每处引用背后的证据，论文文件不带有这些证据：请对项目评分"),
]  # fmt: skip
_COMPILED = [(re.compile(pattern + r"\Z", re.S), zh) for pattern, zh in _RULES]


def zh_quality(text: str) -> str:
    """The Chinese wording of one English scorecard string (unchanged when no rule knows it)."""
    for pattern, zh in _COMPILED:
        match = pattern.match(text)
        if match:
            # Values carried by the sentence may themselves be scorecard wordings
            # ("no authors (as read from the entry)"), so groups are translated too.
            return _filled(zh, match)
    return text


def _filled(template: str, match: re.Match[str]) -> str:
    """The template with `\\1`... replaced by the match's groups, each translated in turn."""
    return re.sub(r"\\(\d)", lambda ref: zh_quality(match.group(int(ref.group(1))) or ""), template)


def quality_text(text: str) -> str:
    """A scorecard string in the interface language."""
    return zh_quality(text) if lang() == "zh" else text
