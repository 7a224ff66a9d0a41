"""The tree reads like the pipeline: packages import only the stages before them, `ragcore`
never imports streamlit, and `pages/` holds only the pages the app navigates to."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO_ROOT

RAGCORE = REPO_ROOT / "ragcore"
# Earlier entries never import later ones at module level. Within one entry only a package's own
# modules. Function-level imports (lazy loading, e.g. the studio page helpers) are
# allowed: they do not make import loops.
STAGES = [
    {"errors", "progress", "text", "settings", "redaction", "wording"},
    {"library"},
    {"documents"},
    {"llm"},
    {"ingest"},
    {"retrieval"},
    {"drafting"},
    {"quality"},
    {"commands", "testing"},
    {"__main__", "__init__"},
]


def _stage(package: str) -> int:
    return next(i for i, names in enumerate(STAGES) if package in names)


def _package(path: Path) -> str:
    parts = path.relative_to(RAGCORE).parts
    return parts[0] if len(parts) > 1 else path.stem


def _module_level_imports(tree: ast.Module) -> list[str]:
    found: list[str] = []
    for node in tree.body:  # top-level statements only
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def _all_imports(tree: ast.Module) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def _ragcore_files() -> list[Path]:
    return sorted(RAGCORE.rglob("*.py"))


def test_ragcore_never_imports_streamlit() -> None:
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for path in _ragcore_files()
        if any(
            name.split(".")[0] == "streamlit" for name in _all_imports(ast.parse(path.read_text()))
        )
    ]
    assert offenders == []


def test_packages_import_only_earlier_stages() -> None:
    wrong: list[str] = []
    for path in _ragcore_files():
        own = _package(path)
        for name in _module_level_imports(ast.parse(path.read_text())):
            parts = name.split(".")
            if parts[0] != "ragcore" or len(parts) < 2:
                continue
            target = parts[1]
            if target == own:
                continue
            if _stage(target) >= _stage(own):
                wrong.append(f"{path.relative_to(REPO_ROOT)} imports {name}")
    assert wrong == []


def test_every_package_has_a_stage() -> None:
    packages = {_package(path) for path in _ragcore_files()}
    assert {p for p in packages if not any(p in names for names in STAGES)} == set()


def test_pages_folder_holds_only_navigated_pages() -> None:
    app = (REPO_ROOT / "app.py").read_text()
    pages = sorted(p.name for p in (REPO_ROOT / "pages").glob("*.py") if p.name != "__init__.py")
    assert pages, "no pages found"
    assert [name for name in pages if f'"pages/{name}"' not in app] == []
