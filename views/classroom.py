"""Classroom: lessons that set themselves up with one click or one link."""

import streamlit as st

from explorer.presets import PRESETS, Preset
from ui import classroom, widgets
from ui.i18n import t as text

st.title(text("classroom.title"))
st.markdown(text("classroom.intro"))


def set_up(preset: Preset) -> None:
    classroom.apply(preset)
    st.session_state["classroom_go"] = preset.page


if (page := st.session_state.pop("classroom_go", None)) is not None:
    st.switch_page(page)

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
            on_click=set_up,
            args=(preset,),
            width="stretch",
        )
        right.markdown(f"[{text('classroom.link')}](?preset={preset.name})")
        if preset.is_race:
            right.caption(text("classroom.race_hint"))

widgets.keep_alive()  # a run training meanwhile goes on: this page does not poll it
