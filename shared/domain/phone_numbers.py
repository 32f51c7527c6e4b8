"""Phone numbers as a lookup key: one spelling per number, whatever headquarters typed.

Customer records hold phones as typed ("+49 30 1234567", "(206) 555-0101", "0047 912 34 567");
an inbound SMS names its sender in E.164 ("+49301234567"). Both become the same key: "+" and
digits only, a "(0)" trunk prefix dropped, "00" read as the international prefix, and a
national number (no prefix) given the legal entity's calling code with its trunk "0" dropped.
Without a calling code a national number has no key: guessing a country could reach the wrong
person.
"""

from __future__ import annotations

import re

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
CallingCode = str  # digits only, e.g. "49", "1"


def phone_key(phone: str | None, calling_code: CallingCode | None = None) -> str | None:
    """The E.164 form of `phone`, or None when it cannot be known for sure."""
    if not phone:
        return None
    stripped = phone.strip()
    # "+49 (0)30 ...": the bracketed trunk prefix is dialled only from within the country.
    digits = "".join(ch for ch in stripped.replace("(0)", "") if ch.isascii() and ch.isdigit())
    if stripped.startswith("+"):
        candidate = "+" + digits
    elif digits.startswith("00"):
        candidate = "+" + digits[2:]
    elif calling_code:
        candidate = "+" + calling_code + digits.removeprefix("0")
    else:
        return None
    return candidate if E164.match(candidate) else None
