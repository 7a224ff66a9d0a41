"""Plain text: decode (UTF-8, UTF-16 with BOM, else GBK/GB18030) and split into paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

from ragcore.errors import InputError
from ragcore.ingest.model import Block, ParsedDocument
from ragcore.text import cjk_count

_BLANK_LINES = re.compile(r"\n\s*\n")
_CJK_EDGE = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Chinese files saved by older Windows tools are GBK."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(f"{path}: the text is neither UTF-8 nor GBK; save it as UTF-8.") from None
    # gb18030 decodes almost any byte soup; accept it only when it yields real Chinese.
    if cjk_count(text) < len(text) * 0.2:
        raise InputError(f"{path}: the text is neither UTF-8 nor GBK; save it as UTF-8.")
    return text, "gbk"


def check_binary(path: Path, text: str) -> None:
    if "\x00" in text[:4096]:
        raise InputError(f"{path}: this looks like a binary file, not text.")


def paragraphs(text: str, *, soft_breaks: bool = False) -> list[Block]:
    """Blocks between blank lines; with `soft_breaks` (TeX) a paragraph's line breaks are
    spaces. Plain text keeps its lines: a line there may be a statement of its own."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = [part.strip("\n") for part in _BLANK_LINES.split(text) if part.strip()]
    return [Block(unwrap(part.split("\n")) if soft_breaks else part) for part in parts]


def parse(path: Path, data: bytes) -> ParsedDocument:
    text, encoding = decode_text(path, data)
    check_binary(path, text)
    doc = ParsedDocument(path=path, fmt="text", blocks=paragraphs(text))
    doc.hints["encoding"] = encoding
    return doc


def join_lines(lines: list[str]) -> str:
    """Join a block's lines: hyphenated breaks glued, CJK lines glued without a space."""
    out = ""
    for line in lines:
        if not out:
            out = line
        elif re.search(r"[A-Za-z]-$", out) and line[:1].islower():
            out = out[:-1] + line
        elif _CJK_EDGE.match(out[-1]) and _CJK_EDGE.match(line[0]):
            out += line
        else:
            out += " " + line
    return out


_OWN_LINE = re.compile(r"^\s*(?:[-*+•]\s|\d+[.)]\s|\||\$\$|```|~~~|<)")
_WHOLE_LINE = re.compile(r"^\s*(?:\||\$\$|```|~~~|<)")  # nothing joins onto these


def unwrap(lines: list[str]) -> str:
    """A paragraph's lines as Markdown and TeX read them: a soft line break is a space
    (CommonMark; TeX), so a paper wrapped at 72 columns (pandoc, Manubot, R Markdown, any
    LaTeX source) reads as whole sentences, not one fragment per line. A list item, table
    row, display formula, fence or HTML line starts its own line (a list item's wrapped lines
    join it), as does a line after a hard break (two spaces or a backslash). Chinese lines
    join without a space. Written here because the block splitting is ours: a Markdown
    library would give us HTML or a token stream to walk back into the same text."""
    out: list[str] = []
    hard_break = True  # the first line starts a line
    for line in lines:
        piece = line.strip()
        previous = out[-1] if out else ""
        if hard_break or _OWN_LINE.match(line) or _WHOLE_LINE.match(previous) or not piece:
            out.append(line.rstrip())
        else:
            glue = "" if _CJK_EDGE.match(previous[-1:]) and _CJK_EDGE.match(piece[:1]) else " "
            out[-1] = previous + glue + piece
        hard_break = line.endswith(("  ", "\\"))
        out[-1] = out[-1].removesuffix("\\")
    return "\n".join(out)
