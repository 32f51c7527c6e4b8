"""Every problem type the code can return is documented in docs/problems.md."""

from __future__ import annotations

import subprocess
import sys
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


def test_follow_up_problem_types_are_known_from_the_errors_module_alone() -> None:
    # all_error_types() walks subclasses, so a type kept in another module would be missing
    # from the OpenAPI document of any process that happened not to import that module.
    script = (
        "from shared.domain.errors import all_error_types;"
        "print(' '.join(sorted(e.slug for e in all_error_types())))"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    assert {"followup-not-open", "customer-not-in-book"} <= set(done.stdout.split())
