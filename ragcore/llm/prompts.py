"""Prompt templates: shipped Markdown files in `prompts/` plus the user's versioned overrides.

A template is Markdown with YAML front matter declaring its variables and a jinja2 body:

    ---
    id: section/method
    description: Writes the method section.
    variables: [topic, brief, context, word_min, word_max, lang, section_name]
    ---
    body with {{ topic }} ...

The variables used in the body must equal the declared ones (checked when a template is loaded
and when an override is saved, so a typo is refused before any generation), and rendering
refuses to run unless the code supplies every declared variable. Overrides live under
`settings.overrides_dir` as numbered files; shipped files are never written. Each version has a
content hash, which drafts record with the template id.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import yaml
from filelock import FileLock
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from ragcore.errors import InputError
from ragcore.settings import PROJECT_ROOT, Settings

SHIPPED_DIR = PROJECT_ROOT / "prompts"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<head>.*?)\n---[ \t]*\n?(?P<body>.*)\Z", re.S)
_ID_RE = re.compile(r"^[a-z0-9_]+(?:/[a-z0-9_]+)*$")
# User-edited templates are rendered in a sandbox: a template cannot reach Python internals.
_ENV = SandboxedEnvironment(
    undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False
)


class PromptError(InputError):
    """A template cannot be loaded, saved or rendered; the message names template and variable."""


@dataclass(frozen=True)
class PromptTemplate:
    id: str
    description: str
    variables: tuple[str, ...]
    body: str
    source: str  # "shipped" or "override"
    version: int  # 0 for the shipped file, 1.. for overrides
    content_hash: str

    @property
    def text(self) -> str:
        """The whole file: front matter and body."""
        return compose_text(self.id, self.description, self.variables, self.body)


@dataclass(frozen=True)
class RenderedPrompt:
    text: str
    template_id: str
    template_hash: str
    template_version: int

    @property
    def prompt_hash(self) -> str:
        return content_hash(self.text)


@dataclass(frozen=True)
class OverrideVersion:
    version: int
    content_hash: str
    saved_at: str
    path: Path


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def compose_text(template_id: str, description: str, variables: tuple[str, ...], body: str) -> str:
    head = yaml.safe_dump(
        {"id": template_id, "description": description, "variables": list(variables)},
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=1000,
    )
    return f"---\n{head}---\n{body}"


def body_variables(template_id: str, body: str) -> set[str]:
    """The variables a jinja2 body uses; a syntax error is reported with its line."""
    try:
        ast = _ENV.parse(body)
    except jinja2.TemplateSyntaxError as error:
        raise PromptError(
            f"prompt template {template_id!r}: jinja2 syntax error on body line {error.lineno}: "
            f"{error.message}"
        ) from None
    return set(meta.find_undeclared_variables(ast))


def parse_template(
    text: str, *, where: str, source: str = "shipped", version: int = 0
) -> PromptTemplate:
    """Parse and check a template file's text; `where` names it in error messages."""
    match = _FRONT_MATTER.match(text.lstrip("\ufeff").replace("\r\n", "\n"))
    if not match:
        raise PromptError(f"{where}: expected YAML front matter between two '---' lines at the top")
    try:
        head = yaml.safe_load(match.group("head")) or {}
    except yaml.YAMLError as error:
        raise PromptError(f"{where}: the front matter is not valid YAML ({error})") from None
    if not isinstance(head, dict):
        raise PromptError(f"{where}: the front matter must be a mapping with id and variables")
    template_id = str(head.get("id") or "").strip()
    if not _ID_RE.match(template_id):
        raise PromptError(f"{where}: 'id' must look like 'section/method', got {template_id!r}")
    declared = head.get("variables")
    if not isinstance(declared, list) or not all(isinstance(v, str) for v in declared):
        raise PromptError(f"{where}: 'variables' must be a list of names, e.g. [topic, context]")
    body = match.group("body")
    _check_declared(template_id, where, set(declared), body_variables(template_id, body))
    return PromptTemplate(
        id=template_id,
        description=str(head.get("description") or ""),
        variables=tuple(declared),
        body=body,
        source=source,
        version=version,
        content_hash=content_hash(text),
    )


def _check_declared(template_id: str, where: str, declared: set[str], used: set[str]) -> None:
    if undeclared := sorted(used - declared):
        raise PromptError(
            f"{where}: prompt template {template_id!r} uses variable {undeclared[0]!r} "
            f"which is not declared in its front matter (declared: {', '.join(sorted(declared))})"
        )
    if unused := sorted(declared - used):
        raise PromptError(
            f"{where}: prompt template {template_id!r} declares variable {unused[0]!r} "
            "but its body never uses it"
        )


def render_template(template: PromptTemplate, values: dict[str, Any]) -> RenderedPrompt:
    """Render with exactly the declared variables; a missing one is named in the error."""
    if missing := [v for v in template.variables if v not in values]:
        raise PromptError(
            f"prompt template {template.id!r} (version {template.version}) needs variable "
            f"{missing[0]!r}, which the code did not supply"
        )
    supplied = {name: values[name] for name in template.variables}
    text = _ENV.from_string(template.body).render(**supplied)
    return RenderedPrompt(text.strip() + "\n", template.id, template.content_hash, template.version)


