"""Convert one CCL 2022 evaluation paper (PDF, Chinese) into one Markdown paper.

Provenance tool for the `zh-cltc2022-*.md` files in this folder, run once by hand against a git
checkout of blcuicall/CCL2022-CLTC (the shared task's own repository, which keeps the published
PDFs of its overview and of the winning teams' reports); the benchmark reads only the converted
files. The PDF is read with this project's own PDF reader (PyMuPDF layout analysis, then
headings and running text), so headings, paragraphs and references are the authors'; what is
done here is only the Markdown around them: the layout model marks the Chinese font as code
(backticks) and underscores as strike-through, page furniture and the licence footnote are
dropped (the licence goes into the header line instead), captions are kept in brackets.

    python tests/data/papers_topics/convert_ccl_pdf.py GIT_DIR PDF_PATH OUT.md
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
from pathlib import Path

from ragcore.ingest.formats import parse_file
from ragcore.ingest.model import Block

SOURCE = "blcuicall/CCL2022-CLTC"
LICENCE = (
    "license: https://creativecommons.org/licenses/by/4.0/ (CC BY 4.0, printed on the paper: "
    "©2022 中国计算语言学大会 根据《Creative Commons Attribution 4.0 International License》"
    "许可出版)"
)
CJK = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff01-\uff65“”‘’"
CODE_FENCE = re.compile(r"`{1,3}")
STRIKE = re.compile(r"\s*~~(.*?)~~\s*")  # an underscore read as strike-through: csc_runner
CJK_GAP = re.compile(f"(?<=[{CJK}])[ \t]+|[ \t]+(?=[{CJK}])")
SPACES = re.compile(r"[ \t]+")
LICENCE_NOTE = re.compile(r"Creative\s*Commons|©\s*2022|许可出版")
NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\s*\S")
BARE_NUMBER = re.compile(r"^\d+(?:\.\d+)+$")
BACK_MATTER = {"参考文献", "致谢"}


def clean(text: str) -> str:
    text = STRIKE.sub(r"_\1", CODE_FENCE.sub(" ", text))
    return SPACES.sub(" ", CJK_GAP.sub("", text)).strip()


def heading_line(text: str, reader_level: int) -> str:
    text = re.sub(r"^(\d+(?:\.\d+)*)\s*", r"\1 ", text)  # "1引言" -> "1 引言"
    number = NUMBER.match(text)
    depth = number.group(1).count(".") + 2 if number else (2 if reader_level <= 1 else 3)
    if text in BACK_MATTER:
        depth = 2
    return "#" * min(depth, 5) + " " + text


def front_matter(blocks: list[Block]) -> tuple[list[str], int]:
    """Title and author lines before the Chinese abstract, and where the abstract starts."""
    for index, block in enumerate(blocks):
        if clean(block.text).replace(" ", "").startswith("摘要"):
            return [clean(b.text) for b in blocks[:index] if b.kind == "body"], index
    return [clean(blocks[0].text)], 1


def body_lines(blocks: list[Block]) -> list[str]:
    lines: list[str] = []
    english_front = False  # the English title and authors between the keywords and "Abstract"
    pending_number = ""
    for block in blocks:
        text = clean(block.text)
        if not text or LICENCE_NOTE.search(text) or block.kind == "footnote":
            continue
        if text.replace(" ", "") == "摘要":
            lines.append("## 摘要")
            continue
        if block.heading_level:
            english_front = False
            lines.append(heading_line(f"{pending_number} {text}".strip(), block.heading_level))
            pending_number = ""
        elif english_front:
            continue
        elif BARE_NUMBER.match(text):
            pending_number = text  # "1.1" split from its heading by the layout model
        elif block.kind == "caption":
            lines.append(f"[{text}]")
        else:
            lines.append(text)
            english_front = text.startswith("关键词")
    return lines


def convert(pdf: Path, source_path: str, authors: str) -> str:
    doc = parse_file(pdf)
    front, start = front_matter(doc.blocks)
    title = clean(doc.hints.get("title", "")) or front[0]
    header = [
        f"# {title}",
        "",
        f"Authors: {authors}  ",
        f"{LICENCE}  ",
        f"Source: CCL 2022 (CLTC shared task), GitHub repository {SOURCE} ({source_path}), "
        "converted offline",
        "",
    ]
    text = "\n".join(header) + "\n" + "\n\n".join(body_lines(doc.blocks[start:]))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("pdf_path")
    parser.add_argument("out", type=Path)
    # The reader folds names, e-mail addresses and affiliations of the first page together (or
    # drops names set in a small font): the author line is copied by hand from the first page.
    parser.add_argument("--authors", required=True)
    args = parser.parse_args()
    data = subprocess.run(
        ["git", "-C", str(args.git_dir), "show", f"HEAD:{args.pdf_path}"],
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / Path(args.pdf_path).name
        pdf.write_bytes(data)
        args.out.write_text(convert(pdf, args.pdf_path, args.authors), encoding="utf-8")


if __name__ == "__main__":
    main()
