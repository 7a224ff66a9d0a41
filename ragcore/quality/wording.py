"""The scorecard's words. A finding, a "not judged" reason and a note carry a stable `Code` and
the values they quote (numbers, sentences, titles); they are worded at the edge, in the
language asked for, by `ragcore.wording.describe` (re-exported here): `describe(phrase, "zh")`.
The CLI and `--json` word them in English, the studio in the interface language. Each code has a
wording in every language of `WORDINGS` (tests/quality/test_wordings.py checks it).
"""

from __future__ import annotations

from enum import StrEnum

from ragcore.wording import SEPARATORS, Coded, Phrase, Value, describe, plain_values, register

__all__ = [
    "EN",
    "SEPARATORS",
    "WORDINGS",
    "ZH",
    "Code",
    "Coded",
    "Phrase",
    "Value",
    "describe",
    "plain_values",
]


class Code(StrEnum):
    # fragments (the last seven are `ragcore.text.Flaw` kinds)
    STARTS_PUNCTUATION = "fragment.starts_punctuation"
    STARTS_LOWER = "fragment.starts_lower"
    STARTS_CUT_CITATION = "fragment.starts_cut_citation"
    STARTS_CUT_YEAR = "fragment.starts_cut_year"
    ENDS_MID = "fragment.ends_mid"
    ENDS_DANGLING = "fragment.ends_dangling"
    DEBRIS = "fragment.debris"
    CITATION_STUB = "fragment.citation_stub"
    CLOSING_PARENTHESIS = "fragment.closing_parenthesis"
    LONE_ITEM = "fragment.lone_item"
    GAP = "fragment.gap"
    EMPTY_BRACKETS = "fragment.empty_brackets"
    COMMA_GAP = "fragment.comma_gap"
    FORMULA = "fragment.formula"
    BRACES = "fragment.braces"
    OPENING_PARENTHESIS = "fragment.opening_parenthesis"
    OPERATOR = "fragment.operator"
    GARBLED_GLYPHS = "fragment.garbled_glyphs"
    # grounding
    UNGROUNDED = "grounding.not_in_evidence"
    GROUNDING_FILE = "grounding.file"
    # citation integrity
    RAW_KEY = "integrity.raw_key"
    UNRESOLVED = "integrity.unresolved"
    AUTHOR_YEAR = "integrity.author_year"
    WIDE = "integrity.wide"
    NOT_LISTED = "integrity.not_listed"
    UNCITED = "integrity.uncited"
    # language purity
    CHINESE_IN_ENGLISH = "language.chinese_in_english"
    ENGLISH_IN_CHINESE = "language.english_in_chinese"
    NO_SENTENCES = "language.no_sentences"
    # section length
    EMPTY_SHORT = "length.empty"
    SHORT = "length.short"
    SHORT_UNUSED = "length.short_unused"  # evidence left unused would have reached the target
    SHORT_EXHAUSTED = "length.short_exhausted"  # the library's shortfall: not a failure
    LONG = "length.long"
    NO_TARGET = "length.no_target"
    # off-topic citations
    BELOW_FLOOR = "off_topic.below_floor"
    RELEVANCE_UNKNOWN = "off_topic.relevance_unknown"
    OFF_TOPIC_FILE = "off_topic.file"
    # reference completeness
    NO_TITLE = "reference.no_title"
    TITLE_SHOWS_ID = "reference.title_shows_id"
    TITLE_HEX = "reference.title_hex"
    TITLE_ID = "reference.title_id"
    TITLE_DATE = "reference.title_date"
    TITLE_PLACEHOLDER = "reference.title_placeholder"
    TITLE_SHORT = "reference.title_short"
    AUTHOR_SOFTWARE = "reference.author_software"
    AUTHOR_NOT_NAME = "reference.author_not_name"
    NO_AUTHORS = "reference.no_authors"
    NO_YEAR = "reference.no_year"
    YEAR_IMPLAUSIBLE = "reference.year_implausible"
    IN_RECORD = "reference.in_record"
    AS_READ = "reference.as_read"
    NO_RECORD = "reference.no_record"
    NO_REFERENCES = "reference.none_listed"
    # repeats
    REPEATS_HERE = "repeat.this_section"
    REPEATS = "repeat.other_section"
    NEAR_REPEATS_HERE = "repeat.near_this_section"
    NEAR_REPEATS = "repeat.near_other_section"
    # statistics
    NOT_A_NUMBER = "statistics.not_a_number"
    LISTED_PAPERS = "statistics.listed_papers"
    CITED_PAPERS = "statistics.cited_papers"
    COUNTED_LENGTH = "statistics.counted_length"
    NO_STATISTICS = "statistics.none"
    # citation support
    NUMBERS_MISSING = "support.numbers_missing"
    LOW_SUPPORT = "support.low"
    JUDGE_SAYS_NO = "support.judge_says_no"
    NO_CITED_EVIDENCE = "support.no_cited_evidence"
    SUPPORT_FILE = "support.file"
    NOTHING_CITED = "support.nothing_cited"
    # notes on the whole paper
    SECTION_EMPTY = "note.section_empty"
    NOTHING_DRAFTED = "note.nothing_drafted"
    NO_TEXT = "note.no_text"
    FILE_LIMITS = "note.file_limits"
    NOT_A_PAPER = "note.not_a_paper"
    NOT_UTF8 = "note.not_utf8"


