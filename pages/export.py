"""Export page."""

from pages.common import begin_page, require_project

begin_page("导出", "Export", "📤")
project = require_project()
