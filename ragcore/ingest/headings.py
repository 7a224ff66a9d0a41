"""Is this line a heading? Numbered, Chinese-numbered, standard-word and title-like headings in
text that carries no markup (plain text, PDF text layer)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ragcore.ingest.roles import is_keyword_heading, role_from_words
from ragcore.text import normalize_space

_ZH_NUM = "一二三四五六七八九十"
# "2.1 Method", "2.1. Method", "A Proofs", "S1 Spectra", "IV. RESULTS"
_NUMBERED = re.compile(
    r"^(?P<num>(?:\d{1,2}|[A-H]|S\d{1,2}|[IVX]{1,5})(?:\.\d{1,2}){0,3})(?:\.|\s)\s*(?P<title>\S.*)$"
)
_ZH_HEADINGS = (
    re.compile(rf"^(?P<num>[{_ZH_NUM}]{{1,3}})[、.．]\s*(?P<title>\S.*)$"),
    re.compile(rf"^[（(](?P<num>[{_ZH_NUM}]{{1,3}})[）)]\s*(?P<title>\S.*)$"),
    re.compile(rf"^第\s*(?P<num>[{_ZH_NUM}\d]{{1,3}})\s*[章节部分]\s*(?P<title>.*)$"),
    re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})[、.．]?\s*(?P<title>[\u4e00-\u9fff].*)$"),
)
_SENTENCE_END = tuple(".,;:，。；：、")
_ABBREVIATION = re.compile(r"\b[A-Z][a-z]{0,3}\.\s")
_YEAR_END = re.compile(r"^\S+\s+(?:19|20)\d\d$")
_FORMULA = re.compile(r"[$=\\^_{}|<>]|\[\d")


@dataclass(frozen=True)
class HeadingMatch:
    number: str  # "2.1", "三", "" when unnumbered
    title: str  # the heading words without the number
    kind: str  # "numbered", "zh", "keyword", "titlelike"
    zh_depth: int = 0  # 1 for 一、, 2 for （一）, 0 otherwise


def _words(text: str) -> list[str]:
    return text.split()


def _looks_like_title(title: str, max_words: int = 20) -> bool:
    if not title or title.endswith(_SENTENCE_END) or len(title) > 160:
        return False
    tokens = title.split()
    if _ABBREVIATION.search(title) or _YEAR_END.search(title):
        return False  # "Dr. Valentina Forini", "November 2022": names and dates, not headings
    if sum(t.strip("[](),.%").replace(".", "").isdigit() for t in tokens) > max(
        1, len(tokens) * 0.4
    ):
        return False  # table rows
    if not (
        title[0].isupper()
        or title[0].isdigit()
        or "\u4e00" <= title[0] <= "\u9fff"
        or title[0] == "$"
    ):
        return False
    return 1 <= len(_words(title)) <= max_words


def _numbered(line: str) -> HeadingMatch | None:
    match = _NUMBERED.match(line)
    if not match:
        return None
    number, title = match.group("num"), match.group("title").strip()
    if not _looks_like_title(title) or title.split()[0].isdigit():
        return None
    # "A Proofs" must be short and not a sentence ("A new method is ...").
    sentence_start = title.lower().split()[0] in {"the", "a", "an", "this", "we"}
    if number.isalpha() and len(number) == 1 and (len(_words(title)) > 6 or sentence_start):
        return None
    return HeadingMatch(number, title, "numbered")


def _chinese(line: str) -> HeadingMatch | None:
    for depth, pattern in enumerate(_ZH_HEADINGS, start=1):
        match = pattern.match(line)
        if match and len(line) <= 40 and not line.endswith(("。", "；", "，")):
            return HeadingMatch(
                match.group("num"), match.group("title").strip() or line, "zh", min(depth, 3)
            )
    return None


def _plain_title(line: str) -> bool:
    """An unnumbered heading in plain text: short, no sentence punctuation, no formula."""
    if _FORMULA.search(line) or line.startswith(("[", "(", "-", "*")) or not line[0].isupper():
        return False
    return _looks_like_title(line.rstrip("?"), max_words=12)


def match_heading(
    line: str, *, isolated: bool, emphasis: bool = False, followed_by_text: bool = False
) -> HeadingMatch | None:
    """Classify one line. `isolated`: the line is a paragraph of its own (blank lines around it
    or a block of its own in the PDF); unmarked title-like lines count only then, and only when
    bold/large (`emphasis`) or followed by a real paragraph (`followed_by_text`)."""
    line = normalize_space(line)
    if not line or len(line) > 150 or _FORMULA.search(line[:3]):
        return None
    if is_keyword_heading(line):
        return HeadingMatch("", re.sub(r"[\s:：]+$", "", line), "keyword")
    found = _chinese(line) or _numbered(line)
    if found:
        return found if isolated or emphasis or is_keyword_heading(found.title) else None
    if isolated and (emphasis or followed_by_text) and _plain_title(line):
        return HeadingMatch("", line, "titlelike")
    return None


_INLINE_LABEL = re.compile(
    r"^(abstract|摘\s*要|key\s*words|关\s*键\s*词|index terms)\s*[:：.—–-]\s*(?=\S)", re.I
)


def split_inline_label(paragraph: str) -> tuple[str, str] | None:
    """ "Abstract—We study …" / "摘要：本文…" → ("Abstract", "We study …")."""
    match = _INLINE_LABEL.match(paragraph.strip())
    if not match:
        return None
    return match.group(1), paragraph.strip()[match.end() :]


def named_role(heading: str) -> str | None:
    """The role a heading names outright once its number is off ("1 Methodology", "2.3
    Evaluation", "三、实验"), or None. A subsection keeps its parent's role in the section tree
    (a related-work "2.1 Model compression" is no method); this tells what a subsection so
    named is about on its own (a review's "4 Discussion > 1 BLUiR > 1 Methodology")."""
    found = match_heading(heading, isolated=True)
    if found is None or not is_keyword_heading(found.title):
        return None
    return role_from_words(found.title)
