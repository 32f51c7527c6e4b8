// The function app on the Flex Consumption plan (Linux, Python 3.11), running as the
// user-assigned managed identity. Every app setting is wired by identity: host storage,
// telemetry, Cosmos DB and Key Vault references carry no keys and no secret connection strings.

@description('Function app name (globally unique host name).')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region (must offer Flex Consumption).')
param location string

@description('Tags applied to the plan and the app; the app also gets azd-service-name.')
param tags object

@description('azd service name in azure.yaml that deploys to this app.')
param serviceName string = 'api'

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

@description('Host storage account (identity-based AzureWebJobsStorage).')
param storageAccountName string

@description('Blob container in the host storage account the app package is deployed to.')
param deploymentContainerName string

@description('Application Insights component receiving the app telemetry.')
param applicationInsightsName string

@description('Key Vault the app settings reference.')
param keyVaultName string

@description('Communication Services endpoint (https://<name>.communication.azure.com).')
param acsEndpoint string

@description('Email sender address of the linked domain.')
param acsEmailSender string

@description('SMS number in E.164; empty: SMS is off.')
param acsSmsFromNumber string = ''

@description('Cosmos DB account endpoint (https://<account>.documents.azure.com:443/).')
param cosmosEndpoint string

@description('Cosmos DB database name.')
param cosmosDatabaseName string

@description('Entra tenant that issues the API access tokens.')
param authTenantId string

@description('Application (client) id of the API app registration.')
param apiAppId string

@description('Expected aud claim. Empty: the API app id, which is the audience of v2.0 access tokens.')
param apiAudience string = ''

@description('Upper bound of instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per instance.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Concurrent HTTP requests per instance; also the Python worker\'s thread count (PYTHON_THREADPOOL_THREAD_COUNT), so each admitted request gets a thread at once. Sized for 2048 MB (one vCPU): docs/performance.md, "Cost on Flex Consumption". Lower it with 512 MB instances.')
@minValue(1)
@maxValue(1000)
param httpPerInstanceConcurrency int = 8

@description('Spread instances across availability zones (where the region offers it for Flex Consumption).')
param zoneRedundant bool = false

@description('Instances kept warm for HTTP functions (0: scale to zero, first call after idle pays a cold start).')
@minValue(0)
param alwaysReadyHttpInstances int = 0

@description('Origins allowed to call the API from a browser (POS web front ends).')
param corsAllowedOrigins array = []

@description('Version string the app reports on /api/health.')
param appVersion string = '0.1.0'

@description('Cosmos DB request timeout in seconds.')
param cosmosTimeoutSeconds string = '10'

@description('Largest request body in bytes.')
param maxBodyBytes string = '262144'

@description('Largest bulk import body in bytes.')
param maxImportBodyBytes string = '67108864'

// Deployed at 5 s: every POS request otherwise pays a point read of the published version (a
// quarter of a card read's RU, 300 RU/s on one logical partition at a large retailer's peak);
// headquarters changes already reach the POS through distribution runs every 15 minutes, so
// 5 s more is not felt (docs/cosmos-scale.md, "The published version"). 0 checks every request.
@description('Seconds POS-side caches trust the published version before checking again (0: every read).')
param publishedVersionCheckSeconds string = '5'

@description('NCRONTAB schedule of distribution job 1040 (Products).')
param distribution1040Schedule string = '0 */15 * * * *'

@description('NCRONTAB schedule of distribution job 1150 (Catalog).')
param distribution1150Schedule string = '0 */15 * * * *'

@description('NCRONTAB schedule of distribution job 1110 (Global configuration).')
param distribution1110Schedule string = '0 */15 * * * *'

@description('NCRONTAB schedule of distribution job 1090 (Registers).')
param distribution1090Schedule string = '0 */15 * * * *'

@description('NCRONTAB schedule of the secret-expiry check.')
param secretExpirySchedule string = '0 0 7 * * *'

@description('NCRONTAB schedule of the follow-up generation (daily 02:00 UTC).')
param followupsSchedule string = '0 0 2 * * *'

@description('Key Vault secret the app signs continuation tokens with (created by continuation-token-key.bicep).')
param continuationTokenKeySecretName string

@description('Key Vault secret the app signs unsubscribe links with (created by continuation-token-key.bicep).')
param unsubscribeLinkKeySecretName string

@description('Key Vault secret holding the generic alert webhook URL (empty: channel off).')
param alertWebhookUrlSecretName string = ''

@description('Key Vault secret holding the Teams Workflows webhook URL ("When a Teams webhook request is received"; empty: channel off).')
param alertTeamsWebhookUrlSecretName string = ''

@description('Key Vault secret holding the Slack incoming webhook URL (empty: channel off).')
param alertSlackWebhookUrlSecretName string = ''

