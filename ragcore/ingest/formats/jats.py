"""JATS XML (`.nxml`/`.xml`, e.g. PubMed Central): front matter gives the metadata, `<sec>`
nesting gives the headings."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ragcore.errors import InputError
from ragcore.ingest.model import Block, ParsedDocument
from ragcore.text import normalize_space

# Elements whose text is not running prose (kept out of paragraphs).
_SKIP = {"xref", "label", "object-id", "graphic", "alternatives"}


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    parts: list[str] = []

    def walk(node: ET.Element) -> None:
        if node.text and _local(node.tag) not in _SKIP:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return normalize_space("".join(parts))


def _find(element: ET.Element, path: str) -> ET.Element | None:
    """`find` that ignores namespaces: JATS files come with and without them."""
    for node in element.iter():
        if _local(node.tag) == path:
            return node
    return None


def _findall(element: ET.Element, name: str) -> list[ET.Element]:
    return [node for node in element.iter() if _local(node.tag) == name]


def _sections(element: ET.Element, level: int, role: str | None, blocks: list[Block]) -> None:
    for child in element:
        name = _local(child.tag)
        if name in ("sec", "app", "ref-list"):
            child_role = {"app": "appendix", "ref-list": "references"}.get(name, role)
            title = next((c for c in child if _local(c.tag) == "title"), None)
            heading = _text(title) or ("References" if name == "ref-list" else "")
            if heading:
                blocks.append(Block(heading, level, role_hint=child_role))
            _sections(child, level + 1 if heading else level, child_role, blocks)
        elif name in ("p", "ref", "disp-quote", "list-item", "def-item"):
            text = _text(child)
            if text:
                blocks.append(Block(text))
        elif name in ("fig", "table-wrap"):
            caption = _text(_find(child, "caption"))
            if caption:
                blocks.append(Block(f"[{'Figure' if name == 'fig' else 'Table'}: {caption}]"))
        elif name in ("list", "app-group", "def-list"):
            _sections(child, level, "appendix" if name == "app-group" else role, blocks)


def _metadata(front: ET.Element, doc: ParsedDocument) -> None:
    doc.hints["title"] = _text(_find(front, "article-title"))
    doc.hints["venue"] = _text(_find(front, "journal-title"))
    year = _find(front, "year")
    if year is not None and year.text:
        doc.hints["year"] = year.text.strip()
    for article_id in _findall(front, "article-id"):
        kind = article_id.get("pub-id-type", "")
        if kind in ("doi", "arxiv") and article_id.text:
            doc.hints[kind] = article_id.text.strip()
    for contrib in _findall(front, "contrib"):
        if contrib.get("contrib-type", "author") != "author":
            continue
        given = _text(_find(contrib, "given-names"))
        surname = _text(_find(contrib, "surname"))
        name = f"{given} {surname}".strip() or _text(_find(contrib, "string-name"))
        if name:
            doc.authors.append(name)


def parse(path: Path, data: bytes) -> ParsedDocument:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise InputError(f"{path}: the XML is not well-formed ({error}).") from None
    if _local(root.tag) != "article":
        raise InputError(
            f"{path}: this XML is not a JATS article (its root element is <{_local(root.tag)}>, expected <article>)."
        )
    doc = ParsedDocument(path=path, fmt="jats", blocks=[])
    front = _find(root, "front")
    if front is not None:
        _metadata(front, doc)
        abstract = _find(front, "abstract")
        if abstract is not None:
            doc.blocks.append(Block("Abstract", 1, role_hint="abstract"))
            paragraphs = [_text(para) for para in _findall(abstract, "p") or [abstract]]
            doc.blocks.extend(Block(text) for text in paragraphs)
            doc.hints["abstract"] = " ".join(p for p in paragraphs if p)
        # <kwd-group> per language may repeat; keywords are kept once each, in order.
        doc.hints["keywords"] = "; ".join(_text(kwd) for kwd in _findall(front, "kwd"))
    for part in ("body", "back"):
        element = _find(root, part)
        if element is not None:
            _sections(element, 1, None, doc.blocks)
    doc.blocks = [b for b in doc.blocks if b.text.strip()]
    if not any(b.heading_level is None for b in doc.blocks):
        raise InputError(
            f"{path}: the JATS article has no text (no <body> paragraphs or abstract)."
        )
    doc.hints = {k: re.sub(r"\s+", " ", v) for k, v in doc.hints.items() if v}
    return doc