EN: dict[Code, str] = {
    Code.STARTS_PUNCTUATION: "starts with punctuation: it begins mid-sentence",
    Code.STARTS_LOWER: "starts with a lower-case word: it begins mid-sentence",
    Code.STARTS_CUT_CITATION: 'starts with a cut citation ("al.")',
    Code.STARTS_CUT_YEAR: 'starts with the year of a cut citation ("(2015), we ...")',
    Code.ENDS_MID: "ends without a sentence end: it stops mid-sentence",
    Code.ENDS_DANGLING: "ends on a word a sentence cannot end with: it was cut",
    Code.DEBRIS: "extraction debris {piece!r}",
    Code.CITATION_STUB: "a cut citation stub {piece!r}",
    Code.CLOSING_PARENTHESIS: "a closing parenthesis without its opening: a cut-off piece of text",
    Code.LONE_ITEM: "an enumeration with only its first item {piece!r}: the rest was cut off",
    Code.GAP: "a gap where a citation or name was removed ({piece!r})",
    Code.EMPTY_BRACKETS: "empty brackets where a citation was removed ({piece!r})",
    Code.COMMA_GAP: "a gap before a comma where text was removed ({piece!r})",
    Code.FORMULA: "formula debris ({piece!r})",
    Code.BRACES: "braces that do not pair up: a cut formula",
    Code.OPENING_PARENTHESIS: "an opening parenthesis without its closing: a cut-off piece of text",
    Code.OPERATOR: "an operator where a sentence starts: a piece of a formula",
    Code.GARBLED_GLYPHS: "Latin text a PDF turned into Chinese characters: {piece}",
    Code.UNGROUNDED: "{claim} is in none of the evidence",
    Code.GROUNDING_FILE: "a paper file does not carry the evidence its sections were written from",
    Code.RAW_KEY: "{marker}: a raw library key in the text, not a numbered citation",
    Code.UNRESOLVED: "{marker}: an unresolved citation ([?]): the citation was dropped",
    Code.AUTHOR_YEAR: "{marker}: an author-year citation in a numbered paper: it matches no reference",
    Code.WIDE: "{marker}: a full-width bracket marker: not a reference number",
    Code.NOT_LISTED: "{marker}: cites [{number}] but the references list "
    "{listed:plural:entry:entries} (cited but not listed)",
    Code.UNCITED: "listed but never cited",
    Code.CHINESE_IN_ENGLISH: "Chinese text {piece!r} in an English paper",
    Code.ENGLISH_IN_CHINESE: "an English sentence in a Chinese paper",
    Code.NO_SENTENCES: "the paper has no sentences",
    Code.EMPTY_SHORT: "no text, target {low}-{high}: short",
    Code.SHORT: "{length} words, target {low}-{high}: short",
    Code.SHORT_UNUSED: "{length} words, target {low}-{high}: short, while {unused} words of its "
    "evidence are unused",
    Code.SHORT_EXHAUSTED: "{length} words, target {low}-{high}: short, but not for the "
    "pipeline: its evidence holds only {unused} more words; add papers on the topic",
    Code.LONG: "{length} words, target {low}-{high}: long",
    Code.NO_TARGET: "no length target for {headings:quoted} (not a section of the plan)",
    Code.BELOW_FLOOR: "cites {paper_id}: relevance {relevance:.2f} to the topic, below the floor "
    "{floor:.2f}",
    Code.RELEVANCE_UNKNOWN: "{count} citation(s) of papers whose cards are no longer in the "
    "library or not in the section's evidence",
    Code.OFF_TOPIC_FILE: "a paper file does not say which evidence each citation stands for; "
    "score the project",
    Code.NO_TITLE: "no title",
    Code.TITLE_SHOWS_ID: "no title: the entry shows the paper id {paper_id!r}",
    Code.TITLE_HEX: "the title {title!r} is a hex string",
    Code.TITLE_ID: "the title {title!r} is a bare identifier",
    Code.TITLE_DATE: "the title {title!r} is a date",
    Code.TITLE_PLACEHOLDER: "the title {title!r} is a file name or placeholder",
    Code.TITLE_SHORT: "the title {title!r} is too short to be a title",
    Code.AUTHOR_SOFTWARE: "the author {author!r} is a software or database name, not a person",
    Code.AUTHOR_NOT_NAME: "the author {author!r} is not a name",
    Code.NO_AUTHORS: "no authors",
    Code.NO_YEAR: "no year",
    Code.YEAR_IMPLAUSIBLE: "the year {year} is implausible",
    Code.IN_RECORD: "{problem}: edit the paper's record in the Library",
    Code.AS_READ: "{problem} (as read from the entry)",
    Code.NO_RECORD: "the library has no record of this paper (no title, authors or year)",
    Code.NO_REFERENCES: "the paper lists no references",
    Code.REPEATS_HERE: "repeats a sentence of this section",
    Code.REPEATS: "repeats a sentence of {section}",
    Code.NEAR_REPEATS_HERE: "nearly repeats a sentence of this section",
    Code.NEAR_REPEATS: "nearly repeats a sentence of {section}",
    Code.NOT_A_NUMBER: "not a number",
    Code.LISTED_PAPERS: "the references list {count} papers",
    Code.CITED_PAPERS: "the text cites {count} listed papers",
    Code.COUNTED_LENGTH: "the sections count {count}",
    Code.NO_STATISTICS: "the paper has no statistics block",
    Code.NUMBERS_MISSING: "states {numbers}, not in the cited evidence",
    Code.LOW_SUPPORT: "support {score:.2f} below {threshold} (meaning {meaning:.2f}, "
    "words {words:.2f})",
    Code.JUDGE_SAYS_NO: "the judge model says not supported",
    Code.NO_CITED_EVIDENCE: "cites no evidence of this section",
    Code.SUPPORT_FILE: "a paper file does not carry the evidence its citations stand for; "
    "score the project",
    Code.NOTHING_CITED: "no sentence cites a listed reference",
    Code.SECTION_EMPTY: "section {heading!r} has no text: nothing in it was judged",
    Code.NOTHING_DRAFTED: "the project has no drafted section yet: draft it first",
    Code.NO_TEXT: "the paper has no section with text: nothing to judge",
    Code.FILE_LIMITS: "off-topic citations, citation support and grounding need the evidence "
    "behind each citation, which a paper file does not carry: score the project to judge them",
    Code.NOT_A_PAPER: "not a paper exported by RAG Paper Studio: it does not start with a "
    "`# title` line followed by `> **label**: value` metadata, so no figure could be judged",
    Code.NOT_UTF8: "not a UTF-8 text file, so not a paper Markdown: nothing was judged",
}

