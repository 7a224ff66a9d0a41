"""Read one paper file into a `ParsedDocument`, whatever its format.

Every reason a file cannot be read becomes an `InputError` whose message is a plain sentence
naming the file; the pipeline records it and carries on with the other files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ragcore.errors import InputError
from ragcore.ingest.formats import jats, latex, markdown, pdf, plaintext
from ragcore.ingest.limits import MAX_FILE_BYTES
from ragcore.ingest.model import ParsedDocument

_PARSERS: dict[str, Callable[[Path, bytes], ParsedDocument]] = {
    ".pdf": pdf.parse,
    ".md": markdown.parse,
    ".markdown": markdown.parse,
    ".tex": latex.parse,
    ".txt": plaintext.parse,
    ".text": plaintext.parse,
    ".xml": jats.parse,
    ".nxml": jats.parse,
}
SUPPORTED_SUFFIXES = frozenset(_PARSERS)


def parse_file(
    path: Path, max_bytes: int = MAX_FILE_BYTES, on_page: pdf.PageCallback | None = None
) -> ParsedDocument:
    """Parse `path`; raise InputError with a plain reason when it cannot be used.
    `on_page(done, total)` follows the pages of a PDF."""
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    parser = _PARSERS.get(path.suffix.lower())
    if parser is None:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise InputError(
            f"{path}: unsupported file type {path.suffix!r} (expected one of {allowed})."
        )
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: the file is empty (0 bytes).")
    if size > max_bytes:
        raise InputError(
            f"{path}: the file is {size / 1048576:.1f} MB, larger than the "
            f"{max_bytes / 1048576:.0f} MB limit for one paper."
        )
    try:
        if parser is pdf.parse:
            return pdf.parse(path, path.read_bytes(), on_page)
        return parser(path, path.read_bytes())
    except InputError:
        raise
    except RecursionError:
        raise InputError(f"{path}: the file is nested too deeply to read.") from None


def collect_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to ingest: given files as they are, folders walked recursively for known types.

    Files named explicitly are yielded even when missing or of an unknown type, so the user
    hears why they were not read; inside folders unknown files are silently passed over.
    """
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES and not hidden:
                    yield child
        else:
            yield path  # a missing file is reported by `parse_file`, with the run going on
