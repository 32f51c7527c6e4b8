"""Check infra/bicep without the Bicep CLI: syntax with pycep-parser, policies with checkov.

    python .ci/check_bicep.py               # both checks (CI)
    python .ci/check_bicep.py --parse-only  # syntax only, seconds

The Bicep CLI cannot be installed here, so:
1. every .bicep file is parsed with pycep-parser (installed with requirements-dev.txt); a syntax
   error fails with file:line:column;
2. checkov runs from its own virtual environment under .tools/checkov-venv (its pinned
   dependencies clash with the project's), created on first use. Checkov exits 0 when it cannot
   parse a file, so the JSON report is read instead: any failed check, any parsing error, or any
   skip without a reason fails the run.

Skips live next to the resource they concern, inside its body:
    // checkov:skip=CKV_AZURE_35:why this check does not apply here
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import venv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BICEP_ROOT = REPO_ROOT / "infra" / "bicep"
CHECKOV_VENV = REPO_ROOT / ".tools" / "checkov-venv"
# Pinned so that a new checkov release (new checks) cannot turn CI red on its own; bump on purpose.
CHECKOV_REQUIREMENT = "checkov==3.3.30"
NO_REASON = "No comment provided"


class CheckFailed(RuntimeError):
    """A check found a problem; the message says where."""


@dataclass(frozen=True)
class CheckovSummary:
    passed: int
    failed: int
    skipped: int
    parsing_errors: int
    failures: tuple[str, ...]
    unparsed_files: tuple[str, ...]
    unjustified_skips: tuple[str, ...]

    def problems(self) -> list[str]:
        found = [f"failed {line}" for line in self.failures]
        found += [f"checkov could not parse {path}" for path in self.unparsed_files]
        if self.parsing_errors and not self.unparsed_files:
            found.append(f"checkov reported {self.parsing_errors} parsing error(s)")
        found += [f"skip without a reason: {line}" for line in self.unjustified_skips]
        return found


def bicep_files(root: Path = BICEP_ROOT) -> list[Path]:
    return sorted(root.rglob("*.bicep"))


def parse_error_location(path: Path, error: Exception) -> str:
    """file:line:column for a pycep/lark error, as precise as the error allows."""
    line = getattr(error, "line", None)
    column = getattr(error, "column", None)
    if isinstance(line, int) and line > 0:
        return f"{path}:{line}:{column if isinstance(column, int) else 1}"
    # pycep rejects an odd number of ''' before parsing, without a position: point at the last one.
    text = path.read_text(encoding="utf-8")
    quotes = [n for n, row in enumerate(text.splitlines(), start=1) if "'''" in row]
    return f"{path}:{quotes[-1] if quotes else 1}:1"


def first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def parse_all(paths: Iterable[Path]) -> list[str]:
    """Parse every file; return one 'file:line:col: message' per file that does not parse."""
    from pycep import BicepParser  # imported here: the policy check alone must not need it

    parser = BicepParser()
    errors = []
    for path in paths:
        try:
            parser.parse(file_path=path)
        except Exception as error:  # lark raises several unrelated types; any of them is a failure
            errors.append(f"{parse_error_location(path, error)}: {first_line(error)}")
    return errors


def checkov_executable(venv_dir: Path = CHECKOV_VENV) -> Path:
    """The checkov of its own virtual environment, created and installed on first use."""
    executable = venv_dir / "bin" / "checkov"
    marker = venv_dir / "installed-requirement.txt"
    if executable.exists() and marker.exists() and marker.read_text() == CHECKOV_REQUIREMENT:
        return executable
    print(f"installing {CHECKOV_REQUIREMENT} into {venv_dir} (first run only)", flush=True)
    python = venv_dir / "bin" / "python"
    if not python.exists():
        venv.EnvBuilder(with_pip=True).create(venv_dir)
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, CHECKOV_REQUIREMENT], check=True)
    marker.write_text(CHECKOV_REQUIREMENT)
    return executable


def run_checkov(executable: Path, directory: Path = BICEP_ROOT) -> object:
    command = [
        str(executable),
        "--framework",
        "bicep",
        "--directory",
        str(directory),
        "--output",
        "json",
        # The Prisma Cloud guideline download needs the internet and changes nothing locally.
        "--skip-download",
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        return json.loads(completed.stdout)
    except json.JSONDecodeError:
        raise CheckFailed(
            f"checkov exited {completed.returncode} without a JSON report:\n"
            f"{completed.stderr.strip()[-2000:]}"
        ) from None


def _reports(report: object) -> list[dict]:
    # One dict per framework; checkov prints a list when it ran several, and a bare summary
    # (no "results") when it found nothing to check.
    reports = report if isinstance(report, list) else [report]
    return [item for item in reports if isinstance(item, dict)]


def _describe(check: dict) -> str:
    lines = check.get("file_line_range") or ["?"]
    return (
        f"{check.get('check_id')} {check.get('resource')} "
        f"({check.get('file_path')}:{lines[0]}): {check.get('check_name')}"
    )


def summarize(report: object) -> CheckovSummary:
    passed = failed = skipped = parsing_errors = 0
    failures: list[str] = []
    unparsed: list[str] = []
    unjustified: list[str] = []
    for item in _reports(report):
        summary = item.get("summary", item)
        passed += int(summary.get("passed", 0))
        failed += int(summary.get("failed", 0))
        skipped += int(summary.get("skipped", 0))
        parsing_errors += int(summary.get("parsing_errors", 0))
        results = item.get("results", {})
        failures += [_describe(check) for check in results.get("failed_checks", [])]
        unparsed += [str(path) for path in results.get("parsing_errors", [])]
        for check in results.get("skipped_checks", []):
            reason = (check.get("check_result") or {}).get("suppress_comment", NO_REASON)
            if not reason or reason.strip() == NO_REASON:
                unjustified.append(_describe(check))
    return CheckovSummary(
        passed,
        failed,
        skipped,
        parsing_errors,
        tuple(failures),
        tuple(unparsed),
        tuple(unjustified),
    )


SKIP_PATTERN = re.compile(r"checkov:skip=([A-Z0-9_]+)(:?)(.*)")


def skips_without_reason(paths: Iterable[Path]) -> list[str]:
    """Skip comments with an empty reason, found in the source (checkov ignores misplaced ones)."""
    found = []
    for path in paths:
        for number, row in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = SKIP_PATTERN.search(row)
            if match and not (match.group(2) and match.group(3).strip()):
                found.append(f"{path}:{number}: {match.group(1)} has no reason")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--parse-only", action="store_true", help="skip the checkov run")
    args = options.parse_args(argv)

    paths = bicep_files()
    if not paths:
        print(f"no .bicep files under {BICEP_ROOT}", file=sys.stderr)
        return 1
    problems = parse_all(paths) + skips_without_reason(paths)
    print(f"pycep: parsed {len(paths) - len(problems)} of {len(paths)} Bicep files")
    if problems or args.parse_only:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0

    try:
        summary = summarize(run_checkov(checkov_executable()))
    except (CheckFailed, subprocess.CalledProcessError) as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"checkov bicep: passed={summary.passed} failed={summary.failed} "
        f"skipped={summary.skipped} parsing_errors={summary.parsing_errors}"
    )
    for problem in summary.problems():
        print(problem, file=sys.stderr)
    return 1 if summary.problems() else 0


if __name__ == "__main__":
    sys.exit(main())
