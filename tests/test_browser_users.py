"""What new users tripped over, walked again in a real headless Chromium: the language
switch keeps every setting, a lesson link lands on the lesson, presenter mode reads at
1280x720, and nothing is cut on ordinary screens and phones (issue 17).

The server, the browser and the helpers are tests/test_browser.py's.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from test_browser import (  # noqa: F401  (fixtures: pytest finds them by name)
    ALERT,
    CHART,
    LOADED,
    App,
    app,
    assert_no_exception,
    browser,
    page,
    screenshot,
)

from explorer.i18n import text

pytestmark = pytest.mark.browser

SETTINGS = {"task": "adding", "cell": "gru", "optimizer": "sgd", "clip": "value"}
SETTINGS_INIT = {**SETTINGS, "init": "orthogonal"}


def query(tab) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(tab.url).query).items()}


def choose_language(tab, lang: str) -> None:
    box = tab.locator('[data-testid="stSelectbox"]').filter(
        has_text=text("sidebar.language", "zh" if lang == "en" else "en")
    )
    box.locator("button").click()  # opens the whole list (typing would filter it)
    tab.get_by_role("option", name={"en": "English", "zh": "简体中文"}[lang]).click()
    tab.wait_for_timeout(300)
    tab.wait_for_selector(LOADED)


def checked(tab, label: str) -> list[str]:
    """The checked option(s) of the radio group labelled `label`."""
    group = tab.locator('[data-testid="stRadio"]').filter(has_text=label)
    return group.locator("label:has(input:checked)").all_inner_texts()


def selected(tab, label: str) -> str:
    box = tab.locator('[data-testid="stSelectbox"]').filter(has_text=label)
    return box.locator('input[role="combobox"]').input_value().strip()


def assert_settings_shown(tab, lang: str) -> None:
    def say(key: str) -> str:
        return text(key, lang)

    assert checked(tab, say("label.optimizer")) == [say("choice.optimizer.sgd")]
    assert checked(tab, say("label.clip")) == [say("choice.clip.value")]
    assert checked(tab, say("label.cell")) == [say("choice.cell.gru")]
    assert selected(tab, say("label.task")) == say("choice.task.adding")
    errors = " ".join(tab.locator(ALERT).all_inner_texts())
    assert say("sidebar.invalid").split("(")[0].strip() not in errors, errors


def test_switching_the_language_changes_words_and_nothing_else(app: App, page) -> None:  # noqa: F811
    url = f"{app.url}/?" + "&".join(f"{k}={v}" for k, v in SETTINGS_INIT.items())
    page.goto(url)
    page.wait_for_selector(LOADED)
    page.wait_for_selector(CHART)
    for lang in ("zh", "en", "zh"):
        choose_language(page, lang)
        assert_settings_shown(page, lang)
        # another rerun (a click that changes nothing the run uses) keeps them too
        page.get_by_text(text("train.log_loss", lang), exact=True).click()
        page.wait_for_timeout(300)
        page.wait_for_selector(LOADED)
        assert_settings_shown(page, lang)
        assert {k: query(page).get(k) for k in SETTINGS_INIT} == SETTINGS_INIT, page.url
        assert (query(page).get("lang") == "zh") == (lang == "zh")
        assert_no_exception(page)


def test_a_lesson_link_lands_on_the_lesson_for_anyone(app: App, browser) -> None:  # noqa: F811
    teacher = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    teacher.goto(f"{app.url}/classroom?lang=zh")
    # the lesson's own link, waited for by what it says (the page draws its blocks in turn)
    code = teacher.locator('[data-testid="stCode"]').filter(has_text="preset=vanishing").first
    code.wait_for()
    link = code.inner_text().strip()
    assert link.startswith(app.url + "/compare?"), link  # absolute, on the lesson's page
    # "Set up this lesson" opens the lesson's page in the teacher's language, named in the URL
    teacher.locator(".st-key-setup_vanishing button").click()  # by its key, not its place
    teacher.locator("h1", has_text=text("page.compare", "zh")).wait_for()
    teacher.wait_for_selector(LOADED)
    assert query(teacher).get("preset") == "vanishing" and query(teacher).get("lang") == "zh"
    choose_language(teacher, "en")
    teacher.locator("h1", has_text=text("page.compare", "en")).wait_for()
    errors = " ".join(teacher.locator(ALERT).all_inner_texts())
    assert "Invalid settings" not in errors, errors
    assert_no_exception(teacher)
    teacher.context.close()

    student = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    student.goto(link)
    student.locator("h1", has_text=text("page.compare", "zh")).wait_for()
    student.wait_for_selector(LOADED)
    question = text("preset.vanishing.question", "zh")
    assert student.get_by_text(question, exact=False).count() > 0
    assert query(student).get("preset") == "vanishing"
    assert_no_exception(student)
    screenshot(student, "lesson-link-phone")
    student.context.close()


# Anything a person would find cut off or covered: a metric's value or label cut with an
# ellipsis, a chart title running past its chart, a legend over a title or over the
# toolbar, an equation or the page scrolling sideways.
CUT_OR_COVERED_JS = """() => {
    const problems = [];
    const overlap = (a, b) => !(a.right <= b.left || b.right <= a.left ||
                                a.bottom <= b.top || b.bottom <= a.top);
    for (const el of document.querySelectorAll(
            '[data-testid="stMetricValue"] p, [data-testid="stMetricLabel"] p')) {
        if (el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
            problems.push('metric cut: ' + el.innerText);
    }
    for (const d of document.querySelectorAll('.rnn-plot.js-plotly-plot')) {
        if (d.offsetParent === null) continue;
        const box = d.getBoundingClientRect();
        const title = d.querySelector('.gtitle');
        const legend = d.querySelector('.legend');
        const toolbar = d.querySelector('.modebar');
        const name = title ? title.textContent : d.dataset.key;
        if (title) {
            const t = title.getBoundingClientRect();
            if (t.left < box.left - 1 || t.right > box.right + 1 || t.top < box.top - 1)
                problems.push('title cut: ' + name);
            if (legend && overlap(legend.getBoundingClientRect(), t))
                problems.push('legend over the title: ' + name);
        }
        if (legend && toolbar && toolbar.getBoundingClientRect().width > 0 &&
                overlap(legend.getBoundingClientRect(), toolbar.getBoundingClientRect()))
            problems.push('legend under the toolbar: ' + name);
    }
    for (const eq of document.querySelectorAll('.katex-display')) {
        if (eq.scrollWidth > eq.clientWidth + 4)  // KaTeX's aligned boxes overhang 2 px
            problems.push('equation cut: ' + eq.textContent.slice(0, 40));
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1)
        problems.push('the page scrolls sideways');
    return problems;
}"""
SCREENS = {"projector": (1280, 720), "laptop": (1440, 900), "phone": (390, 844)}


def open_pages(tab, label: str) -> None:
    """Go to a page by the sidebar, opening it first where it starts collapsed."""
    expand = tab.locator('[data-testid="stExpandSidebarButton"]')
    if expand.count() and expand.first.is_visible():
        expand.first.click()
        tab.wait_for_timeout(500)
    tab.locator('[data-testid="stSidebarNavLink"]').filter(has_text=label).first.click()
    tab.wait_for_timeout(500)
    tab.wait_for_selector(LOADED)
    if tab.viewport_size["width"] < 640:  # on a phone the sidebar covers the page: close it
        tab.locator('[data-testid="stSidebarCollapseButton"] button').first.click()
        tab.wait_for_timeout(500)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_nothing_is_cut_or_covered(app: App, browser, screen: str, lang: str) -> None:  # noqa: F811
    width, height = SCREENS[screen]
    tab = browser.new_context(viewport={"width": width, "height": height}).new_page()
    presenter = "&presenter=1" if screen == "projector" else ""
    tab.goto(f"{app.url}/?lang={lang}&cell=lstm&hidden=8&seq_len=20&steps=150{presenter}")
    tab.wait_for_selector(CHART)
    expand = tab.locator('[data-testid="stExpandSidebarButton"]').first
    # in presenter mode the sidebar starts collapsed: the charts get the width
    assert expand.is_visible() == (screen in ("projector", "phone"))
    if expand.is_visible():
        expand.click()
        tab.wait_for_timeout(500)
    tab.locator(".st-key-btn_train button").click()
    tab.wait_for_function(
        "() => document.body.innerText.includes('150 / 150')", polling=200, timeout=60_000
    )
    for page_id, label in (
        ("train", "page.train"),
        ("gradient_flow", "page.gradients"),
        ("learn", "page.learn"),
    ):
        open_pages(tab, text(label, lang))
        tab.wait_for_selector(CHART)
        tab.wait_for_timeout(1500)  # plotly draws after the script run
        problems = tab.evaluate(CUT_OR_COVERED_JS)
        assert not problems, (screen, lang, page_id, problems)
        if screen == "projector" and page_id == "gradient_flow":  # one chart a row
            lefts = {
                round(b["x"])
                for b in (p.bounding_box() for p in tab.locator(".rnn-plot.js-plotly-plot").all())
                if b
            }
            assert len(lefts) == 1, lefts
        assert_no_exception(tab)
        screenshot(tab, f"{screen}-{lang}-{page_id}")
    tab.context.close()
