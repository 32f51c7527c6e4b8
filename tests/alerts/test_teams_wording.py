"""Teams takes webhooks through its Workflows app; the retired Office 365 connector's "incoming
webhook" must not be what an operator is told to create."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLACES = sorted([*ROOT.glob("docs/*.md"), ROOT / "README.md", *ROOT.glob("infra/bicep/**/*.bicep")])


@pytest.mark.parametrize("path", PLACES, ids=lambda path: path.name)
def test_teams_is_configured_with_a_workflows_webhook(path: Path) -> None:
    text = " ".join(path.read_text(encoding="utf-8").split()).lower()

    assert "teams incoming webhook" not in text
    assert "office 365 connector" not in text or "retired" in text


def test_the_deploy_guide_names_the_workflows_trigger() -> None:
    guide = " ".join((ROOT / "docs" / "deploy.md").read_text(encoding="utf-8").split())

    assert "When a Teams webhook request is received" in guide
