"""Entrypoint: page config, the shared sidebar (one RunConfig), navigation, status.

Streamlit runs this file as the module "__main__". A Compare worker process, started with
"spawn", imports the parent's main module again, as "__mp_main__": the guard at the end
keeps the app from running inside a worker (Python's "safe importing of the main module").
"""

from typing import NamedTuple

import streamlit as st

from explorer.runs.states import RunState
from ui import classroom, i18n, janitor, plot, presence, session, sidebar, watched, widgets
from ui.i18n import t
from ui.task_widgets import field_label


class PageSpec(NamedTuple):
    path: str  # the page's script; its file name is its URL path
    title: str  # key in explorer.i18n
    icon: str
    draws_run: bool  # the page draws the session's run (a chart or more, once it trained)
    # Its first run imports no pandas (tests/test_startup.py checks). Any other page gets
    # pandas first, where no chart is being built (ui/plot.py's import_pandas says why).
    light: bool


# The pages, in the navigation's order; the first opens by default. tests/harness.py
# visits these.
PAGES = (
    PageSpec("views/train.py", "page.train", ":material/show_chart:", True, True),
    PageSpec("views/gradient_flow.py", "page.gradients", ":material/waves:", True, True),
    # its PCA imports scikit-learn, and so pandas, inside the live fragment (which holds
    # the chart lock): light as far as other pages' charts are concerned
    PageSpec("views/hidden_states.py", "page.hidden", ":material/scatter_plot:", True, True),
    PageSpec("views/learn.py", "page.learn", ":material/function:", True, False),
    PageSpec("views/compare.py", "page.compare", ":material/compare_arrows:", False, False),
    PageSpec("views/classroom.py", "page.classroom", ":material/school:", False, True),
)


def main() -> None:
    sidebar.load_url_once()  # first: the language comes from the link
    i18n.begin_run()
    st.set_page_config(
        page_title=t("app.title"),
        page_icon=":material/waves:",
        layout="wide",
        # a projector needs the whole width for the charts: the teacher opens the sidebar
        initial_sidebar_state="collapsed" if classroom.presenter() else "auto",
    )
    pages = [
        st.Page(p.path, title=t(p.title), icon=p.icon, default=p.path == PAGES[0].path)
        for p in PAGES
    ]
    navigation = st.navigation(pages)
    classroom.go_to_lesson_page(navigation.url_path)
    if not classroom.hidden("lang"):
        i18n.switch()
    widgets.page_style()
    classroom.style_page()
    controls_box = st.sidebar.container()  # above the settings, drawn once they are read
    config = sidebar.config_widgets()
    sidebar.display_widgets()
    with controls_box:
        if watched.current() is not None and navigation.url_path == watched.GRADIENT_URL:
            watched.sidebar_note()  # the page shows a run the app did not train
        else:
            sidebar.controls(config)
    sidebar.write_url(config)
    i18n.write_url()
    classroom.write_url()
    st.session_state["config"] = config

    if presence.moved_here():
        st.warning(t("serve.moved"), icon=":material/sync_problem:")
    presence.mark()
    for warning in st.session_state.pop("url_warnings", []):
        st.warning(warning, icon=":material/warning:")
    if (heavy := session.too_heavy_message()) is not None:
        st.error(
            t("status.too_heavy", work=f"{heavy.step_work:.2g}", limit=f"{session.max_work():.2g}"),
            icon=":material/speed:",
        )

    classroom.banner()
    snap = session.snapshot()
    if snap is not None and snap.state is not RunState.IDLE and snap.config != config:
        changed = ", ".join(field_label(name) for name in snap.config.diff(config))
        st.warning(t("status.changed", fields=changed), icon=":material/restart_alt:")

    if not shown_page(navigation, pages).light:
        plot.import_pandas()
    navigation.run()
    session.warm_up_in_background()  # torch and the training code, once the page is out
    janitor.start()  # frees the runs of closed tabs


def shown_page(navigation, pages: list) -> PageSpec:
    """The spec of the page about to run (pages are built from PAGES, in its order)."""
    return next(
        (
            spec
            for spec, page in zip(PAGES, pages, strict=True)
            if page.url_path == navigation.url_path
        ),
        PAGES[0],
    )


if __name__ == "__main__":
    main()
