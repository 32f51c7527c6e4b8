"""Every problem type the code can return is documented in docs/problems.md."""

from __future__ import annotations

from pathlib import Path

from shared.domain.errors import all_error_types
from shared.localhost.problems import REFUSALS

DOC = Path(__file__).resolve().parents[2] / "docs" / "problems.md"


def test_every_problem_type_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    slugs = {e.slug for e in all_error_types()} | {"configuration-error"}
    missing = sorted(s for s in slugs if f"`{s}`" not in text)
    assert not missing, f"document these problem types in docs/problems.md: {missing}"


def test_every_problem_type_the_local_host_answers_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    slugs = {kind for kind, _, _ in REFUSALS.values()} | {"method-not-allowed", "bad-request"}
    missing = sorted(s for s in slugs if f"`{s}`" not in text)
    assert not missing, f"document these problem types in docs/problems.md: {missing}"