@description('Key Vault secret holding the PagerDuty Events API v2 routing key (empty: channel off).')
param alertPagerDutyRoutingKeySecretName string = ''


var authority = '${environment().authentication.loginEndpoint}${authTenantId}'

// Key Vault references (App Service resolves them with keyVaultReferenceIdentity).
var continuationTokenKeyReference = '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${continuationTokenKeySecretName})'
var unsubscribeLinkKeyReference = '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${unsubscribeLinkKeySecretName})'
var alertWebhookUrlReference = '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${alertWebhookUrlSecretName})'
var alertTeamsWebhookUrlReference = '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${alertTeamsWebhookUrlSecretName})'
var alertSlackWebhookUrlReference = '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${alertSlackWebhookUrlSecretName})'
var alertPagerDutyRoutingKeyReference = '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${alertPagerDutyRoutingKeySecretName})'

// The same references by setting name, for the app's secret-expiry check: the platform hands
// the app each secret's value in place of its reference, so the app could not otherwise tell
// which secrets it depends on. A JSON object is not itself a reference, so it arrives as text.
var continuationTokenKeyListed = {
  CONTINUATION_TOKEN_KEY: continuationTokenKeyReference
  UNSUBSCRIBE_LINK_KEY: unsubscribeLinkKeyReference
}
var alertWebhookListed = empty(alertWebhookUrlSecretName) ? {} : {
  ALERT_WEBHOOK_URL: alertWebhookUrlReference
}
var alertTeamsListed = empty(alertTeamsWebhookUrlSecretName) ? {} : {
  ALERT_TEAMS_WEBHOOK_URL: alertTeamsWebhookUrlReference
}
var alertSlackListed = empty(alertSlackWebhookUrlSecretName) ? {} : {
  ALERT_SLACK_WEBHOOK_URL: alertSlackWebhookUrlReference
}
var alertPagerDutyListed = empty(alertPagerDutyRoutingKeySecretName) ? {} : {
  ALERT_PAGERDUTY_ROUTING_KEY: alertPagerDutyRoutingKeyReference
}
var keyVaultReferences = union(continuationTokenKeyListed, alertWebhookListed, alertTeamsListed, alertSlackListed, alertPagerDutyListed)

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Host and platform settings: identity-based storage and telemetry.
var hostSettings = [
  { name: 'AzureWebJobsStorage__accountName', value: storage.name }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  // The connection string only names the ingestion endpoint; with local auth off on the component
  // nothing is accepted without the Entra token the authentication string asks for.
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsights.properties.ConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD;ClientId=${identityClientId}' }
  // host.json sets telemetryMode OpenTelemetry; this has the Python worker pass each invocation's
  // trace context to the app's own OpenTelemetry pipeline (shared/telemetry/azure_monitor.py),
  // which exports with redaction. Not PYTHON_APPLICATIONINSIGHTS_ENABLE_TELEMETRY: with it the
  // worker configures a second exporter of its own, without the redaction processors.
  { name: 'PYTHON_ENABLE_OPENTELEMETRY', value: 'true' }
  // DefaultAzureCredential picks the user-assigned identity by this client id.
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  // The worker runs synchronous functions on this many threads; with fewer than the host
  // admits, requests would queue inside the worker, with more the extra threads would idle.
  { name: 'PYTHON_THREADPOOL_THREAD_COUNT', value: string(httpPerInstanceConcurrency) }
]

// Settings the app reads (shared/settings.py SETTING_DEFAULTS plus the secrets and alert code).
var coreSettings = [
  { name: 'STORE_KIND', value: 'cosmos' }
  { name: 'COSMOS_ENDPOINT', value: cosmosEndpoint }
  { name: 'COSMOS_DATABASE', value: cosmosDatabaseName }
  { name: 'COSMOS_TIMEOUT_SECONDS', value: cosmosTimeoutSeconds }
  { name: 'AUTH_MODE', value: 'entra' }
  { name: 'AUTH_ISSUER', value: '${authority}/v2.0' }
  { name: 'AUTH_AUDIENCE', value: empty(apiAudience) ? apiAppId : apiAudience }
  { name: 'AUTH_JWKS_URL', value: '${authority}/discovery/v2.0/keys' }
  { name: 'CONTINUATION_TOKEN_KEY', value: continuationTokenKeyReference }
  { name: 'UNSUBSCRIBE_LINK_KEY', value: unsubscribeLinkKeyReference }
  { name: 'KEY_VAULT_REFERENCES', value: string(keyVaultReferences) }
  { name: 'MAX_BODY_BYTES', value: maxBodyBytes }
  { name: 'MAX_IMPORT_BODY_BYTES', value: maxImportBodyBytes }
  { name: 'PUBLISHED_VERSION_CHECK_SECONDS', value: publishedVersionCheckSeconds }
  { name: 'DISTRIBUTION_1040_SCHEDULE', value: distribution1040Schedule }
  { name: 'DISTRIBUTION_1150_SCHEDULE', value: distribution1150Schedule }
  { name: 'DISTRIBUTION_1110_SCHEDULE', value: distribution1110Schedule }
  { name: 'DISTRIBUTION_1090_SCHEDULE', value: distribution1090Schedule }
  { name: 'APP_VERSION', value: appVersion }
  { name: 'SECRET_EXPIRY_SCHEDULE', value: secretExpirySchedule }
  { name: 'FOLLOWUPS_SCHEDULE', value: followupsSchedule }
  // Entra ID sign-in for the Customer Insights client; sovereign clouds have their own host.
  { name: 'INSIGHTS_AUTHORITY_HOST', value: environment().authentication.loginEndpoint }
  // vault.azure.net in the public cloud; the sovereign clouds have their own suffix.
  { name: 'KEY_VAULT_DNS_SUFFIX', value: substring(environment().suffixes.keyvaultDns, 1) }
]

