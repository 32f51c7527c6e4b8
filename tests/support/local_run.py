"""`make run` in a test: demo data in a temporary store, the API and the page on free ports."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shared.localhost.demo import LocalRun, apply_local_settings, load_demo_data
from tests.fuzz.running_app import _environment, _reset, _settings


@contextmanager
def local_run(settings_file: Path | None = None) -> Iterator[LocalRun]:
    """The servers `make run` starts (timers off, so only the callers change the data)."""
    with tempfile.TemporaryDirectory(prefix="clienteling-page-") as directory:
        state_dir = Path(directory)
        with _environment(_settings(state_dir)):
            apply_local_settings(state_dir / "absent.settings.json")
            _reset()
            run: LocalRun | None = None
            try:
                load_demo_data()
                run = LocalRun(
                    settings_file=settings_file or state_dir / "absent.settings.json",
                    run_timers=False,
                )
                yield run
            finally:
                if run is not None:
                    run.stop()
                    # Indexing records the function names on the app; later tests index again.
                    from shared.localhost import load_app

                    load_app().functions_bindings = None
                _reset()
