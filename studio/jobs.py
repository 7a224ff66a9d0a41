"""Drafting runs in a background thread, one job per project in the server process, so a page
rerun, a click on Stop, navigating away or reloading the browser never interrupts or loses it.
The page polls the job (an auto-refreshing fragment) for per-section progress and streamed text.

Every section the job writes is saved as a version by ragcore as soon as it finishes; the job
only holds what is on its way.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import streamlit as st

from ragcore.drafting.projects import Project
from ragcore.errors import RagcoreError
from ragcore.progress import ProgressEvent
from ragcore.settings import Settings

if TYPE_CHECKING:  # the gateway loads LiteLLM and the pipeline Chroma (seconds each): the
    # Projects page imports this module and must not wait for them; only their types are needed
    from ragcore.drafting.pipeline import DraftOutcome
    from ragcore.llm.gateway import Gateway

log = logging.getLogger("studio.jobs")


@dataclass
class DraftJob:
    project_id: str
    sections: list[str]  # section keys being written (empty: all)
    model: str
    prompt_versions: dict[str, int] = field(default_factory=dict)  # template id -> version
    cancel: threading.Event = field(default_factory=threading.Event)
    events: dict[str, ProgressEvent] = field(default_factory=dict)  # by stage
    texts: dict[str, str] = field(default_factory=dict)  # streamed text by section key
    # When each section started and finished (monotonic), for the time shown per section.
    section_times: dict[str, list[float]] = field(default_factory=dict)
    outcome: DraftOutcome | None = None
    error: str = ""
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def on_progress(self, event: ProgressEvent) -> None:
        with self.lock:
            self.events[event.stage] = event
            if event.stage.startswith("section:"):
                self.section_times.setdefault(event.stage, []).append(time.monotonic())

    def section_elapsed(self, key: str) -> float | None:
        """Seconds a section has been writing (or took); None before it starts."""
        with self.lock:
            times = list(self.section_times.get(f"section:{key}", []))
        if not times:
            return None
        return (times[-1] if len(times) > 1 else time.monotonic()) - times[0]

    def on_delta(self, section: str, text: str) -> None:
        with self.lock:
            self.texts[section] = text

    def snapshot(self) -> tuple[dict[str, ProgressEvent], dict[str, str]]:
        with self.lock:
            return dict(self.events), dict(self.texts)

    def section_status(self, key: str) -> str:
        """ "waiting", "writing" or the finished version's status."""
        event = self.events.get(f"section:{key}")
        if event is None:
            return "waiting"
        return "writing" if event.done < event.total else event.message


@st.cache_resource(show_spinner=False)
def _registry() -> dict[str, DraftJob]:
    """Jobs of the whole server process by project id (a reloaded browser finds its job)."""
    return {}


def job_for(project_id: str) -> DraftJob | None:
    return _registry().get(project_id)


def forget(project_id: str) -> None:
    job = _registry().get(project_id)
    if job is not None and not job.running:
        del _registry()[project_id]


def _run(job: DraftJob, settings: Settings, project: Project, gateway: Gateway) -> None:
    from ragcore.drafting.pipeline import draft_project

    try:
        job.outcome = draft_project(
            settings,
            project,
            sections=job.sections,
            model=job.model,
            progress=job.on_progress,
            on_delta=job.on_delta,
            cancel=job.cancel,
            gateway=gateway,
            prompt_versions=job.prompt_versions,
        )
    except RagcoreError as error:
        job.error = str(error)
    except Exception as error:  # a bug: logged in full, shown to the user in one line
        log.exception("drafting failed")
        job.error = f"{type(error).__name__}: {error}"
    finally:
        job.finished = time.monotonic()


def start_draft(
    settings: Settings,
    project: Project,
    gateway: Gateway,
    *,
    sections: Sequence[str] = (),
    model: str,
    prompt_versions: Mapping[str, int] | None = None,
) -> DraftJob:
    """Start drafting (all sections, or the named ones) unless the project already has a job;
    `prompt_versions` writes with those template versions instead of the ones in use."""
    current = job_for(project.project_id)
    if current is not None and current.running:
        return current
    job = DraftJob(project.project_id, list(sections), model, dict(prompt_versions or {}))
    _registry()[project.project_id] = job
    thread = threading.Thread(
        target=_run, args=(job, settings, project, gateway), name=f"draft-{project.project_id}",
        daemon=True,
    )  # fmt: skip
    thread.start()
    return job
