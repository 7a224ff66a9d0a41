"""Importing ragcore.llm and reading a config must not load LiteLLM (it takes seconds)."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

from ragcore.llm._litellm import Router
from ragcore.llm.config import ROUTER_PARAMETERS

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from ragcore.llm import LLMCallError, load_llm_config
config = load_llm_config(__import__("pathlib").Path("llm.example.yaml"))
print(sorted(m for m in ("litellm", "openai") if m in sys.modules), config.model_names)
"""


def test_config_only_callers_do_not_load_litellm() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[] ['offline/extractive']"


def test_gateway_name_still_imports_from_the_package() -> None:
    from ragcore.llm import Gateway
    from ragcore.llm.gateway import Gateway as Direct

    assert Gateway is Direct


def test_router_parameter_list_matches_installed_litellm() -> None:
    # The config check uses a fixed list so it need not import LiteLLM; a LiteLLM upgrade that
    # adds or drops Router settings shows up here.
    actual = set(inspect.signature(Router.__init__).parameters) - {"self", "model_list"}
    assert actual == ROUTER_PARAMETERS
