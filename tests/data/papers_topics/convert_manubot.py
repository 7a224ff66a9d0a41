"""Convert a Manubot manuscript (its `content/` folder) into one Markdown paper.

Provenance tool for the files in this folder, run once by hand against a git checkout of each
source repository (named in `manifest.jsonl`); the benchmark reads only the converted files.
Manubot keeps a paper as numbered Markdown files plus `metadata.yaml`, citing with `[@doi:...]`
keys that it resolves over the network when it builds; offline we number the keys in order of
first use and list them (the same `[n]` form as the unarXive papers in tests/data/papers).

    python tests/data/papers_topics/convert_manubot.py GIT_DIR OUT.md --source owner/name
"""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

import yaml

SKIP = re.compile(r"front-matter|back-matter|references|todo|leftover|acknowledg|supplement")
CITATION = re.compile(r"\[(\s*@[^\]\[]+)\]")
CROSS_REF = re.compile(
    r"(?P<word>\b(?:Figures?|Figs?\.|Tables?|Equations?|Eqs?\.|Sections?)\s+)?"
    r"\{?@(fig|tbl|eq|sec):[\w.-]+\}?"
)
FIGURE = re.compile(r"!\[(.*?)\]\([^)]*\)(\{[^}]*\})?", re.S)
ATTRIBUTES = re.compile(r"\s*\{[#.][^}]*\}")
LATEX_BLOCK = re.compile(r"```\{=latex\}\n(.*?)```", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
TEMPLATE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
KIND = {"fig": "Figure", "tbl": "Table", "eq": "Equation", "sec": "Section"}


def git_show(git_dir: Path, path: str) -> str:
    return subprocess.run(
        ["git", "-C", str(git_dir), "show", f"HEAD:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def content_files(git_dir: Path) -> list[str]:
    listing = subprocess.run(
        ["git", "-C", str(git_dir), "ls-tree", "--name-only", "HEAD", "content/"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return sorted(p for p in listing if p.endswith(".md") and not SKIP.search(p))


class Numbering:
    def __init__(self) -> None:
        self.keys: dict[str, int] = {}
        self.refs: dict[str, dict[str, int]] = {k: {} for k in KIND}

    def cite(self, match: re.Match[str]) -> str:
        items = [i.strip().lstrip("@") for i in match.group(1).split(";") if i.strip()]
        numbers = [self.keys.setdefault(key, len(self.keys) + 1) for key in items]
        return "[" + ", ".join(str(n) for n in numbers) + "]"

    def cross_ref(self, match: re.Match[str]) -> str:
        kind = match.group(2)
        label = match.group(0).strip("{}")
        seen = self.refs[kind]
        number = seen.setdefault(label.split("@")[-1], len(seen) + 1)
        return f"{match.group('word') or KIND[kind] + ' '}{number}"


def convert(git_dir: Path, source: str) -> str:
    meta = yaml.safe_load(git_show(git_dir, "content/metadata.yaml"))
    numbering = Numbering()
    body = []
    for path in content_files(git_dir):
        text = git_show(git_dir, path)
        text = COMMENT.sub("", text)
        text = LATEX_BLOCK.sub(lambda m: "$$\n" + m.group(1).strip() + "\n$$\n", text)
        text = TEMPLATE.sub("", text)
        text = FIGURE.sub(lambda m: "[Figure: " + " ".join(m.group(1).split()) + "]", text)
        text = ATTRIBUTES.sub("", text)
        text = CITATION.sub(numbering.cite, text)
        text = CROSS_REF.sub(numbering.cross_ref, text)
        body.append(text.strip())
    authors = ", ".join(a["name"] for a in meta.get("authors", []))
    head = [
        f"# {meta['title']}",
        "",
        f"Authors: {authors}  ",
        "license: https://creativecommons.org/licenses/by/4.0/ (CC BY 4.0)  ",
        f"Source: Manubot manuscript, GitHub repository {source} (content/), converted offline",
        "",
    ]
    references = ["## References", ""] + [
        f"[{n}] {key}" for key, n in sorted(numbering.keys.items(), key=lambda kv: kv[1])
    ]
    text = "\n\n".join(body)
    # Some papers' top headings are "# Introduction": put them one level below the title.
    if re.search(r"^# ", text, flags=re.M):
        text = re.sub(r"^(#+) ", r"#\1 ", text, flags=re.M)
    return "\n".join(head) + "\n" + text + "\n\n" + "\n".join(references) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--source", required=True)
    args = parser.parse_args()
    args.out.write_text(convert(args.git_dir, args.source), encoding="utf-8")


if __name__ == "__main__":
    main()
