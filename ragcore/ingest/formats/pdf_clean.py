"""The layout model's Markdown of one box → clean running text.

pymupdf4llm writes emphasis (`**`, `_`), `<sup>`/`<u>` tags, list bullets, `> ` footnote quotes
and picture-text comments, and pads styled spans with spaces ("an _F_ -score"). Card sentences
and snippets need plain prose, so all of that is undone here; the layout decisions stay its own.
"""

from __future__ import annotations

import html
import re
import unicodedata

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
# Full-width punctuation is part of Chinese text: NFKC would turn "，" into ",". Everything
# else (ligatures "ﬁ", full-width digits and letters, math italics) is normalised.
_KEEP = re.compile(f"[{_CJK_PUNCT}]")
_PICTURE_TEXT = re.compile(r"<!-- Start of picture text -->.*?<!-- End of picture text -->", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# Footnote marks after a word or punctuation ("Koyama1,2", "GEC.3", "Fertig1*"), not "M2".
_SUP = re.compile(r"<sup>(.*?)</sup>", re.S)
_FOOTNOTE_MARK = re.compile(r"^[\d,\s*∗†‡§¶a-e]+$")
_TAG = re.compile(r"</?(?:u|b|i|em|strong|span|sub|br)\b[^>]*>", re.I)
_BOLD = re.compile(r"\*\*|__")
_ITALIC = re.compile(r"(?<![\w*])_(?=\S)(.+?)(?<=\S)_(?![\w])")
_HEADING_MARK = re.compile(r"^#{1,6}\s+", re.M)
_BULLET = re.compile(r"^\s*(?:[-*•◦▪‣●○■□–]|>)\s+", re.M)
_TABLE_PIPES = re.compile(r"\s+\|\s+\|\s+(?:-\s+)?")
# "0 _._ 5": a decimal point set in the math font arrives as its own emphasised span.
_SPLIT_DECIMAL = re.compile(r"(?<=\d) \. (?=\d)")
_SPACE_BEFORE = re.compile(r"[ \t]+([,.;:!?%)\]}，。、；：！？）》」』】])")
_SPACE_AFTER = re.compile(r"([(\[{])[ \t]+")
_SPLIT_HYPHEN = re.compile(r"(?<=[A-Za-z]) -(?=[A-Za-z])|(?<=[A-Za-z])- (?=[a-z])")
_CJK_GAP = re.compile(f"(?<=[{_CJK}{_CJK_PUNCT}])[ \t]+(?=[{_CJK}{_CJK_PUNCT}])")
_SPACES = re.compile(r"[ \t\u00a0]+")
# The LaTeX logo is typeset as a raised, shrunk "A": the text layer reads "LA TEX"; one word.
_LATEX_LOGO = re.compile(r"\bLA\s?TE\s?X\b")


# pymupdf4llm marks text in a font with the "monospaced" flag as code (`...`, or a ``` block
# for a whole box). Chinese fonts are fixed-pitch, so CJK prose and headings get that flag
# ("1 `引言`"). Its only switch, `ignore_code`, drops the marking for a whole page, real code
# in a Latin typewriter font included, so code marking is undone only where it wraps CJK text.
_HAS_CJK = re.compile(f"[{_CJK}{_CJK_PUNCT}]")
_FENCE = re.compile(r"^```[^\n]*\n(.*?)\n?```[ \t]*$", re.S | re.M)


def _unfence(match: re.Match[str]) -> str:
    """A box whose every line is in a "monospaced" font is a ``` block; Chinese in it means
    a Chinese font (names and affiliations, prose), not a program listing."""
    return match.group(1) if _HAS_CJK.search(match.group(1)) else match.group(0)


def unmark_cjk_code(markdown: str) -> str:
    """The layout reader's Markdown without code marks around Chinese text (see above)."""
    if "`" not in markdown:
        return markdown
    return "\n".join(_unmark_line(line) for line in _FENCE.sub(_unfence, markdown).split("\n"))


def _unmark_line(line: str) -> str:
    """Odd parts between backticks are code spans; those with CJK text lose their marks and
    the padding spaces the reader put around them."""
    parts = line.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: not the reader's marking
        return line
    out = [parts[0]]
    for index in range(1, len(parts), 2):
        code, after = parts[index], parts[index + 1]
        if _HAS_CJK.search(code):
            # The padding goes unless it separates the span from a Latin word or number.
            before = out[-1].rstrip(" ")
            out[-1] = out[-1] if before[-1:].isascii() and before[-1:].isalnum() else before
            rest = after.lstrip(" ")
            after = after if rest[:1].isascii() and rest[:1].isalnum() else rest
            out += [code.strip(" "), after]
        else:
            out += [f"`{code}`", after]
    return "".join(out)


def nfkc(text: str) -> str:
    """NFKC except for Chinese full-width punctuation."""
    return "".join(
        char if _KEEP.match(char) else unicodedata.normalize("NFKC", char) for char in text
    )


def _sup(match: re.Match[str], text: str) -> str:
    inner = match.group(1)
    before = text[: match.start()].rstrip("*_ ")[-1:]
    if _FOOTNOTE_MARK.match(inner) and (not before or not before.isupper()):
        return " "  # a footnote or affiliation mark
    return inner  # "M<sup>2</sup>", units, exponents: keep the characters in line


def markdown_to_text(markdown: str) -> str:
    """Plain text of one box: markup, bullets and spacing artefacts removed, NFKC applied."""
    text = _PICTURE_TEXT.sub(" ", markdown)
    text = _COMMENT.sub(" ", text)
    text = _SUP.sub(lambda m: _sup(m, text), text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = _HEADING_MARK.sub("", text)
    text = _BOLD.sub("", text)
    text = _ITALIC.sub(r"\1", text)
    text = _BULLET.sub("", text)
    text = _TABLE_PIPES.sub(" ", text)
    text = nfkc(text)
    text = _SPACES.sub(" ", text)
    text = _SPLIT_DECIMAL.sub(".", text)
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text)
    text = _SPLIT_HYPHEN.sub("-", text)
    text = _CJK_GAP.sub("", text)
    text = _LATEX_LOGO.sub("LATEX", text)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


_SENTENCE_DONE = re.compile(r"[.!?。！？…:：;；]['\"”’)\]）]*$")
_CONTINUES = re.compile(f"^(?:[a-z0-9(\\[,;:)\\]]|[{_CJK}])")
# Words no English sentence ends with: a paragraph ending in one goes on in the next, also
# when that starts with a capital (a name or an acronym: "the setting of" + "GLEU, and ...").
_OPEN_END = re.compile(
    r"\s(?:of|the|an?|and|or|to|in|for|with|by|from|on|at|as|than|that|which|whose|"
    r"is|are|was|were|be|been|their|its|our|this|these|between|into|using|via)$"
)


def continues(previous: str, following: str) -> bool:
    """True when `following` is the rest of the paragraph `previous` (cut by a column or
    page break, or by a figure placed in between)."""
    if not previous or not following or _SENTENCE_DONE.search(previous.rstrip()):
        return False
    if re.search(r"[A-Za-z]-$", previous.rstrip()):
        return following[:1].isalpha()
    if _OPEN_END.search(previous.rstrip()):  # "...following the setting of" + "GLEU, and ..."
        return following[:1].isalnum()
    return _CONTINUES.match(following) is not None


def join_continuation(previous: str, following: str) -> tuple[str, int]:
    """The joined paragraph and the offset where `following` starts in it."""
    previous = previous.rstrip()
    if re.search(r"[A-Za-z]-$", previous) and following[:1].islower():
        previous = previous[:-1]  # a word hyphenated across the break
        return previous + following, len(previous)
    cjk = re.match(f"[{_CJK}]", previous[-1:]) and re.match(f"[{_CJK}]", following[:1])
    glue = "" if cjk else " "
    return previous + glue + following, len(previous) + len(glue)


_COMPOUND = re.compile(r"\b([A-Za-z]{2,})-([A-Za-z]{2,})\b")


class HyphenRestorer:
    """pymupdf4llm joins a word hyphenated at a line end by dropping the hyphen, also in real
    compounds ("alignment-free" → "alignmentfree"). A joined word whose hyphenated form the
    text layer shows elsewhere in the paper (not at a line end), and never joined, gets its
    hyphen back."""

    def __init__(self, layer_text: str) -> None:
        # A word the paper also prints joined ("hyperparameters" beside "hyper-parameters")
        # is left as it is.
        printed = set(re.findall(r"[A-Za-z]+", layer_text))
        self._forms = {
            a + b: f"{a}-{b}" for a, b in _COMPOUND.findall(layer_text) if a + b not in printed
        }
        words = sorted(self._forms, key=len, reverse=True)
        self._pattern = re.compile(r"\b(" + "|".join(words) + r")\b") if words else None

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._forms[m.group(1)], text)
