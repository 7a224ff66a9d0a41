"""The paper as a manuscript: DOCX, LaTeX (.tex + .bib), styled HTML, PDF and the seed Markdown,
with in-text citations and the reference list rendered by a real CSL processor.

Pandoc (bundled by the `pypandoc-binary` wheel) does the work: its citeproc renders citations
and references in the project's CSL style; its writers make DOCX, LaTeX and HTML. We only build
its input. The section text is the model's, so pandoc reads it with raw HTML/TeX, divs, spans,
YAML blocks and link attributes switched off and runs `--sandbox` (no file or network access
beyond the files we name); links other than http(s)/mailto and images are removed from the
document tree before any writer sees it.

CSL processors use one locale per document, but GB/T 7714 writes `等` after Chinese authors and
`et al.` after English ones: references whose language differs from the paper's are rendered in
a second pass with their own locale and put in place of the first rendering.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ragcore.documents.paper import PaperDocument, PaperSection, render_paper
from ragcore.drafting.front_matter import FrontMatter as FrontMatter  # part of this API
from ragcore.drafting.styles import CitationStyle
from ragcore.errors import InputError
from ragcore.library.bibformats import to_csl_item, write_bibtex
from ragcore.library.bibliography import Reference

FORMATS = ("md", "docx", "tex", "html", "bib", "pdf")
MIME = {
    "md": "text/markdown",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "tex": "application/x-tex",
    "html": "text/html",
    "bib": "application/x-bibtex",
    "pdf": "application/pdf",
}
# Readers' extensions switched off: nothing in model text may become raw output, a div, a
# metadata block or an attribute.
_READER = (
    "markdown-raw_html-raw_tex-raw_attribute-fenced_divs-native_divs-native_spans"
    "-bracketed_spans-yaml_metadata_block-link_attributes-implicit_figures"
)
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_MARKER = re.compile(r"\[((?:\d+|\?)(?:\s*,\s*(?:\d+|\?))*)\](?!\()")
_PANDOC_TIMEOUT_S = 180
_LABELS = {
    "references": {"zh": "参考文献", "en": "References"},
    "keywords": {"zh": "关键词", "en": "Keywords"},
    "abstract": {"zh": "摘要", "en": "Abstract"},
}
_ENTRY_BREAK = "RAGCOREENTRYBREAK"
HTML_CSS = """
body { max-width: 46em; margin: 2em auto; padding: 0 1.2em; line-height: 1.75; color: #1d1d1f;
  font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun",
  "WenQuanYi Micro Hei", Georgia, "Times New Roman", serif; font-size: 16px; }
h1, h2, h3 { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif;
  line-height: 1.35; }
