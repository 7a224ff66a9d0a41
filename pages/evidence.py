"""Evidence page."""

from pages.common import begin_page, require_project

begin_page("证据", "Evidence", "🔎")
project = require_project()
