"""Markdown: ATX (`#`) and setext (underlined) headings are explicit; code fences are body."""

from __future__ import annotations

import re
from pathlib import Path

from ragcore.ingest.formats.plaintext import check_binary, decode_text, unwrap
from ragcore.ingest.model import Block, ParsedDocument

_ATX = re.compile(r"^(#{1,6})(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_CAPTION = re.compile(r"^(?:Table:|:)\s+(?=\S)")  # pandoc's table caption
# A paragraph that is one bracketed caption, "[Figure: ...]" / "[Table: ...]": how converters
# (unarXive's, ours for JATS and images) leave a float's caption in the running text.
_BRACKETED_CAPTION = re.compile(
    r"^\[(?:Figure|Fig\.|Table|Algorithm|Listing|Chart|图|表)\s*\d*\s*[:：.].*\]$", re.S | re.I
)
# `[text](url "title")`: the reader sees the text (a bare link's text is its address).
_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\((?:[^()\s]|\([^()\s]*\))+(?:\s+\"[^\"]*\")?\)")
_IMAGE = re.compile(r"^!\[(.*)\]\([^)]*\)(?:\{[^}]*\})?\s*$", re.S)


def _flush(lines: list[str], blocks: list[Block], *, fenced: bool = False) -> None:
    text = ("\n".join(lines) if fenced else unwrap(lines)).strip("\n")
    if text.strip():
        caption = None if fenced else _CAPTION.match(text)
        image = None if fenced else _IMAGE.match(text)
        bracketed = None if fenced else _BRACKETED_CAPTION.match(text.strip())
        if bracketed:
            blocks.append(Block(" ".join(text.split()), kind="caption"))
        elif caption:  # a table's caption, not running text (as the JATS reader keeps it)
            blocks.append(Block(f"[Table: {text[caption.end() :]}]", kind="caption"))
        elif image:
            blocks.append(Block(f"[Figure: {' '.join(image.group(1).split())}]", kind="caption"))
        else:
            blocks.append(Block(text if fenced else _LINK.sub(r"\1", text)))
    lines.clear()


def parse(path: Path, data: bytes) -> ParsedDocument:
    text, encoding = decode_text(path, data)
    check_binary(path, text)
    blocks: list[Block] = []
    pending: list[str] = []
    in_fence = False
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            if not in_fence:
                _flush(pending, blocks)
            in_fence = not in_fence
            pending.append(line)
            if not in_fence:  # a fence is one block, its lines as written
                _flush(pending, blocks, fenced=True)
            continue
        heading = None if in_fence else _ATX.match(line)
        if heading:
            _flush(pending, blocks)
            # An empty `###` still ends the previous section: what follows has no heading of its own.
            blocks.append(Block(heading.group(2).strip(), heading_level=len(heading.group(1))))
        elif not in_fence and _SETEXT.match(line) and len(pending) == 1 and pending[0].strip():
            level = 1 if line.strip().startswith("=") else 2
            blocks.append(Block(pending[0].strip(), heading_level=level))
            pending.clear()
        elif not line.strip() and not in_fence:
            _flush(pending, blocks)
        else:
            pending.append(line)
    _flush(pending, blocks)
    while blocks and blocks[-1].heading_level is not None and not blocks[-1].text:
        blocks.pop()
    doc = ParsedDocument(path=path, fmt="markdown", blocks=blocks)
    doc.hints["encoding"] = encoding
    if blocks and blocks[0].heading_level == 1:
        doc.hints["title"] = blocks[0].text
    return doc
