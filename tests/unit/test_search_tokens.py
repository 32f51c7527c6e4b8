"""What customer search matches: the start of a token of the customer's search text."""

from __future__ import annotations

import itertools

from shared.domain.text import customer_search_text, search_keys, search_matches, search_tokens

ZOE = customer_search_text("Zoë Ågren-Lind", "Zoe.Agren@Example.com", "+46 8-555 12 34")


def test_tokens_start_at_words_at_runs_of_letters_or_digits_and_inside_digit_runs() -> None:
    found = set(search_tokens(ZOE))
    assert {"zoe", "agren-lind", "lind", "zoe.agren@example.com", "example.com", "com"} <= found
    assert {"4685551234", "5551234", "34", "8-555", "555", "55"} <= found
    assert "gren-lind" not in found and "xample.com" not in found  # inside a word of letters
    assert "1" not in search_tokens("n1")  # inside a run of letters and digits


def test_every_word_must_begin_a_token() -> None:
    text = customer_search_text("Ann Archer", "ann@example.com", None)
    assert search_matches(text, ["arch", "ann@ex"])
    assert not search_matches(text, ["arch", "bo"])
    assert not search_matches(text, ["rche"])
    assert search_matches(text, [])


def test_matching_the_text_agrees_with_the_tokens_for_every_piece_of_it() -> None:
    """The SQLite store tests the text, Cosmos DB looks up the tokens: the same answers."""
    texts = [ZOE, "customer 003 customer3@example.com +1 206 555 0003 12065550003", "a1 b-2 n12x"]
    for text in texts:
        tokens = search_tokens(text)
        pieces = {text[i:j] for i, j in itertools.combinations(range(len(text) + 1), 2)}
        for word in (p for p in pieces if not any(c.isspace() for c in p)):
            assert search_matches(text, [word]) == any(t.startswith(word) for t in tokens), word


def test_keys_are_every_start_of_every_token_up_to_the_length() -> None:
    assert search_keys(["archer", "an"], 4) == {"a", "ar", "arc", "arch", "an"}
