"""SMS keywords in the seed's languages, phone keys, and SMS length in segments."""

from __future__ import annotations

import pytest

from shared.domain.message_templates import placeholders_in, sms_length
from shared.domain.phone_numbers import phone_key
from shared.domain.sms_keywords import Keyword, keyword, reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("STOP", Keyword.STOP),
        (" stop ", Keyword.STOP),
        ("Stop.", Keyword.STOP),
        ("unsubscribe", Keyword.STOP),
        ("Stop all", Keyword.STOP),
        ("STOPP", Keyword.STOP),  # de, nb
        ("abmelden", Keyword.STOP),  # de
        ("Avslutt", Keyword.STOP),  # nb
        ("Lõpeta", Keyword.STOP),  # et
        ("lopeta", Keyword.STOP),
        ("AFMELDEN", Keyword.STOP),  # nl
        ("Rezygnuję", Keyword.STOP),  # pl
        ("wypisz", Keyword.STOP),  # pl
        ("start", Keyword.START),
        ("UNSTOP", Keyword.START),
        ("Anmelden", Keyword.START),
        ("help", Keyword.HELP),
        ("Hilfe", Keyword.HELP),
        ("stop texting me", None),
        ("please stop", None),
        ("thanks!", None),
        ("", None),
        ("stop" * 20, None),
    ],
)
def test_keywords_are_bare_words_in_any_case(text: str, expected: Keyword | None) -> None:
    assert keyword(text) is expected


def test_replies_are_in_the_customers_language_or_english() -> None:
    assert "abgemeldet" in reply(Keyword.STOP, "de-AT", "Store")
    assert "meldt av" in reply(Keyword.STOP, "nb", "Store")
    assert reply(Keyword.STOP, "fi", "Store").startswith("Store: You are unsubscribed")
    assert "START" in reply(Keyword.STOP, None, "Store")


@pytest.mark.parametrize(
    ("phone", "code", "expected"),
    [
        ("+1 206 555 0003", None, "+12065550003"),
        ("+49 (0)30 1234567", None, "+49301234567"),
        ("0047 912 34 567", None, "+4791234567"),
        ("030 1234567", "49", "+49301234567"),
        ("030 1234567", None, None),
        ("12", "49", None),
        (None, "49", None),
    ],
)
def test_phone_keys_are_e164(phone: str | None, code: str | None, expected: str | None) -> None:
    assert phone_key(phone, code) == expected


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 0),
        ("x" * 160, "GSM-7", 160, 1),
        ("x" * 161, "GSM-7", 161, 2),
        ("x" * 306, "GSM-7", 306, 2),
        ("x" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # extension characters count twice
        ("Grüße" + "x" * 60, "GSM-7", 65, 1),  # ü is in the GSM alphabet
        ("ł" * 70, "UCS-2", 70, 1),
        ("ł" * 71, "UCS-2", 71, 2),
        ("😀" * 35, "UCS-2", 70, 1),  # outside the BMP: two code units each
    ],
)
def test_sms_length_follows_the_gsm_and_ucs2_rules(
    text: str, encoding: str, units: int, segments: int
) -> None:
    length = sms_length(text)
    assert (length.encoding, length.units, length.segments) == (encoding, units, segments)


def test_placeholders_and_escaped_braces() -> None:
    assert placeholders_in("{{literal}} {store.name}") == ["store.name"]
    with pytest.raises(ValueError, match=r"\{customer.lastName\}"):
        placeholders_in("Hi {customer.lastName}")
    with pytest.raises(ValueError, match="stray"):
        placeholders_in("Hi }")
