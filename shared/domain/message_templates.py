"""Message templates: placeholders, validation at save, rendering, and SMS length.

A template has one text per language (subject and body for email, body for SMS). Bodies may
use the placeholders of `PLACEHOLDERS` in braces; `{{` and `}}` write a brace. Anything else
in braces is refused when the template is saved, naming the placeholder, so no customer ever
receives a literal "{customer.lastName}".

SMS length is counted as carriers bill it (3GPP TS 23.038): a text entirely in the GSM 7-bit
alphabet takes 160 characters in one segment, 153 per segment once split (the rest carries
the concatenation header), characters of the extension table (such as € [ ] { }) count twice;
any other character makes the whole text UCS-2: 70 in one segment, 67 per segment split,
characters outside the Basic Multilingual Plane (most emoji) counting twice.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from shared.domain.consent import Channel
from shared.domain.model_base import DomainModel, Name, multi_line_text, one_line_text
from shared.domain.outreach import LanguageCode

PLACEHOLDERS = ("customer.firstName", "associate.name", "store.name", "store.phone")
# What the SMS length of a template is estimated with (the preview gives the exact figure).
SAMPLE_VALUES = {
    "customer.firstName": "Alexandra",
    "associate.name": "Alex Morgan",
    "store.name": "Seattle Downtown",
    "store.phone": "+1 206 555 0100",
}
MAX_BODY = 5000
MAX_SMS_BODY = 1600  # ten segments of GSM text: longer is a letter, not an SMS
_BRACES = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|\{|\}")


def placeholders_in(text: str) -> list[str]:
    """The placeholders `text` uses; ValueError naming the first unknown one (or a stray
    brace)."""
    used = []
    for match in _BRACES.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None:
            raise ValueError(f"has a stray {token!r}; write {token * 2} for a brace")
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise ValueError(f"unknown placeholder {{{name}}}; known: {known}")
        used.append(name)
    return used


def _checked_placeholders(text: str) -> str:
    placeholders_in(text)
    return text


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with its placeholders replaced (a missing value becomes empty)."""

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return values.get(match.group(1) or "", "")

    return _BRACES.sub(one, text)


TemplateBody = Annotated[
    multi_line_text(min_length=1, max_length=MAX_BODY), AfterValidator(_checked_placeholders)
]
TemplateSubject = Annotated[
    one_line_text(min_length=1, max_length=200), AfterValidator(_checked_placeholders)
]


class TemplateText(DomainModel):
    subject: TemplateSubject | None = Field(default=None, description="email only")
    body: TemplateBody


class MessageTemplate(DomainModel):
    name: Name
    channel: Channel
    active: bool = True
    texts: dict[LanguageCode, TemplateText] = Field(
        min_length=1, max_length=30, description="per language: subject (email) and body"
    )

    @model_validator(mode="after")
    def _fits_channel(self) -> MessageTemplate:
        for language, text in self.texts.items():
            if self.channel == "email" and text.subject is None:
                raise ValueError(f"texts.{language}.subject: an email template needs a subject")
            if self.channel == "sms":
                if text.subject is not None:
                    raise ValueError(f"texts.{language}.subject: SMS has no subject")
                if len(text.body) > MAX_SMS_BODY:
                    raise ValueError(
                        f"texts.{language}.body: at most {MAX_SMS_BODY} characters for SMS"
                    )
        return self

    def text_for(self, language: str | None, default_language: str) -> TemplateText:
        """The customer's language, else its primary tag, else the default, else the first."""
        for candidate in (language, (language or "").split("-")[0], default_language):
            if candidate and candidate in self.texts:
                return self.texts[candidate]
        return next(iter(self.texts.values()))


# -- SMS length ---------------------------------------------------------------------------

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")
Encoding = Literal["GSM-7", "UCS-2"]


@dataclass(frozen=True)
class SmsLength:
    encoding: Encoding
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int

    def to_json(self) -> dict[str, object]:
        return {
            "encoding": self.encoding,
            "units": self.units,
            "segments": self.segments,
            "perSegment": self.per_segment,
        }


def sms_length(text: str) -> SmsLength:
    if all(c in GSM_BASIC or c in GSM_EXTENSION for c in text):
        units = sum(2 if c in GSM_EXTENSION else 1 for c in text)
        single, split, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, split, encoding = 70, 67, "UCS-2"
    if units <= single:
        return SmsLength(encoding, units, 1 if units else 0, single)
    return SmsLength(encoding, units, math.ceil(units / split), split)
