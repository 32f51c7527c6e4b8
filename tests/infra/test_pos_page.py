"""The reference POS page in Azure: a Static Web App that azd deploys as the `web` service, whose
origin the function app's platform CORS allows."""

from __future__ import annotations

import re

from .bicep_model import REPO_ROOT, load, main_template, module_output_references, resource_body

MAIN = main_template()


def test_the_function_apps_cors_list_takes_the_pages_origin() -> None:
    cors = resource_body(MAIN.modules["functionApp"])["params"]["corsAllowedOrigins"]
    assert ("posPage", "origin") in set(module_output_references(cors))


def test_the_page_is_a_static_web_app_tagged_for_azd() -> None:
    module = load(REPO_ROOT / "infra" / "bicep" / "modules" / "pos-page.bicep")
    (site,) = [r for r in module.resources.values() if "Microsoft.Web/staticSites" in str(r)]
    assert (
        "'azd-service-name': 'web'"
        in (REPO_ROOT / "infra/bicep/modules/pos-page.bicep").read_text()
    )
    assert resource_body(site)["sku"]["name"] == "skuName"
    azure_yaml = (REPO_ROOT / "azure.yaml").read_text()
    assert re.search(
        r"\n  web:\n    project: web\n    language: js\n    host: staticwebapp\n    dist: dist",
        azure_yaml,
    )
