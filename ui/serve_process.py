"""One app process of `python -m explorer serve`: Streamlit's own command line, with the
warm-up started first.

A plain `streamlit run` warms up after its first page, so that a teacher's first page is
not slowed by torch's import. A served process is started before the class arrives: it
loads torch then, rather than while thirty students' first pages are being drawn.

    python -m ui.serve_process run app.py --server.port 8502 ...  (streamlit's arguments)
"""

from __future__ import annotations

from streamlit.web import cli

from ui import session


def main() -> None:
    session.warm_up_in_background()
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
