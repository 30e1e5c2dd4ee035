"""Issue 17 in a real headless Chromium, where AppTest cannot follow: st.switch_page after
Open on the Compare page drops the upload box's value, and the browser sends the file
again with the next click (it used to be accepted again, resetting the column); and the
upload box's own words, which Streamlit draws in English, shown in Chinese by CSS.

Its own server (tests/test_browser.py's serve, started as the README says) with its own
runs directory, holding one saved run on the uploaded file's "High" column. Screenshots
land in $SCREENSHOT_DIR (default artifacts/screenshots).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_app_tasks import stock_csv
from test_browser import (  # noqa: F401  (browser: a fixture pytest finds by name)
    LOADED,
    NAV_LINK,
    ROOT,
    TIMEOUT_MS,
    assert_no_exception,
    browser,
    screenshot,
    serve,
)

from explorer.config import RunConfig
from explorer.engine.training import Trainer
from explorer.runs.bundle import save_run
from explorer.tasks.datastore import STORE

pytestmark = pytest.mark.browser

SIDEBAR = '[data-testid="stSidebar"]'
ALERT = '[data-testid="stAlert"]'
DROPZONE = f"{SIDEBAR} [data-testid='stFileUploaderDropzone']"
QUERY = "task=series&hidden=8&steps=30&batch=16&seq_len=10"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(URL, the uploaded CSV) with a saved run on its High column in the runs directory."""
    folder = tmp_path_factory.mktemp("series_browser")
    csv = folder / "prices.csv"
    csv.write_bytes(stock_csv(80))
    entry = STORE.put(csv.name, csv.read_bytes())
    config = RunConfig(task="series", data=entry.key, column="High", seq_len=10, hidden=8)
    trainer = Trainer(config.replace(steps=20))
    trainer.run()
    save_run(folder / "runs" / "saved-high", trainer)
    with serve(folder, env={"RNN_EXPLORER_RUNS": str(folder / "runs")}) as (url, _):
        yield url, csv


@pytest.fixture
def page(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def settled(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(LOADED)
    page.wait_for_timeout(700)


def column(page) -> str:
    """The column the sidebar's select box shows."""
    return page.locator(f"{SIDEBAR} .st-key-cfg_column input").input_value()


def changed(page) -> list[str]:
    return [a for a in page.locator(ALERT).all_inner_texts() if "Settings changed" in a]


def go_to(page, label: str) -> None:
    page.locator(NAV_LINK).filter(has=page.get_by_text(label, exact=True)).click()
    settled(page)


def test_open_then_page_switches_keep_the_opened_column(server, page):
    url, csv = server
    page.goto(f"{url}/?{QUERY}")
    settled(page)
    page.locator(f"{SIDEBAR} input[type=file]").set_input_files(str(csv))
    settled(page)
    assert "Loaded prices.csv" in " ".join(page.locator(ALERT).all_inner_texts())
    go_to(page, "Compare")
    page.locator(".st-key-cmp_saved_open button").click()  # Open the saved run on High
    page.locator("h1", has_text="Train").wait_for()
    settled(page)
    for label in ("Gradient flow", "Train", "Learn", "Train"):
        go_to(page, label)
        assert_no_exception(page)
        assert not changed(page), (label, changed(page))
        assert column(page) == "High", (label, column(page))
    screenshot(page, "series-opened-run-after-page-switches")


def test_the_upload_box_speaks_chinese(server, page):
    url, _ = server
    page.goto(f"{url}/?task=series&lang=zh")
    settled(page)
    zone = page.locator(DROPZONE).first
    words = zone.evaluate(
        """z => {
            const note = z.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span');
            const button = z.querySelector('button [data-testid="stMarkdownContainer"] p');
            const shown = e => [
                getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content];
            return [...shown(note), ...shown(button)];
        }"""
    )
    assert words == ["0px", '"每个文件不超过 2 MB • CSV, TSV, TXT"', "0px", '"上传"'], words
    box = zone.bounding_box()
    assert box is not None and box["height"] > 40  # drawn, not collapsed
    uploader = page.locator("[data-testid='stFileUploaderDropzone']")
    section = page.locator(f"{SIDEBAR} [data-testid='stExpander']").filter(has=uploader)
    folder = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "artifacts" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(folder / "series-data-section-zh.png"))  # for a person to look at