// Outreach through Azure Communication Services with the app's managed identity (no key).
var outreachSettings = concat([
  { name: 'ACS_ENDPOINT', value: acsEndpoint }
  { name: 'ACS_EMAIL_SENDER', value: acsEmailSender }
], empty(acsSmsFromNumber) ? [] : [
  { name: 'ACS_SMS_FROM', value: acsSmsFromNumber }
])

// Alert channels, each present only when its Key Vault secret is named.
var alertWebhookSetting = empty(alertWebhookUrlSecretName) ? [] : [
  { name: 'ALERT_WEBHOOK_URL', value: alertWebhookUrlReference }
]
var alertTeamsSetting = empty(alertTeamsWebhookUrlSecretName) ? [] : [
  { name: 'ALERT_TEAMS_WEBHOOK_URL', value: alertTeamsWebhookUrlReference }
]
var alertSlackSetting = empty(alertSlackWebhookUrlSecretName) ? [] : [
  { name: 'ALERT_SLACK_WEBHOOK_URL', value: alertSlackWebhookUrlReference }
]
var alertPagerDutySetting = empty(alertPagerDutyRoutingKeySecretName) ? [] : [
  { name: 'ALERT_PAGERDUTY_ROUTING_KEY', value: alertPagerDutyRoutingKeyReference }
]

// A name/value list rather than an object built with a loop: Bicep variables that loop cannot use
// runtime values such as the Application Insights connection string.
var appSettings = concat(hostSettings, coreSettings, outreachSettings, alertWebhookSetting, alertTeamsSetting, alertSlackSetting, alertPagerDutySetting)

var alwaysReady = alwaysReadyHttpInstances > 0 ? [
  {
    name: 'http'
    instanceCount: alwaysReadyHttpInstances
  }
] : []

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  // checkov:skip=CKV_AZURE_225:Zone redundancy is the zoneRedundant parameter: off by default because Flex Consumption then keeps at least two billed always-ready instances per scale group, and not every region offers it.
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
    zoneRedundant: zoneRedundant
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  // checkov:skip=CKV_AZURE_222:The API is called by POS devices and admin tools over the internet; every route except health and the OpenAPI document requires an Entra access token.
  // checkov:skip=CKV_AZURE_17:Callers authenticate with Entra bearer tokens validated in the app; POS devices hold no client certificates.
  // checkov:skip=CKV_AZURE_212:Instance counts do not apply to Flex Consumption, which scales per function; alwaysReadyHttpInstances keeps warm instances where wanted.
  // checkov:skip=CKV_AZURE_78:Flex Consumption has no FTP(S) endpoint and does not support siteConfig.ftpsState (Flex Consumption plan deprecations); the ftp and scm basic publishing credential policies below are off.
  // checkov:skip=CKV_AZURE_213:The platform health check replaces unhealthy instances of dedicated plans; Flex Consumption instances are serverless and the app exposes GET /api/health for availability probes.
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': serviceName
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      // No ftpsState: Flex Consumption has no FTP(S) endpoint and does not support the property
      // (Flex Consumption plan deprecations); basic publishing credentials are off below.
      http20Enabled: true
      appSettings: appSettings
      cors: {
        allowedOrigins: corsAllowedOrigins
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReady
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
      }
      runtime: {
        name: 'python'
        version: '3.11'
      }
    }
  }
}

// Deployments authenticate with Entra (azd, az functionapp deployment); no basic-auth
// publishing credentials exist to leak.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

output id string = functionApp.id
output name string = functionApp.name
output url string = 'https://${functionApp.properties.defaultHostName}'
