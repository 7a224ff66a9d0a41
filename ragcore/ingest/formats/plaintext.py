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


def paragraphs(text: str) -> list[Block]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [Block(part.strip("\n")) for part in _BLANK_LINES.split(text) if part.strip()]


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
