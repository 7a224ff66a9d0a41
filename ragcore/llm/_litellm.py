"""The one place that imports litellm, configured for offline, quiet, private use.

Why here: `LITELLM_LOCAL_MODEL_COST_MAP` must be set before the first import, or litellm fetches
a price list from the internet at import time (an 8 s stall without network). Every other
module takes litellm names from here.
"""

from __future__ import annotations

import logging
import os

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

import litellm
from litellm import exceptions
from litellm.cost_calculator import cost_per_token
from litellm.llms.custom_llm import CustomLLM
from litellm.router import Router
from litellm.types.utils import Usage

litellm.suppress_debug_info = True
litellm.telemetry = False
# Message contents never go to any logging callback, even one a user adds.
litellm.turn_off_message_logging = True
# Per streamed chunk LiteLLM otherwise submits a logging task to a thread pool (success callbacks,
# cache). We register no logging callback and no cache, so that work has no consumer; it was
# ~15 ms of CPU per 12-chunk stream (measured with benchmarks/bench_llm.py and cProfile).
litellm.disable_streaming_logging = True
# The gateway turns every failure into one plain message; litellm's own error logs would
# repeat it with request details, so they are kept at CRITICAL.
for _name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

__all__ = ["CustomLLM", "Router", "Usage", "cost_per_token", "exceptions", "litellm"]
