"""The function app runs on Flex Consumption, Python 3.11, deploying by identity."""

from __future__ import annotations

from typing import Any

from .bicep_model import function_call, main_template, module_template, name_value_entries

FUNCTION_APP = module_template("function-app")


def single(resource_type: str) -> dict[str, Any]:
    (resource,) = FUNCTION_APP.resources_of_type(resource_type).values()
    return resource["config"]


def test_plan_is_flex_consumption_on_linux() -> None:
    plan = single("Microsoft.Web/serverfarms")

    assert plan["sku"] == {"name": "FC1", "tier": "FlexConsumption"}
    assert plan["properties"]["reserved"] is True


def test_site_is_a_linux_function_app_on_python_3_11() -> None:
    site = single("Microsoft.Web/sites")
    config = site["properties"]["functionAppConfig"]

    assert site["kind"] == "functionapp,linux"
    assert config["runtime"] == {"name": "python", "version": "3.11"}
    assert site["properties"]["httpsOnly"] is True
    assert site["properties"]["siteConfig"]["minTlsVersion"] == "1.2"


def test_package_deploys_from_blob_storage_with_the_user_assigned_identity() -> None:
    storage = single("Microsoft.Web/sites")["properties"]["functionAppConfig"]["deployment"]

    assert storage["storage"]["type"] == "blobContainer"
    assert storage["storage"]["authentication"] == {
        "type": "UserAssignedIdentity",
        "userAssignedIdentityResourceId": "identityId",
    }


def test_scale_limits_are_parameters() -> None:
    scale = single("Microsoft.Web/sites")["properties"]["functionAppConfig"]["scaleAndConcurrency"]

    assert scale["maximumInstanceCount"] == "maximumInstanceCount"
    assert scale["instanceMemoryMB"] == "instanceMemoryMB"
    assert "maximumInstanceCount" in FUNCTION_APP.parameters
    assert "instanceMemoryMB" in FUNCTION_APP.parameters


def test_azd_finds_the_app_by_its_service_tag() -> None:
    tags = single("Microsoft.Web/sites")["tags"]["function"]["parameters"]
    service_tag = {key.strip("'"): value for key, value in tags["arg_2"].items()}

    assert service_tag == {"azd-service-name": "serviceName"}
    assert FUNCTION_APP.parameters["serviceName"]["default"] == "api"


def test_basic_auth_publishing_is_off() -> None:
    policies = FUNCTION_APP.resources_of_type(
        "Microsoft.Web/sites/basicPublishingCredentialsPolicies"
    ).values()

    assert {policy["config"]["name"] for policy in policies} == {"ftp", "scm"}
    assert all(policy["config"]["properties"]["allow"] is False for policy in policies)


def test_site_config_sets_nothing_flex_consumption_does_not_support() -> None:
    # Flex Consumption plan deprecations: these siteConfig properties belong to other plans
    # (FTP(S) has no endpoint on Flex; scale settings live in functionAppConfig).
    site_config = single("Microsoft.Web/sites")["properties"]["siteConfig"]

    unsupported = {
        "ftpsState",
        "linuxFxVersion",
        "alwaysOn",
        "numberOfWorkers",
        "use32BitWorkerProcess",
    }
    assert not unsupported & set(site_config)


def test_storage_takes_no_shared_keys_and_no_anonymous_reads() -> None:
    storage = module_template("storage")
    (account,) = storage.resources_of_type("Microsoft.Storage/storageAccounts").values()
    properties = account["config"]["properties"]

    assert properties["allowSharedKeyAccess"] is False
    assert properties["allowBlobPublicAccess"] is False
    assert properties["minimumTlsVersion"] == "TLS1_2"
    assert properties["supportsHttpsTrafficOnly"] is True


def test_key_vault_is_rbac_only_and_cannot_be_purged() -> None:
    vault = module_template("key-vault")
    (resource,) = vault.resources_of_type("Microsoft.KeyVault/vaults").values()
    properties = resource["config"]["properties"]

    assert properties["enableRbacAuthorization"] is True
    assert properties["enableSoftDelete"] is True
    assert properties["enablePurgeProtection"] is True
    assert properties["publicNetworkAccess"] == "publicNetworkAccess"


def test_application_insights_accepts_only_entra_authenticated_telemetry() -> None:
    monitoring = module_template("monitoring")
    (component,) = monitoring.resources_of_type("Microsoft.Insights/components").values()

    assert component["config"]["properties"]["DisableLocalAuth"] is True


def test_http_concurrency_and_worker_threads_are_one_parameter() -> None:
    # The host admits this many requests per instance; the Python worker runs each synchronous
    # invocation on one of PYTHON_THREADPOOL_THREAD_COUNT threads. Equal, no request waits
    # inside the worker for a thread and no thread idles (docs/performance.md).
    scale = single("Microsoft.Web/sites")["properties"]["functionAppConfig"]["scaleAndConcurrency"]
    settings = {name: value for name, value, _ in name_value_entries("appSettings", FUNCTION_APP)}

    assert scale["triggers"]["http"]["perInstanceConcurrency"] == "httpPerInstanceConcurrency"
    threads = function_call(settings["PYTHON_THREADPOOL_THREAD_COUNT"], "string")
    assert threads is not None and list(threads.values()) == ["httpPerInstanceConcurrency"]


def test_http_concurrency_default_is_the_measured_one_and_main_passes_it_on() -> None:
    main = main_template()

    assert FUNCTION_APP.parameters["httpPerInstanceConcurrency"]["default"] == 8
    assert main.parameters["httpPerInstanceConcurrency"]["default"] == 8
    (call,) = (
        m for m in main.modules.values() if m["detail"]["path"].endswith("function-app.bicep")
    )
    assert call["config"]["params"]["httpPerInstanceConcurrency"] == "httpPerInstanceConcurrency"
