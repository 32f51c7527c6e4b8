"""Run the benchmarks: `python -m tests.bench [name ...]` (make bench).

Each module tests/bench/bench_<name>.py defines main() -> None that builds its data set,
measures through the HTTP functions in process, and prints a table.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(selected: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    chosen = [n for n in names if not selected or n.removeprefix("bench_") in selected]
    if not chosen:
        print(f"no benchmark matches {selected}; available: {names}")
        return 2
    for name in chosen:
        importlib.import_module(f"tests.bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
