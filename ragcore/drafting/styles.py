"""Citation styles: the CSL files shipped in `data/csl/` and the ones a user adds.

The shipped files come unchanged from the official CSL style repository
(citation-style-language/styles, CC BY-SA 3.0; see `data/csl/README.md`). A user's CSL file is
checked before it is kept: well-formed XML without a DTD, a CSL `<style>` root with a
`<citation>` and a `<bibliography>`, and one real rendering through the CSL processor.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ragcore.errors import InputError
from ragcore.settings import PROJECT_ROOT

CSL_DIR = PROJECT_ROOT / "data" / "csl"
_CSL_NS = "{http://purl.org/net/xbiblio/csl}"
MAX_CSL_BYTES = 2_000_000


@dataclass(frozen=True)
class CitationStyle:
    style_id: str
    label: str
    path: Path
    numeric: bool
    bst: str  # the BibTeX style a LaTeX export names (natbib)
    builtin: bool = True


BUILTIN_STYLES = {
    "gb-t-7714": ("china-national-standard-gb-t-7714-2015-numeric.csl",
                  "GB/T 7714-2015 顺序编码制 (numeric)", True, "gbt7714-numerical"),
    "ieee": ("ieee.csl", "IEEE", True, "IEEEtran"),
    "acm": ("association-for-computing-machinery.csl", "ACM", True, "ACM-Reference-Format"),
    "apa": ("apa.csl", "APA 7th (author-year)", False, "apalike"),
    "nature": ("nature.csl", "Nature", True, "unsrtnat"),
}  # fmt: skip


def default_style(lang: str) -> str:
    """GB/T 7714 for Chinese papers, IEEE for English ones."""
    return "ieee" if lang == "en" else "gb-t-7714"


def _user_dir(home: Path) -> Path:
    return home / "csl"


def _user_style(path: Path) -> CitationStyle:
    title = path.stem
    try:
        root = ET.fromstring(path.read_text(encoding="utf-8"))
        found = root.find(f"{_CSL_NS}info/{_CSL_NS}title")
        if found is not None and found.text:
            title = found.text.strip()
        category = root.find(f"{_CSL_NS}info/{_CSL_NS}category[@citation-format]")
        numeric = category is not None and category.get("citation-format") == "numeric"
    except (ET.ParseError, OSError):
        numeric = False
    return CitationStyle(f"user:{path.stem}", title, path, numeric, "plainnat", builtin=False)


def list_styles(home: Path) -> list[CitationStyle]:
    styles = [
        CitationStyle(key, label, CSL_DIR / name, numeric, bst)
        for key, (name, label, numeric, bst) in BUILTIN_STYLES.items()
    ]
    folder = _user_dir(home)
    if folder.is_dir():
        styles += [_user_style(path) for path in sorted(folder.glob("*.csl"))]
    return styles


def get_style(home: Path, style_id: str) -> CitationStyle:
    """A style by id (`gb-t-7714`, `ieee`, ..., `user:NAME`); `gb-t-7714-2015` is accepted."""
    wanted = style_id.strip().lower().removesuffix(".csl")
    aliases = {"gb-t-7714-2015": "gb-t-7714", "gbt7714": "gb-t-7714", "gb/t 7714": "gb-t-7714"}
    wanted = aliases.get(wanted, wanted)
    for style in list_styles(home):
        if wanted in (style.style_id, style.style_id.removeprefix("user:")):
            return style
    known = ", ".join(s.style_id for s in list_styles(home))
    raise InputError(f"unknown citation style {style_id!r}; styles: {known}")


def check_csl(text: str, origin: str) -> str:
    """The CSL style's title, or InputError saying in plain words why the file is not CSL."""
    if len(text.encode("utf-8")) > MAX_CSL_BYTES:
        raise InputError(f"{origin}: larger than {MAX_CSL_BYTES // 1_000_000} MB; not a CSL style")
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.I):
        raise InputError(f"{origin}: a CSL style has no DOCTYPE or entities")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise InputError(f"{origin}: not well-formed XML ({error})") from None
    if root.tag != f"{_CSL_NS}style":
        raise InputError(
            f"{origin}: not a CSL style (the root element is <{root.tag.split('}')[-1]}>, "
            "expected <style> in the CSL namespace)"
        )
    for part in ("citation", "bibliography"):
        if root.find(f"{_CSL_NS}{part}") is None:
            raise InputError(
                f"{origin}: the CSL style has no <{part}>; it cannot make a reference list"
            )
    if root.get("version", "").split(".")[0] != "1":
        raise InputError(f"{origin}: CSL version {root.get('version')!r}; version 1.0 is needed")
    found = root.find(f"{_CSL_NS}info/{_CSL_NS}title")
    return found.text.strip() if found is not None and found.text else origin


def add_user_style(home: Path, name: str, text: str) -> CitationStyle:
    """Check a user's CSL file, try it once through the processor, and keep it."""
    from ragcore.drafting.manuscript import try_style

    check_csl(text, name)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(name).stem).strip("-").lower() or "style"
    folder = _user_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.csl"
    staged = folder / f".{stem}.csl.new"
    staged.write_text(text, encoding="utf-8")
    try:
        try_style(staged, name)
    except InputError:
        staged.unlink(missing_ok=True)
        raise
    staged.replace(path)
    return _user_style(path)
