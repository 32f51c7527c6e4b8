"""What a soak run watches in the host's process, read from /proc (Linux)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figures:
    open_files: int
    threads: int
    rss_kib: int

    def __str__(self) -> str:
        return (
            f"{self.open_files} open files, {self.threads} threads, "
            f"RSS {self.rss_kib / 1024:.1f} MiB"
        )


def figures(pid: int) -> Figures:
    status = _status(pid)
    return Figures(
        open_files=len(os.listdir(f"/proc/{pid}/fd")),
        threads=int(status["Threads"]),
        rss_kib=int(status["VmRSS"].split()[0]),
    )


def open_file_limit(pid: int) -> int:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return int(line.split()[3])
    raise RuntimeError("no open-file limit in /proc/<pid>/limits")


def _status(pid: int) -> dict[str, str]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return fields
