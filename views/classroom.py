"""Classroom: lessons that set themselves up with one click or one link."""

import streamlit as st

from explorer.presets import PRESETS
from ui import classroom, i18n, widgets
from ui.i18n import t as text


def main() -> None:
    st.title(text("classroom.title"))
    st.markdown(text("classroom.intro"))

    for preset in PRESETS.values():
        with st.container(border=True):
            st.subheader(text(preset.text_key("title")))
            left, right = st.columns([3, 1])
            left.markdown(
                f"**{text('classroom.watch')}** {text(preset.text_key('watch'))}\n\n"
                f"**{text('classroom.why')}** {text(preset.text_key('why'))}"
            )
            with left.expander(text("classroom.expect")):
                st.markdown(text(preset.text_key("expect")))
            right.button(
                text("classroom.setup"),
                key=f"setup_{preset.name}",
                type="primary",
                on_click=classroom.apply,
                args=(preset,),
                width="stretch",
            )
            link = classroom.lesson_link(preset, i18n.lang())
            right.markdown(f"[{text('classroom.link')}]({link})", help=text("classroom.link_help"))
            right.code(link, language=None, wrap_lines=True)
            if preset.is_race:
                right.caption(text("classroom.race_hint"))

    widgets.keep_alive()  # a run training meanwhile goes on: this page does not poll it


main()