class PromptLibrary:
    """Shipped templates plus the user's overrides under `overrides_dir`."""

    def __init__(self, overrides_dir: Path, shipped_dir: Path = SHIPPED_DIR) -> None:
        self.overrides_dir = overrides_dir
        self.shipped_dir = shipped_dir

    @classmethod
    def from_settings(cls, settings: Settings) -> PromptLibrary:
        return cls(settings.overrides_dir)

    # ---- reading -----------------------------------------------------------------------------
    def ids(self) -> list[str]:
        found = (
            p.relative_to(self.shipped_dir).with_suffix("") for p in self.shipped_dir.rglob("*.md")
        )
        return sorted(p.as_posix() for p in found if p.name.lower() != "readme")

    def default(self, template_id: str) -> PromptTemplate:
        path = self.shipped_dir / f"{template_id}.md"
        if not _ID_RE.match(template_id) or not path.is_file():
            known = ", ".join(self.ids()) or "none"
            raise PromptError(f"no prompt template {template_id!r} (known: {known})")
        template = parse_template(path.read_text(encoding="utf-8"), where=str(path))
        if template.id != template_id:
            raise PromptError(f"{path}: front matter id {template.id!r} must be {template_id!r}")
        return template

    def get(self, template_id: str) -> PromptTemplate:
        """The template in use: the current override if there is one, else the shipped file."""
        current = self._state(template_id).get("current", 0)
        if current:
            return self.version(template_id, int(current))
        return self.default(template_id)

    def version(self, template_id: str, version: int) -> PromptTemplate:
        if version == 0:
            return self.default(template_id)
        path = self._dir(template_id) / f"{version:04d}.md"
        if not path.is_file():
            raise PromptError(f"prompt template {template_id!r} has no saved version {version}")
        return parse_template(
            path.read_text(encoding="utf-8"), where=str(path), source="override", version=version
        )

    def versions(self, template_id: str) -> list[OverrideVersion]:
        """Saved overrides, oldest first (the shipped default is version 0 and not listed)."""
        folder = self._dir(template_id)
        out = []
        for path in sorted(folder.glob("[0-9][0-9][0-9][0-9].md")):
            stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
            out.append(
                OverrideVersion(int(path.stem), content_hash(path.read_text("utf-8")), stamp, path)
            )
        return out

    def render(self, template_id: str, **values: Any) -> RenderedPrompt:
        return render_template(self.get(template_id), values)

    # ---- writing -----------------------------------------------------------------------------
    def save(self, template_id: str, body: str, description: str | None = None) -> PromptTemplate:
        """Save an edited body as a new override version and make it current.

        The allowed variables are the shipped template's (the code supplies exactly those); a
        body using any other name is refused here, not at generation time."""
        default = self.default(template_id)
        used = body_variables(template_id, body)
        if unknown := sorted(used - set(default.variables)):
            raise PromptError(
                f"prompt template {template_id!r}: unknown variable {unknown[0]!r}; "
                f"available: {', '.join(default.variables)}"
            )
        variables = tuple(v for v in default.variables if v in used)
        text = compose_text(template_id, description or default.description, variables, body)
        parse_template(text, where=f"edited {template_id}")  # same checks as loading
        with self._lock(template_id):
            number = max((v.version for v in self.versions(template_id)), default=0) + 1
            path = self._dir(template_id) / f"{number:04d}.md"
            _write_atomic(path, text)
            self._write_state(template_id, {"current": number})
        return self.version(template_id, number)

    def use_version(self, template_id: str, version: int) -> PromptTemplate:
        """Make an older override (or 0, the shipped default) current again."""
        template = self.version(template_id, version)
        with self._lock(template_id):
            self._write_state(template_id, {"current": version})
        return template

    def reset(self, template_id: str) -> PromptTemplate:
        """Back to the shipped default; saved overrides stay listed."""
        return self.use_version(template_id, 0)

    def diff(self, template_id: str, version: int | None = None) -> str:
        """Unified diff of an override (default: the current one) against the shipped body."""
        default = self.default(template_id)
        other = self.get(template_id) if version is None else self.version(template_id, version)
        lines = difflib.unified_diff(
            default.body.splitlines(keepends=True),
            other.body.splitlines(keepends=True),
            fromfile=f"{template_id} (default)",
            tofile=f"{template_id} (version {other.version})",
        )
        return "".join(lines)

    # ---- storage -----------------------------------------------------------------------------
    def _dir(self, template_id: str) -> Path:
        if not _ID_RE.match(template_id):
            raise PromptError(f"invalid prompt template id {template_id!r}")
        return self.overrides_dir / template_id

    def _lock(self, template_id: str) -> FileLock:
        folder = self._dir(template_id)
        folder.mkdir(parents=True, exist_ok=True)
        return FileLock(str(folder / ".lock"), timeout=30)

    def _state(self, template_id: str) -> dict[str, Any]:
        path = self._dir(template_id) / "state.json"
        if not path.is_file():
            return {}
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            raise PromptError(
                f"{path}: not valid JSON; delete it to use the latest saved version"
            ) from None
        return state if isinstance(state, dict) else {}

    def _write_state(self, template_id: str, state: dict[str, Any]) -> None:
        _write_atomic(self._dir(template_id) / "state.json", json.dumps(state))


def _write_atomic(path: Path, text: str) -> None:
    """Write a file so a reader never sees half of it (replace is atomic on one filesystem)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
