"""Disagreements between the app and its OpenAPI document that fuzzing found, kept fixed."""

from __future__ import annotations

import requests

from tests.fuzz.running_app import RunningApp
from tests.fuzz.served_document import served_document


def _documented(path: str, method: str) -> set[str]:
    return set(served_document()["paths"][path][method]["responses"])


def test_an_unknown_job_filter_on_the_run_history_is_a_400_not_a_404(
    live_app: RunningApp,
) -> None:
    admin = {"Authorization": f"Bearer {live_app.tokens['admin']}"}
    for job_id in ("", "9999"):
        reply = requests.get(
            live_app.api("admin/distribution/runs"),
            params={"jobId": job_id},
            headers=admin,
            timeout=10,
        )

        assert reply.status_code == 400, reply.text
        assert reply.json()["errors"][0]["field"] == "jobId"


def test_the_run_history_documents_the_job_ids_it_accepts() -> None:
    params = served_document()["paths"]["/api/admin/distribution/runs"]["get"]["parameters"]
    job = next(p for p in params if p["name"] == "jobId")

    assert job["schema"]["enum"] == ["1040", "1090", "1110", "1150"]


def test_a_failed_insights_setup_check_is_a_documented_422() -> None:
    assert "422" in _documented("/api/admin/{legalEntity}/insights/enable", "post")


def test_authenticated_routes_document_missing_setup_and_unavailable_dependencies() -> None:
    for path in ("/api/stores/{storeId}/client-book/customers", "/api/admin/distribution/runs"):
        assert {"409", "503"} <= _documented(path, "get")
    assert not {"409", "503"} & _documented("/api/openapi.json", "get")
