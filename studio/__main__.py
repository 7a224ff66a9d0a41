"""`python -m studio [streamlit run options]`: the studio, as `streamlit run app.py` with the
same options, plus the first page's modules imported while the browser loads the frontend
(studio.preload). Run it from the repository (the README's command): Streamlit then reads
`.streamlit/config.toml` (loopback only, no usage statistics). `ragcore studio` runs it from
any folder with those settings on the command line.
"""

from __future__ import annotations

import sys
from pathlib import Path

from studio import preload

APP = Path(__file__).resolve().parent.parent / "app.py"


def main() -> None:
    preload.start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
