"""Is every page a PDF's page tree lists actually in the file?

A download cut short and "repaired" by appending `%%EOF` still opens: MuPDF rebuilds the
cross-reference table from the objects it finds, and the page tree (near the start of most
files) still lists every page. The pages whose objects were cut off come back as dangling
references, so the paper would be ingested without its second half and nobody would know.
Checked only when MuPDF had to repair the file, which an intact PDF never needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ragcore.errors import InputError


def _present(doc: Any, xref: int) -> bool:
    return bool(0 < xref < doc.xref_length() and doc.xref_object(xref, compressed=True) != "null")


def _page_intact(doc: Any, index: int) -> bool:
    xref = doc.page_xref(index)
    if not _present(doc, xref) or doc.xref_get_key(xref, "Type") != ("name", "/Page"):
        return False
    kind, value = doc.xref_get_key(xref, "Contents")
    if kind == "xref":
        refs = [value]
    elif kind == "array":
        parts = value.strip("[]").split()
        refs = [" ".join(parts[i : i + 3]) for i in range(0, len(parts), 3)]
    else:
        return True  # a page without contents is blank, not missing
    return all(_present(doc, int(ref.split()[0])) for ref in refs if ref)


def _ranges(numbers: list[int]) -> str:
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)


def check_page_tree(path: Path, doc: Any) -> None:
    """Raise InputError naming the missing pages when the file lost some of them."""
    if not doc.is_repaired:
        return
    missing = [i + 1 for i in range(doc.page_count) if not _page_intact(doc, i)]
    if missing:
        raise InputError(
            f"{path}: the PDF is truncated: its page tree lists {doc.page_count} pages but "
            f"pages {_ranges(missing)} are missing from the file ({len(missing)} of "
            f"{doc.page_count}); it may be an incomplete download, so it was not ingested."
        )
