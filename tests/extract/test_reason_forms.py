"""No-price reasons are read back into forms, so a Chinese reader sees them in Chinese.

The reasons come from the producers' own constants and functions here, not copies: a
producer whose wording drifts from `tracker.extract.reasons` fails this test.
"""

import pytest

from tracker.extract import reasons, walls
from tracker.extract.complexity import HARMLESS_TAGS, complexity_reason
from tracker.extract.model import JS_NOTE
from tracker.extract.pipeline import NO_PRICE
from tracker.extract.platforms import douyin, pinduoduo, taobao_state
from tui.i18n import current_language, reason_text, set_language

PRODUCED = [
    NO_PRICE,
    JS_NOTE,
    taobao_state.RANGE_NOTE,
    taobao_state.DEPOSIT_NOTE,
    pinduoduo.RANGE_NOTE,
    douyin.RANGE_NOTE,
    *(
        walls._explain(label)
        for label in (
            "login page",
            "captcha page",
            "slider captcha page",
            "access denied page",
            "anti-bot challenge page",
        )
    ),
    complexity_reason("<div>" * (HARMLESS_TAGS + 1)),
]


@pytest.fixture
def chinese():
    before = current_language()
    set_language("zh")
    yield
    set_language(before)


@pytest.mark.parametrize("reason", PRODUCED)
def test_every_produced_reason_has_a_form_that_words_it_back(reason):
    found = reasons.reason_form(reason)
    assert found is not None, reason
    form, values = found
    assert reasons.REASON_FORMS[form][1].format(**values) == reason


@pytest.mark.parametrize("reason", PRODUCED)
def test_a_chinese_reader_reads_every_produced_reason_in_chinese(chinese, reason):
    shown = reason_text(reason)
    assert shown != reason
    assert any("\u4e00" <= ch <= "\u9fff" for ch in shown)


def test_values_keep_their_words_and_nested_reasons_are_worded_too(chinese):
    nested = "blocked: login page (passport.jd.com): sign in or add cookies for this shop"
    assert reason_text(nested) == "被拦截：登录页（passport.jd.com）：请登录或为这家店添加 Cookie"
    assert reason_text("candidates disagree: 59.90 CNY, 69.90 CNY") == (
        "候选价格不一致：59.90 CNY, 69.90 CNY"
    )
    assert reason_text("ConnectError: connection refused") == "ConnectError: connection refused"


def test_english_readers_see_the_stored_words():
    before = current_language()
    set_language("en")
    try:
        assert reason_text(JS_NOTE) == JS_NOTE
    finally:
        set_language(before)
