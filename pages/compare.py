"""Compare page."""

from pages.common import begin_page, require_project

begin_page("对比", "Compare", "⚖️")
project = require_project()
