"""Every Bicep file parses, and .ci/check_bicep.py reports problems where they are."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from pycep import BicepParser

from .bicep_model import BICEP_ROOT, REPO_ROOT

BICEP_FILES = sorted(BICEP_ROOT.rglob("*.bicep"))


def load_check_script() -> ModuleType:
    path = REPO_ROOT / ".ci" / "check_bicep.py"
    spec = importlib.util.spec_from_file_location("check_bicep", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


check_bicep = load_check_script()


def test_there_is_a_main_template_and_modules() -> None:
    assert BICEP_ROOT / "main.bicep" in BICEP_FILES
    assert len(BICEP_FILES) > 1


@pytest.mark.parametrize("path", BICEP_FILES, ids=lambda path: path.name)
def test_file_parses(path: Path) -> None:
    BicepParser().parse(file_path=path)


def test_script_finds_every_bicep_file() -> None:
    assert check_bicep.bicep_files() == BICEP_FILES


def test_syntax_error_is_reported_with_file_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.bicep"
    broken.write_text("param name string\n\nresource s 'A/b@2024-01-01' = {\n  name: ]\n}\n")

    (error,) = check_bicep.parse_all([broken])

    assert error.startswith(f"{broken}:4:9: ")


def test_unclosed_multi_line_string_points_at_its_opening_line(tmp_path: Path) -> None:
    broken = tmp_path / "unclosed.bicep"
    broken.write_text("var ok = '''\nclosed\n'''\nvar open = '''\nnever closed\n")

    (error,) = check_bicep.parse_all([broken])

    assert error.startswith(f"{broken}:4:1: ")


def test_valid_files_report_nothing(tmp_path: Path) -> None:
    valid = tmp_path / "valid.bicep"
    valid.write_text("param name string\noutput upper string = toUpper(name)\n")

    assert check_bicep.parse_all([valid]) == []


def test_skip_comment_without_a_reason_is_reported(tmp_path: Path) -> None:
    template = tmp_path / "skips.bicep"
    template.write_text(
        "resource s 'A/b@2024-01-01' = {\n"
        "  // checkov:skip=CKV_AZURE_1:the reason is written here\n"
        "  // checkov:skip=CKV_AZURE_2\n"
        "  // checkov:skip=CKV_AZURE_3:  \n"
        "  name: 'x'\n"
        "}\n"
    )

    assert check_bicep.skips_without_reason([template]) == [
        f"{template}:3: CKV_AZURE_2 has no reason",
        f"{template}:4: CKV_AZURE_3 has no reason",
    ]


def test_every_skip_in_the_templates_gives_a_reason() -> None:
    assert check_bicep.skips_without_reason(BICEP_FILES) == []


def checkov_report(**results: list) -> dict:
    base = {"passed_checks": [], "failed_checks": [], "skipped_checks": [], "parsing_errors": []}
    base.update(results)
    return {
        "check_type": "bicep",
        "results": base,
        "summary": {
            "passed": len(base["passed_checks"]),
            "failed": len(base["failed_checks"]),
            "skipped": len(base["skipped_checks"]),
            "parsing_errors": len(base["parsing_errors"]),
        },
    }


FAILED_CHECK = {
    "check_id": "CKV_AZURE_3",
    "check_name": "Ensure that 'supportsHttpsTrafficOnly' is set to 'true'",
    "resource": "Microsoft.Storage/storageAccounts.storage",
    "file_path": "/modules/storage.bicep",
    "file_line_range": [30, 76],
}


def test_a_clean_report_has_no_problems() -> None:
    summary = check_bicep.summarize(checkov_report(passed_checks=[{"check_id": "CKV_AZURE_1"}]))

    assert (summary.passed, summary.failed, summary.parsing_errors) == (1, 0, 0)
    assert summary.problems() == []


def test_a_failed_check_is_a_problem_that_names_the_resource_and_line() -> None:
    summary = check_bicep.summarize(checkov_report(failed_checks=[FAILED_CHECK]))

    (problem,) = summary.problems()
    assert "CKV_AZURE_3" in problem
    assert "Microsoft.Storage/storageAccounts.storage" in problem
    assert "/modules/storage.bicep:30" in problem


def test_a_file_checkov_could_not_parse_is_a_problem_although_nothing_failed() -> None:
    summary = check_bicep.summarize(checkov_report(parsing_errors=["/x/modules/new.bicep"]))

    assert summary.failed == 0
    assert summary.problems() == ["checkov could not parse /x/modules/new.bicep"]


def test_a_skip_without_reason_is_a_problem() -> None:
    skipped = dict(
        FAILED_CHECK, check_result={"result": "SKIPPED", "suppress_comment": "No comment provided"}
    )
    justified = dict(FAILED_CHECK, check_result={"result": "SKIPPED", "suppress_comment": "why"})

    assert len(check_bicep.summarize(checkov_report(skipped_checks=[skipped])).problems()) == 1
    assert check_bicep.summarize(checkov_report(skipped_checks=[justified])).problems() == []


def test_reports_of_several_frameworks_are_added_up() -> None:
    report = [checkov_report(failed_checks=[FAILED_CHECK]), checkov_report(parsing_errors=["a"])]

    summary = check_bicep.summarize(report)

    assert (summary.failed, summary.parsing_errors) == (1, 1)
    assert len(summary.problems()) == 2
