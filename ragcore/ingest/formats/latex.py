"""LaTeX source: `\\input`/`\\include` of files beside it expanded, sectioning commands become
explicit headings, the rest converted to text by pylatexenc."""

from __future__ import annotations

import re
from pathlib import Path

from pylatexenc.latex2text import LatexNodes2Text

from ragcore.errors import InputError
from ragcore.ingest.formats.plaintext import decode_text, paragraphs
from ragcore.ingest.model import Block, ParsedDocument

_INPUT = re.compile(r"\\(?:input|include)\s*\{([^}]+)\}")
_COMMENT = re.compile(r"(?<!\\)%.*")
_SECTIONING = re.compile(
    r"\\(chapter|section|subsection|subsubsection|paragraph)\*?\s*(?:\[[^\]]*\])?\s*\{"
)
_LEVELS = {"chapter": 1, "section": 1, "subsection": 2, "subsubsection": 3, "paragraph": 4}
_MARKERS = re.compile(
    r"\\appendix\b|\\begin\{abstract\}|\\end\{abstract\}|\\begin\{thebibliography\}|\\bibliography\{[^}]*\}"
)
_MAX_DEPTH = 8
# References and labels carry no prose; front-matter commands are read separately as metadata.
_DROP = re.compile(
    r"\\(?:cite[a-z]*|ref|eqref|autoref|cref|Cref|label)\*?(?:\[[^\]]*\])*\{[^}]*\}|\\maketitle\b|~"
)
_FRONT = re.compile(r"\\(?:title|author|date|thanks|keywords)\s*(?:\[[^\]]*\])?\s*\{")
_KEYWORD_ENV = re.compile(r"\\begin\{(IEEEkeywords|keywords)\}.*?\\end\{\1\}", re.S)


class _Escape(Exception):
    """An `\\input` target outside the paper's folder."""


def _input_target(root: Path, including: Path, name: str) -> Path | None:
    """The file `\\input{name}` reads, resolved (symlinks followed) and kept inside `root`.

    LaTeX looks names up from the main file's folder; a name relative to the including file
    is tried too. None when no such file exists; `_Escape` when it lies outside `root`.
    """
    for base in (root, including.parent):
        target = base / name
        if not target.suffix:
            target = target.with_suffix(".tex")
        real = target.resolve()
        if not real.is_relative_to(root):
            raise _Escape()
        if real.is_file():
            return real
    return None


def _expand_inputs(path: Path, text: str, root: Path, depth: int = 0) -> str:
    if depth > _MAX_DEPTH:
        raise InputError(f"{path}: \\input files include each other too deeply (a loop?).")

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        line = text.count("\n", 0, match.start()) + 1
        try:
            target = _input_target(root, path, name)
        except _Escape:
            # Reading it would copy any local file (keys, configs) into the library and prompts.
            raise InputError(
                f"{path}, line {line}: \\input{{{name}}} points outside the paper's folder "
                f"({root}); only files inside it are read."
            ) from None
        if target is None:
            raise InputError(
                f"{path}, line {line}: \\input{{{name}}} names a file that is not in the "
                "paper's folder."
            )
        child, _ = decode_text(target, target.read_bytes())
        return _expand_inputs(target, _strip_comments(child), root, depth + 1)

    return _INPUT.sub(replace, text)


def _strip_comments(text: str) -> str:
    return "\n".join(_COMMENT.sub("", line) for line in text.split("\n"))


def check_braces(path: Path, text: str) -> None:
    """Raise with the line of the first unmatched brace: pylatexenc would silently swallow it."""
    opened: list[int] = []
    line = 1
    escaped = False
    for char in text:
        if char == "\n":
            line += 1
        if escaped:
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char == "{":
            opened.append(line)
        elif char == "}":
            if not opened:
                raise InputError(
                    f"{path}, line {line}: unbalanced braces: '}}' without a matching '{{'."
                )
            opened.pop()
    if opened:
        raise InputError(f"{path}, line {opened[-1]}: unbalanced braces: '{{' is never closed.")


