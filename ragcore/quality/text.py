"""How the scorecard reads a paper's body: paragraphs, sentences and citation markers.

The body is what the reader sees: notes the export puts in a section (blockquote lines such as
"> Extractive draft: ..."), headings, tables and code are not prose and are not judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ragcore.text import split_sentences

# Any bracketed text that is not a Markdown link; classified by `classify_marker`.
BRACKET = re.compile(r"\[(?P<body>[^\[\]\n]{1,80})\](?!\()|【(?P<wide>[^【】\n]{1,20})】")
_NUMERIC = re.compile(r"^\s*\d{1,4}(?:\s*(?:[-–—~]|[,，、;；])\s*\d{1,4})*\s*$")
_RANGE_PART = re.compile(r"(\d{1,4})(?:\s*[-–—~]\s*(\d{1,4}))?")
# `[arxiv:2212.11772]`, `[doi:10.1371/x]`, `[note:ab12]`, `[pmid:1]`: a store key, not a marker.
_RAW_KEY = re.compile(r"^\s*[A-Za-z][\w.+-]{0,20}\s*:\s*\S")
_BARE_ID = re.compile(r"^\s*(?:\d{4}\.\d{4,5}(?:v\d+)?|10\.\d{4,9}/\S+|[0-9a-f]{12,})\s*$", re.I)
# A library paper id made from a title or file name (`ten-quick-tips-...-d55404e392`,
# `CAPTURE_Memory-Centric_Partitioning`): one token, long, joined by hyphens or underscores.
_SLUG = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9.]*(?:[-_][A-Za-z0-9.]+){2,}\s*$")
_AUTHOR_YEAR = re.compile(
    r"^\s*[A-Z][\w'’-]+(?: et al\.?| and [A-Z][\w'’-]+)?,? (?:19|20)\d{2}[a-z]?"
)
MAX_RANGE = 30


@dataclass(frozen=True)
class Marker:
    kind: str  # numeric | unresolved | raw_key | author_year | wide | other
    raw: str
    numbers: tuple[int, ...] = ()


def _is_slug(body: str) -> bool:
    """Long, with an underscore, or ending in a hex digest: an id, not a hyphenated word."""
    text = body.strip()
    return bool(_SLUG.match(text)) and (
        len(text) >= 24 or "_" in text or bool(re.search(r"-[0-9a-f]{6,}$", text))
    )


def classify_marker(match: re.Match[str]) -> Marker:
    raw = match.group(0)
    if match.group("wide") is not None:
        return Marker("wide", raw)
    body = match.group("body")
    if "?" in body and re.fullmatch(r"[\d\s,，?;；-]*", body):
        found = tuple(int(n) for n in re.findall(r"\d+", body))
        return Marker("unresolved", raw, found)
    if _NUMERIC.match(body):
        numbers: list[int] = []
        for part in _RANGE_PART.finditer(body):
            low = int(part.group(1))
            high = int(part.group(2)) if part.group(2) else low
            span = range(low, high + 1) if 0 <= high - low <= MAX_RANGE else (low, high)
            numbers.extend(span)
        return Marker("numeric", raw, tuple(numbers))
    if _RAW_KEY.match(body) or _BARE_ID.match(body) or _is_slug(body):
        return Marker("raw_key", raw)
    if _AUTHOR_YEAR.match(body):
        return Marker("author_year", raw)
    return Marker("other", raw)


def markers(text: str) -> list[Marker]:
    return [classify_marker(m) for m in BRACKET.finditer(text)]


def strip_markers(text: str) -> str:
    """The text without citation-like brackets (other bracketed text is kept)."""

    def keep_other(match: re.Match[str]) -> str:
        return match.group(0) if classify_marker(match).kind == "other" else ""

    return re.sub(r"[ \t]+([,.;:!?，。；：！？])", r"\1", BRACKET.sub(keep_other, text))


def _is_prose(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("#", "|", ">", "```", "$$", "<!--"))


def prose(body: str) -> str:
    """The body without export notes, headings, tables and code."""
    kept, in_code = [], False
    for line in body.splitlines():
        if line.strip().startswith("```"):
            in_code = not in_code
            continue
        kept.append(line if not in_code and (_is_prose(line) or not line.strip()) else "")
    return "\n".join(kept).strip()


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def blocks(body: str) -> list[tuple[str, bool]]:
    """Prose paragraphs as (text, is a list item): blank-line separated; a list item is a
    paragraph of its own (it need not be a whole sentence)."""
    out: list[tuple[str, bool]] = []
    for block in re.split(r"\n\s*\n", prose(body)):
        current: list[str] = []
        item = False
        for line in (line for line in block.splitlines() if line.strip()):
            if _LIST_ITEM.match(line):
                if current:
                    out.append((" ".join(current), item))
                current, item = [_LIST_ITEM.sub("", line).strip()], True
            else:
                current.append(line.strip())
        if current:
            out.append((" ".join(current), item))
    return [(text, item) for text, item in out if text.strip()]


def paragraphs(body: str) -> list[str]:
    return [text for text, _ in blocks(body)]


_MASKED = str.maketrans(
    {".": "\ue001", "?": "\ue002", "!": "\ue003", "。": "\ue004", "？": "\ue005", "！": "\ue006"}
)
_UNMASKED = {ord(v): chr(k) for k, v in _MASKED.items()}


def split(paragraph: str) -> list[str]:
    """Sentences of a paragraph; a sentence end inside a citation bracket (`[?]`,
    `[doi:10.1/x.y]`) does not end the sentence."""
    masked = BRACKET.sub(lambda m: m.group(0).translate(_MASKED), paragraph)
    return [s.translate(_UNMASKED) for s in split_sentences(masked)]


def sentences(body: str) -> list[str]:
    return [s for p in paragraphs(body) for s in split(p)]


def without_export_notes(body: str) -> str:
    """The section text as written: the export's notes ("> Extractive draft: ...") stand at the
    top of a section as blockquote lines."""
    lines = body.strip().splitlines()
    while lines and (lines[0].startswith(">") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines)


def cited_numbers(sentence: str) -> list[int]:
    """Reference numbers a sentence cites with numeric markers, first citation first."""
    numbers: dict[int, None] = {}
    for marker in markers(sentence):
        if marker.kind == "numeric":
            numbers.update(dict.fromkeys(marker.numbers))
    return list(numbers)
