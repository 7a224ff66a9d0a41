"""Prompts page."""

from pages.common import begin_page, require_project

begin_page("提示词", "Prompts", "🧩")
project = require_project()