header { text-align: center; margin-bottom: 2em; }
.abstract { margin: 1em 2em; font-size: 0.95em; }
.csl-entry { margin: 0.35em 0; padding-left: 2.2em; text-indent: -2.2em; }
.csl-left-margin { display: inline-block; min-width: 2.2em; text-indent: 0; }
.csl-right-inline { display: inline; }
blockquote { color: #555; border-left: 3px solid #ccc; margin-left: 0; padding-left: 1em; }
@media print { body { max-width: none; margin: 0; font-size: 11pt; }
  h1, h2, h3 { page-break-after: avoid; } .csl-entry { page-break-inside: avoid; } }
"""


@dataclass
class CitedWork:
    key: str
    reference: Reference | None  # None: a project note, not a publication
    note_label: str = ""


@dataclass
class Manuscript:
    front: FrontMatter
    lang: str
    sections: list[PaperSection]  # bodies cite `[n]`: n-1 indexes `works`
    works: list[CitedWork]
    document: PaperDocument  # the seed 004 layout (Markdown export)


@dataclass
class ExportFile:
    name: str
    data: bytes
    mime: str
    companions: dict[str, bytes] = field(default_factory=dict)  # e.g. the .bib of a .tex


# --------------------------------------------------------------------------- pandoc


def pandoc_path() -> str:
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        found = shutil.which("pandoc")
        if found:
            return found
    raise InputError("pandoc is missing: `pip install pypandoc-binary` installs it")


def _pandoc(args: list[str], stdin: str = "", cwd: Path | None = None) -> str:
    done = subprocess.run(
        [pandoc_path(), "--sandbox", *args],
        input=stdin.encode("utf-8"),
        capture_output=True,
        timeout=_PANDOC_TIMEOUT_S,
        cwd=cwd,
        check=False,
    )
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError("pandoc could not convert the paper: " + (detail[-1] if detail else "?"))
    return done.stdout.decode("utf-8")


@contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ragcore-export-") as folder:
        yield Path(folder)


def _pandoc_lang(lang: str) -> str:
    return "en-US" if lang == "en" else "zh-CN"


# ------------------------------------------------------------------------- input


def _citations(body: str, works: list[CitedWork], cite_notes: bool = True) -> str:
    """`[1, 3]` -> `[@key1; @key3]`; `?` (a dropped citation) stays visible as `[?]`; a project
    note is cited by its label in words when `cite_notes` is off (no .bib entry for it)."""

    def rewrite(match: re.Match[str]) -> str:
        parts = [p.strip() for p in match.group(1).split(",")]
        cited = [works[int(p) - 1] for p in parts if p.isdigit() and 0 < int(p) <= len(works)]
        keys = [f"@{w.key}" for w in cited if cite_notes or w.reference is not None]
        notes = [w.note_label for w in cited if not cite_notes and w.reference is None]
        unknown = len(cited) < len(parts)
        return (
            (f"[{'; '.join(keys)}]" if keys else "")
            + "".join(f"（{label}）" for label in notes)
            + (r"\[?\]" if unknown else "")
        )

    return _MARKER.sub(rewrite, body.replace("@", r"\@"))


def manuscript_markdown(manuscript: Manuscript, cite_notes: bool = True) -> str:
    """The pandoc Markdown body: sections as level-1 headings, citations as `[@key]`."""
    blocks = []
    for section in manuscript.sections:
        heading = section.heading.replace("#", r"\#")
        body = _citations(section.body, manuscript.works, cite_notes)
        blocks.append(f"# {heading}\n\n{body}")
    return "\n\n".join(blocks) + "\n"


def _metadata(manuscript: Manuscript, style: CitationStyle | None) -> dict[str, Any]:
    lang = "en" if manuscript.lang == "en" else "zh"
    front = manuscript.front
    abstract = front.abstract.strip()
    if front.keywords:
        sep = "; " if lang == "en" else "；"
        abstract += f"\n\n**{_LABELS['keywords'][lang]}**: " + sep.join(front.keywords)
    meta: dict[str, Any] = {
        "title": front.title,
        "lang": _pandoc_lang(lang),
        "reference-section-title": _LABELS["references"][lang],
        "link-citations": True,
    }
    if abstract:
        meta["abstract"] = abstract
        meta["abstract-title"] = _LABELS["abstract"][lang]
    if front.keywords:
        meta["keywords"] = front.keywords
    if style is not None:
        meta["csl"] = str(style.path)
    return meta


def csl_items(works: list[CitedWork]) -> list[dict[str, Any]]:
    items = []
    for work in works:
        if work.reference is None:
            items.append({"id": work.key, "type": "document", "title": work.note_label})
        else:
            items.append(to_csl_item(work.key, work.reference))
    return items


# --------------------------------------------------------------------- tree walks


def _walk(node: Any) -> Any:
    """A copy of the pandoc tree without images, raw output and unsafe links."""
    if isinstance(node, list):
        return [_walk(child) for child in node if not _dropped(child)]
    if not isinstance(node, dict):
        return node
    kind = node.get("t")
    if kind == "Image":
        return {"t": "Span", "c": [["", [], []], _walk(node["c"][1])]}
    if kind == "Link":
        target = str(node["c"][2][0])
        if not target.startswith(_SAFE_SCHEMES) and not target.startswith("#"):
            return {"t": "Span", "c": [["", [], []], _walk(node["c"][1])]}
    return {key: _walk(value) for key, value in node.items()}


def _dropped(node: Any) -> bool:
    return isinstance(node, dict) and node.get("t") in ("RawInline", "RawBlock")


def _entries(tree: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The rendered reference entries (`Div#ref-KEY`) of a citeproc'd tree, by key."""
    found: dict[str, dict[str, Any]] = {}

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for child in node:
                visit(child)
        elif isinstance(node, dict):
            if node.get("t") == "Div" and str(node["c"][0][0]).startswith("ref-"):
                found[str(node["c"][0][0])[4:]] = node
            else:
                visit(node.get("c"))

    visit(tree["blocks"])
    return found


def _replace_entries(node: Any, replacements: dict[str, dict[str, Any]]) -> Any:
    if isinstance(node, list):
        return [_replace_entries(child, replacements) for child in node]
    if isinstance(node, dict):
        if node.get("t") == "Div" and str(node["c"][0][0]).startswith("ref-"):
            return replacements.get(str(node["c"][0][0])[4:], node)
        return {k: _replace_entries(v, replacements) for k, v in node.items()}
    return node


def _cited_tree(manuscript: Manuscript, style: CitationStyle, folder: Path) -> dict[str, Any]:
    """The document tree after citeproc, each reference in its own language's locale."""
    items = csl_items(manuscript.works)
    (folder / "refs.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    meta = _metadata(manuscript, style) | {"bibliography": "refs.json"}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    source = manuscript_markdown(manuscript)
    args = ["-f", _READER, "--citeproc", "--metadata-file=meta.json", "-t", "json"]
    tree = json.loads(_pandoc(args, source, folder))
    doc_lang = _pandoc_lang(manuscript.lang)
    other = {item["id"] for item in items if item.get("language", doc_lang) != doc_lang}
    if other:
        other_lang = "en-US" if doc_lang == "zh-CN" else "zh-CN"
        second = json.loads(_pandoc([*args, "-M", f"lang={other_lang}"], source, folder))
        replacements = {k: v for k, v in _entries(second).items() if k in other}
        tree = _replace_entries(tree, replacements)
    return dict(_walk(tree))


def _from_tree(tree: dict[str, Any], args: list[str], folder: Path) -> str:
    return _pandoc(["-f", "json", *args], json.dumps(tree, ensure_ascii=False), folder)


# ------------------------------------------------------------------------- writers


def reference_entries(manuscript: Manuscript, style: CitationStyle) -> dict[str, str]:
    """Each cited work's reference entry as plain text in the style, without its label."""
    if not manuscript.works:
        return {}
    with _workdir() as folder:
        tree = _cited_tree(manuscript, style, folder)
        entries = _entries(tree)
        blocks: list[Any] = []
        for work in manuscript.works:
            entry = entries.get(work.key)
            if entry is None:
                continue
            blocks += [
                *_walk_strip_labels(entry["c"][1]),
                {"t": "Para", "c": [{"t": "Str", "c": _ENTRY_BREAK}]},
            ]
        doc = {"pandoc-api-version": tree["pandoc-api-version"], "meta": {}, "blocks": blocks}
        text = _from_tree(doc, ["-t", "plain", "--wrap=none"], folder)
    chunks = [c.strip() for c in text.split(_ENTRY_BREAK)]
    keys = [w.key for w in manuscript.works if w.key in entries]
    return {key: " ".join(chunk.split()) for key, chunk in zip(keys, chunks, strict=False)}


def _walk_strip_labels(node: Any) -> Any:
    """Entry blocks without the `[1]` label span (the seed layout numbers entries itself)."""
    if isinstance(node, list):
        return [
            _walk_strip_labels(c)
            for c in node
            if not (
                isinstance(c, dict) and c.get("t") == "Span" and "csl-left-margin" in c["c"][0][1]
            )
        ]
    if isinstance(node, dict):
        return {k: _walk_strip_labels(v) for k, v in node.items()}
    return node


def markdown_export(manuscript: Manuscript, style: CitationStyle) -> str:
    """The seed 004 layout with reference entries in the project's style."""
    entries = reference_entries(manuscript, style)
    references = [
        entries.get(work.key) or (work.note_label if work.reference is None else work.key)
        for work in manuscript.works
    ]
    document = PaperDocument(
        title=manuscript.document.title,
        meta=manuscript.document.meta,
        sections=manuscript.document.sections,
        references=references,
        stats=manuscript.document.stats,
        lang=manuscript.document.lang,
    )
    return render_paper(document)


def html_export(manuscript: Manuscript, style: CitationStyle) -> str:
    with _workdir() as folder:
        tree = _cited_tree(manuscript, style, folder)
        (folder / "style.html").write_text(f"<style>{HTML_CSS}</style>\n", encoding="utf-8")
        return _from_tree(
            tree, ["-t", "html5", "--standalone", "--include-in-header=style.html"], folder
        )


def docx_export(manuscript: Manuscript, style: CitationStyle) -> bytes:
    with _workdir() as folder:
        tree = _cited_tree(manuscript, style, folder)
        _from_tree(tree, ["-t", "docx", "-o", "paper.docx"], folder)
        return (folder / "paper.docx").read_bytes()


def bib_export(manuscript: Manuscript) -> str:
    return write_bibtex([(w.key, w.reference) for w in manuscript.works if w.reference])


def latex_export(manuscript: Manuscript, style: CitationStyle, bib_name: str) -> str:
    """A standalone .tex citing with natbib's `\\citep{key}` from `bib_name`.bib.

    Chinese papers use the `ctexart` class (compile with xelatex)."""
    meta = _metadata(manuscript, None) | {
        "bibliography": bib_name,
        "biblio-style": style.bst,
        "natbiboptions": "numbers,sort&compress" if style.numeric else "round",
    }
    if manuscript.lang != "en":
        meta["documentclass"] = "ctexart"
    source = manuscript_markdown(manuscript, cite_notes=False)
    with _workdir() as folder:
        (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        tree = json.loads(
            _pandoc(["-f", _READER, "--metadata-file=meta.json", "-t", "json"], source, folder)
        )
        return _from_tree(dict(_walk(tree)), ["-t", "latex", "--standalone", "--natbib"], folder)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def pdf_export(manuscript: Manuscript, style: CitationStyle) -> bytes:
    """The styled HTML printed to PDF by headless Chromium (installed apart: `apt install
    chromium`); without it the PDF export says so plainly."""
    browser = _chromium()
    if browser is None:
        raise InputError(
            "PDF export prints the HTML with Chromium, which is not installed "
            "(apt install chromium); export HTML or DOCX instead"
        )
    page = html_export(manuscript, style)
    with _workdir() as folder:
        (folder / "paper.html").write_text(page, encoding="utf-8")
        args = [browser, "--headless", "--disable-gpu", "--no-pdf-header-footer",
                f"--user-data-dir={folder / 'profile'}", f"--print-to-pdf={folder / 'paper.pdf'}"]  # fmt: skip
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to run as root otherwise
        done = subprocess.run(
            [*args, (folder / "paper.html").as_uri()], capture_output=True, timeout=120, check=False
        )
        target = folder / "paper.pdf"
        if done.returncode != 0 or not target.exists():
            raise InputError("Chromium could not print the paper to PDF; export HTML instead")
        return target.read_bytes()


def render_export(manuscript: Manuscript, fmt: str, style: CitationStyle, stem: str) -> ExportFile:
    """One export file (with its companions: the .bib of a .tex)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; use {', '.join(FORMATS)}")
    name = f"{stem}.{fmt}"
    if fmt == "md":
        data = markdown_export(manuscript, style).encode("utf-8")
    elif fmt == "html":
        data = html_export(manuscript, style).encode("utf-8")
    elif fmt == "bib":
        data = bib_export(manuscript).encode("utf-8")
    elif fmt == "docx":
        data = docx_export(manuscript, style)
    elif fmt == "pdf":
        data = pdf_export(manuscript, style)
    else:
        bib = bib_export(manuscript).encode("utf-8")
        tex = latex_export(manuscript, style, stem).encode("utf-8")
        return ExportFile(name, tex, MIME[fmt], {f"{stem}.bib": bib})
    return ExportFile(name, data, MIME[fmt])


def try_style(path: Path, origin: str) -> None:
    """Render one sample reference with a CSL file; InputError if the processor refuses it."""
    sample = Manuscript(
        FrontMatter("Sample"),
        "en",
        [PaperSection("Sample", "A claim [1].")],
        [CitedWork("sample2020", Reference(paper_id="sample", title="A sample", authors=["Doe, Jane"], year=2020))],
        PaperDocument(title="Sample"),
    )  # fmt: skip
    style = CitationStyle("user:try", origin, path, False, "plainnat", builtin=False)
    try:
        entries = reference_entries(sample, style)
    except InputError as error:
        raise InputError(f"{origin}: the CSL processor cannot use this style ({error})") from None
    if not entries.get("sample2020"):
        raise InputError(f"{origin}: the style renders no reference entry")
