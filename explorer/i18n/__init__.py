"""Every user-facing text as data, keyed by id, in English and Simplified Chinese: one
registry, one text(key, lang). The pages, the charts, the command line and the errors
raised by explorer/ (explorer.tasks.datastore.DataError: a code and values) all put their
words through it, so a translation changes every place at once.

>>> text("intro.train").startswith("A recurrent network")
True
>>> text("status.step", "zh", step=3, total=10)
'第 3 / 10 步'
>>> text("error.too_short", n=3, minimum=12)[:57]
'The series has only 3 values; it needs at least 12 (a win'
>>> sorted(EQUATIONS)[:2]
['bptt', 'bptt_product']
"""

from __future__ import annotations

from explorer.i18n.en import EN
from explorer.i18n.equations import EQUATIONS
from explorer.i18n.zh import ZH

LANGUAGES = {"en": "English", "zh": "简体中文"}
TEXTS = EN  # the reference: every id the app knows


def text(key: str, lang: str = "en", /, **values: object) -> str:
    """The text for an id in a language, its {fields} filled in from values."""
    template = (ZH if lang == "zh" else EN)[key]
    return template.format(**values) if values else template


__all__ = ["EN", "EQUATIONS", "LANGUAGES", "TEXTS", "ZH", "text"]