def _braced(text: str, start: int) -> tuple[str, int]:
    """The content of the brace group opening just before `start`, and the index after it."""
    depth = 1
    index = start
    while index < len(text) and depth:
        if text[index] == "\\":
            index += 2
            continue
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        index += 1
    return text[start : index - 1], index


def _command_arg(text: str, name: str) -> str:
    match = re.search(rf"\\{name}\s*(?:\[[^\]]*\])?\s*\{{", text)
    return _braced(text, match.end())[0] if match else ""


def _environment(text: str, names: tuple[str, ...]) -> str:
    """The content of the first `\\begin{name}...\\end{name}` among `names`."""
    for name in names:
        match = re.search(rf"\\begin\{{{name}\}}(.*?)\\end\{{{name}\}}", text, re.S)
        if match:
            return match.group(1)
    return ""


def _to_text(converter: LatexNodes2Text, latex: str) -> str:
    latex = _DROP.sub(lambda m: " " if m.group(0) == "~" else "", latex)
    text = converter.latex_to_text(latex).replace("\xa0", " ")
    return re.sub(r"[ \t]+([.,;:])", r"\1", text).strip()


def _drop_front_matter(body: str) -> str:
    body = _KEYWORD_ENV.sub("", body)
    while match := _FRONT.search(body):
        _, end = _braced(body, match.end())
        body = body[: match.start()] + body[end:]
    return body


def _body_blocks(converter: LatexNodes2Text, body: str) -> list[Block]:
    blocks: list[Block] = []
    role: str | None = None  # set by \appendix and the bibliography, kept for later headings
    position = 0
    pattern = re.compile(f"{_SECTIONING.pattern}|{_MARKERS.pattern}")
    for match in pattern.finditer(body):
        if match.start() < position:
            continue
        blocks.extend(
            paragraphs(_to_text(converter, body[position : match.start()]), soft_breaks=True)
        )
        command = match.group(0)
        if match.group(1):
            title, position = _braced(body, match.end())
            blocks.append(
                Block(_to_text(converter, title), _LEVELS[match.group(1)], role_hint=role)
            )
            continue
        position = match.end()
        if command.startswith("\\appendix"):
            role = "appendix"
        elif command.startswith("\\begin{abstract"):
            blocks.append(Block("Abstract", 1, role_hint="abstract"))
        elif command.startswith(("\\begin{thebibliography", "\\bibliography")):
            blocks.append(Block("References", 1, role_hint="references"))
    blocks.extend(paragraphs(_to_text(converter, body[position:]), soft_breaks=True))
    return [b for b in blocks if b.text.strip()]


def parse(path: Path, data: bytes) -> ParsedDocument:
    text, encoding = decode_text(path, data)
    text = _expand_inputs(path, _strip_comments(text), path.resolve().parent)
    check_braces(path, text)
    converter = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
    begin = text.find("\\begin{document}")
    end = text.find("\\end{document}")
    preamble = text[:begin] if begin >= 0 else text
    body = (
        text[begin + len("\\begin{document}") : end if end > begin else None]
        if begin >= 0
        else text
    )
    doc = ParsedDocument(
        path=path, fmt="latex", blocks=_body_blocks(converter, _drop_front_matter(body))
    )  # the keyword list is metadata (below), not abstract text
    doc.hints["encoding"] = encoding
    title = _command_arg(preamble, "title") or _command_arg(body, "title")
    if title:
        doc.hints["title"] = _to_text(converter, title)
    authors = _command_arg(preamble, "author") or _command_arg(body, "author")
    if authors:
        names = re.split(r"\\and|,|\\\\", authors)
        doc.authors = [n for n in (_to_text(converter, a) for a in names) if n and len(n) < 80]
    keywords = _command_arg(text, "keywords") or _environment(body, ("keywords", "IEEEkeywords"))
    if keywords:
        doc.hints["keywords"] = _to_text(converter, keywords)
    date = _command_arg(preamble, "date")
    if date:
        doc.hints["date"] = _to_text(converter, date)
    return doc