ZH: dict[Code, str] = {
    Code.STARTS_PUNCTUATION: "以标点开头：从句子中间开始",
    Code.STARTS_LOWER: "以小写单词开头：从句子中间开始",
    Code.STARTS_CUT_CITATION: "以被截断的引用开头（“al.”）",
    Code.STARTS_CUT_YEAR: "以被截断引用的年份开头（“(2015), we ...”）",
    Code.ENDS_MID: "没有句末标点：句子在中间中断",
    Code.ENDS_DANGLING: "以不能结束句子的词结尾：句子被截断",
    Code.DEBRIS: "提取残留字符 {piece!r}",
    Code.CITATION_STUB: "被截断的引用片段 {piece!r}",
    Code.CLOSING_PARENTHESIS: "只有右括号没有左括号：一段被截断的文字",
    Code.LONE_ITEM: "列举只有第一项 {piece!r}：其余各项被截掉了",
    Code.GAP: "引用或人名被删去后留下的空缺（{piece!r}）",
    Code.EMPTY_BRACKETS: "引用被删去后留下的空括号（{piece!r}）",
    Code.COMMA_GAP: "逗号前有文字被删去后留下的空缺（{piece!r}）",
    Code.FORMULA: "公式残留（{piece!r}）",
    Code.BRACES: "花括号不成对：公式被截断",
    Code.OPENING_PARENTHESIS: "只有左括号没有右括号：一段被截断的文字",
    Code.OPERATOR: "句子以运算符开头：公式的一部分",
    Code.GARBLED_GLYPHS: "文件的文本层把英文变成了汉字：{piece}",
    Code.UNGROUNDED: "{claim} 不在任何证据中",
    Code.GROUNDING_FILE: "论文文件不带有各章节写作所依据的证据",
    Code.RAW_KEY: "{marker}：正文中出现文献库原始编号，而不是编号引用",
    Code.UNRESOLVED: "{marker}：未解析的引用（[?]）：该引用已丢失",
    Code.AUTHOR_YEAR: "{marker}：编号制论文中的作者-年份引用：与任何参考文献都不对应",
    Code.WIDE: "{marker}：全角方括号标记：不是参考文献编号",
    Code.NOT_LISTED: "{marker}：引用了 [{number}]，但参考文献只有 {listed} 条（引用了却未列出）",
    Code.UNCITED: "已列出但从未被引用",
    Code.CHINESE_IN_ENGLISH: "英文论文中出现中文 {piece!r}",
    Code.ENGLISH_IN_CHINESE: "中文论文中的英文句子",
    Code.NO_SENTENCES: "论文中没有句子",
    Code.EMPTY_SHORT: "没有正文，目标 {low}–{high} 字：过短",
    Code.SHORT: "{length} 字，目标 {low}–{high} 字：过短",
    Code.SHORT_UNUSED: "{length} 字，目标 {low}–{high} 字：过短，而本节证据还有 {unused} 字未用",
    Code.SHORT_EXHAUSTED: "{length} 字，目标 {low}–{high} 字：过短，但不是流程的问题：本节证据只剩 "
    "{unused} 字可用；请补充本主题的论文",
    Code.LONG: "{length} 字，目标 {low}–{high} 字：过长",
    Code.NO_TARGET: "{headings:quoted} 没有长度目标（不是大纲中的章节）",
    Code.BELOW_FLOOR: "引用 {paper_id}：与主题的相关度 {relevance:.2f}，低于阈值 {floor:.2f}",
    Code.RELEVANCE_UNKNOWN: "{count} 处引用的论文，其卡片已不在文献库中或不在本节证据中",
    Code.OFF_TOPIC_FILE: "论文文件不说明每处引用对应的证据；请对项目评分",
    Code.NO_TITLE: "没有标题",
    Code.TITLE_SHOWS_ID: "没有标题：条目显示的是论文编号 {paper_id!r}",
    Code.TITLE_HEX: "标题 {title!r} 是十六进制串",
    Code.TITLE_ID: "标题 {title!r} 只是一个标识符",
    Code.TITLE_DATE: "标题 {title!r} 是日期",
    Code.TITLE_PLACEHOLDER: "标题 {title!r} 是文件名或占位符",
    Code.TITLE_SHORT: "标题 {title!r} 太短，不像标题",
    Code.AUTHOR_SOFTWARE: "作者 {author!r} 是软件或数据库名，不是人名",
    Code.AUTHOR_NOT_NAME: "作者 {author!r} 不是人名",
    Code.NO_AUTHORS: "没有作者",
    Code.NO_YEAR: "没有年份",
    Code.YEAR_IMPLAUSIBLE: "年份 {year} 不合理",
    Code.IN_RECORD: "{problem}：请在文献库中编辑这篇论文的记录",
    Code.AS_READ: "{problem}（按条目文字判断）",
    Code.NO_RECORD: "文献库中没有这篇论文的记录（没有标题、作者或年份）",
    Code.NO_REFERENCES: "论文没有列出参考文献",
    Code.REPEATS_HERE: "重复了本节的一个句子",
    Code.REPEATS: "重复了「{section}」中的一个句子",
    Code.NEAR_REPEATS_HERE: "与本节的一个句子几乎重复",
    Code.NEAR_REPEATS: "与「{section}」中的一个句子几乎重复",
    Code.NOT_A_NUMBER: "不是数字",
    Code.LISTED_PAPERS: "参考文献列出了 {count} 篇论文",
    Code.CITED_PAPERS: "正文引用了 {count} 篇已列出的论文",
    Code.COUNTED_LENGTH: "各章节合计 {count}",
    Code.NO_STATISTICS: "论文没有统计信息块",
    Code.NUMBERS_MISSING: "陈述了 {numbers}，但引用的证据中没有",
    Code.LOW_SUPPORT: "支持度 {score:.2f} 低于 {threshold}（语义 {meaning:.2f}，词语 {words:.2f}）",
    Code.JUDGE_SAYS_NO: "评审模型认为不被支持",
    Code.NO_CITED_EVIDENCE: "引用的不是本节的证据",
    Code.SUPPORT_FILE: "论文文件不带有引用所代表的证据；请对项目评分",
    Code.NOTHING_CITED: "没有句子引用已列出的参考文献",
    Code.SECTION_EMPTY: "章节 {heading!r} 没有正文：其中没有内容被评估",
    Code.NOTHING_DRAFTED: "项目还没有写好的章节：请先生成草稿",
    Code.NO_TEXT: "论文没有带正文的章节：没有可评估的内容",
    Code.FILE_LIMITS: "离题引用、引用有据和无据陈述需要每处引用背后的证据，论文文件不带有这些证据："
    "请对项目评分",
    Code.NOT_A_PAPER: "不是本工具导出的论文：开头没有 `# 标题` 行及其后的 `> **标签**: 值` 元数据，"
    "因此没有可评估的指标",
    Code.NOT_UTF8: "不是 UTF-8 文本文件，因而不是论文 Markdown：没有评估任何内容",
}

WORDINGS: dict[str, dict[Code, str]] = {"en": EN, "zh": ZH}
register(Code, WORDINGS)
