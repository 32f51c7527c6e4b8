"""What an inbound SMS means for consent: STOP, START and HELP keywords, and the replies.

Carriers and the CTIA handbook treat a message that is only a keyword (any case, surrounding
spaces ignored) as an instruction; "stop texting me" is not a keyword. English keywords are
the CTIA/carrier set (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT; START,
UNSTOP, YES; HELP, INFO); each language of the seed adds the words its carriers and
senders commonly recognise. An opt-out word in any language always works, whatever the
customer's language: a missed STOP is the expensive mistake. Replies go in the customer's
language, English when we have none for it.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Keyword(StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"


# language -> keyword -> words (folded: upper case, accents kept as typed are also accepted
# without them, see `_folded`)
WORDS: dict[str, dict[Keyword, tuple[str, ...]]] = {
    "en": {
        Keyword.STOP: (
            "STOP",
            "STOPALL",
            "UNSUBSCRIBE",
            "CANCEL",
            "END",
            "QUIT",
            "REVOKE",
            "OPTOUT",
        ),
        Keyword.START: ("START", "UNSTOP", "YES"),
        Keyword.HELP: ("HELP", "INFO"),
    },
    "de": {
        Keyword.STOP: ("STOPP", "ABMELDEN", "ABBESTELLEN", "ENDE"),
        Keyword.START: ("ANMELDEN",),
        Keyword.HELP: ("HILFE",),
    },
    "nb": {
        Keyword.STOP: ("STOPP", "AVSLUTT", "AVMELD", "SLUTT"),
        Keyword.START: ("JA",),
        Keyword.HELP: ("HJELP",),
    },
    "et": {
        Keyword.STOP: ("LOPETA", "LOOBU"),
        Keyword.START: ("ALUSTA",),
        Keyword.HELP: ("ABI",),
    },
    "nl": {
        Keyword.STOP: ("AFMELDEN", "UITSCHRIJVEN"),
        Keyword.START: ("AANMELDEN",),
        Keyword.HELP: ("HELP",),
    },
    "pl": {
        Keyword.STOP: ("WYPISZ", "REZYGNUJE", "REZYGNACJA"),
        Keyword.START: ("ZAPISZ",),
        Keyword.HELP: ("POMOC",),
    },
}

REPLIES: dict[str, dict[Keyword, str]] = {
    "en": {
        Keyword.STOP: "{sender}: You are unsubscribed and will receive no more messages."
        " Reply START to resubscribe.",
        Keyword.START: "{sender}: You are subscribed to messages again. Reply STOP to"
        " unsubscribe, HELP for help.",
        Keyword.HELP: "{sender}: Messages from your store associate. Reply STOP to"
        " unsubscribe. Msg&data rates may apply.",
    },
    "de": {
        Keyword.STOP: "{sender}: Sie sind abgemeldet und erhalten keine Nachrichten mehr."
        " Antworten Sie START, um sich wieder anzumelden.",
        Keyword.START: "{sender}: Sie erhalten wieder Nachrichten. Antworten Sie STOP zum"
        " Abmelden.",
        Keyword.HELP: "{sender}: Nachrichten Ihrer Filiale. Antworten Sie STOP zum Abmelden.",
    },
    "nb": {
        Keyword.STOP: "{sender}: Du er meldt av og får ingen flere meldinger. Svar START for"
        " å melde deg på igjen.",
        Keyword.START: "{sender}: Du får meldinger igjen. Svar STOPP for å melde deg av.",
        Keyword.HELP: "{sender}: Meldinger fra butikken din. Svar STOPP for å melde deg av.",
    },
    "et": {
        Keyword.STOP: "{sender}: Olete loobunud ega saa enam sõnumeid. Uuesti liitumiseks"
        " vastake START.",
        Keyword.START: "{sender}: Saate taas sõnumeid. Loobumiseks vastake STOP.",
        Keyword.HELP: "{sender}: Sõnumid teie kauplusest. Loobumiseks vastake STOP.",
    },
    "nl": {
        Keyword.STOP: "{sender}: U bent afgemeld en ontvangt geen berichten meer. Antwoord"
        " START om u weer aan te melden.",
        Keyword.START: "{sender}: U ontvangt weer berichten. Antwoord STOP om u af te melden.",
        Keyword.HELP: "{sender}: Berichten van uw winkel. Antwoord STOP om u af te melden.",
    },
    "pl": {
        Keyword.STOP: "{sender}: Wypisano Cię z wiadomości. Nie otrzymasz kolejnych. Odpisz"
        " START, aby zapisać się ponownie.",
        Keyword.START: "{sender}: Ponownie otrzymujesz wiadomości. Odpisz STOP, aby się wypisać.",
        Keyword.HELP: "{sender}: Wiadomości z Twojego sklepu. Odpisz STOP, aby się wypisać.",
    },
}


def _folded(text: str) -> str:
    """Upper case without accents and inner spaces ("Lõpeta" -> "LOPETA", "stop all" ->
    "STOPALL", "Rezygnuję" -> "REZYGNUJE")."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(bare.split()).upper().replace("-", "").replace("_", "")


_LOOKUP: dict[str, Keyword] = {}
for _language, _keywords in WORDS.items():
    for _keyword, _words in _keywords.items():
        for _word in _words:
            # A word that is STOP in one language never becomes START in another.
            _LOOKUP.setdefault(_folded(_word), _keyword)

MAX_KEYWORD_MESSAGE = 40  # longer messages are conversation, never a keyword


def keyword(text: str) -> Keyword | None:
    """The keyword a message is, or None ("STOP please" is none: carriers act on the bare
    word only, and so do we)."""
    if len(text) > MAX_KEYWORD_MESSAGE:
        return None
    stripped = text.strip().strip(".!")
    if not stripped or len(stripped.split()) > 2:  # "STOP ALL" is one keyword
        return None
    return _LOOKUP.get(_folded(stripped))


def reply(found: Keyword, language: str | None, sender: str) -> str:
    """The carrier-style confirmation, in the customer's language when we have it."""
    texts = REPLIES.get((language or "en").split("-")[0].lower(), REPLIES["en"])
    return texts[found].format(sender=sender)
