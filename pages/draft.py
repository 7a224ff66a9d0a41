"""Draft page."""

from pages.common import begin_page, require_project

begin_page("草稿", "Draft", "✍️")
project = require_project()
