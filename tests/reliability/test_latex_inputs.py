"""Issue 17.1: `\\input`/`\\include` never reads a file outside the paper's folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragcore.errors import InputError
from ragcore.ingest.formats import parse_file
from tests.reliability.conftest import run_cli

SECRET = "sk-live-THIS-MUST-NOT-LEAK-42"
BODY = (
    "\\documentclass{article}\n\\title{Input Safety}\n\\begin{document}\n"
    "\\section{Introduction}\nGraph networks help retrieval in many settings.\n"
    "{include}\n\\section{Conclusion}\nThe method works.\n\\end{document}\n"
)


def _paper(tmp_path: Path, include: str) -> Path:
    secret = tmp_path / "secret"
    secret.mkdir(exist_ok=True)
    (secret / "creds.txt").write_text(f"API_KEY={SECRET}\n", encoding="utf-8")
    folder = tmp_path / "paper"
    folder.mkdir(exist_ok=True)
    main = folder / "main.tex"
    main.write_text(BODY.replace("{include}", include), encoding="utf-8")
    return main


@pytest.mark.parametrize(
    "include",
    [
        "\\input{../secret/creds.txt}",
        "\\include{../secret/creds}",  # .tex appended: still outside, still refused by place
        "\\input{SECRET_DIR/creds.txt}",  # absolute
        "\\input{link/creds.txt}",  # a symlink inside the folder pointing outside
    ],
)
def test_input_outside_the_folder_is_refused_naming_the_line(tmp_path: Path, include: str) -> None:
    include = include.replace("SECRET_DIR", str(tmp_path / "secret"))
    main = _paper(tmp_path, include)
    (main.parent / "link").symlink_to(tmp_path / "secret")
    with pytest.raises(InputError) as raised:
        parse_file(main)
    message = str(raised.value)
    assert "line 6" in message and "outside the paper's folder" in message
    assert SECRET not in message


def test_inputs_inside_the_folder_still_expand(tmp_path: Path) -> None:
    main = _paper(tmp_path, "\\input{sections/method}")
    (main.parent / "sections").mkdir()
    (main.parent / "sections" / "method.tex").write_text(
        "\\section{Method}\nWe propagate scores over the citation graph.\n", encoding="utf-8"
    )
    doc = parse_file(main)
    assert any("citation graph" in block.text for block in doc.blocks)


def test_cli_ingest_stores_nothing_from_outside(tmp_path: Path) -> None:
    """A real `ragcore ingest` process: the file fails with the line, the secret is nowhere."""
    home = tmp_path / "home"
    main = _paper(tmp_path, "\\input{../secret/creds.txt}")
    run = run_cli(home, "ingest", "--json", str(main))
    reports = json.loads(run.out)
    assert reports[0]["status"] == "failed" and "line 6" in reports[0]["error"]
    assert SECRET not in run.text
    stored = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
    assert SECRET.encode() not in stored
