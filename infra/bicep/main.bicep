// Clienteling back end on Azure: one resource group holding the Flex Consumption function app,
// its host storage, Cosmos DB, Key Vault, monitoring and on-call alerting, all reached through one
// user-assigned managed identity.
//
// Subscription scope so that one command creates the resource group too:
//   azd up                                   (reads main.parameters.json)
//   az deployment sub create --location <region> --template-file infra/bicep/main.bicep \
//     --parameters infra/bicep/main.parameters.prod.json
// docs/deploy.md walks through both.

targetScope = 'subscription'

@description('Environment name (azd: AZURE_ENV_NAME); seeds the resource names and the azd-env-name tag.')
@minLength(1)
@maxLength(40)
param environmentName string

@description('Region for every resource; must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
@minLength(1)
param location string

@description('Short application name used in resource names and the app tag.')
@maxLength(12)
param appName string = 'clienteling'

@description('Resource group name. Empty: rg-<environmentName>.')
param resourceGroupName string = ''

@description('Application (client) id of the API app registration (docs/deploy.md, step 2).')
@minLength(36)
@maxLength(36)
param apiAppId string

@description('Expected aud claim of access tokens. Empty: apiAppId, the audience of v2.0 access tokens.')
param apiAudience string = ''

@description('Entra tenant that issues the access tokens. Empty: the subscription\'s tenant.')
param authTenantId string = ''

@description('Object id of whoever runs the deployment (azd: AZURE_PRINCIPAL_ID); gets Key Vault Secrets Officer to store the secrets. Empty: no assignment.')
param operatorPrincipalId string = ''

@description('Principal type of operatorPrincipalId (azd: AZURE_PRINCIPAL_TYPE, ServicePrincipal when a pipeline signs in with a client id). A mismatch fails the role assignment with UnmatchedPrincipalType.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

// ---- Function app ----

@description('Upper bound of Flex Consumption instances.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per Flex Consumption instance.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Concurrent HTTP requests per Flex Consumption instance, and the Python worker\'s threads (docs/performance.md, "Cost on Flex Consumption").')
@minValue(1)
@maxValue(1000)
param httpPerInstanceConcurrency int = 8

@description('Spread Flex Consumption instances across availability zones (region permitting; keeps at least two always-ready instances per scale group, billed).')
param functionZoneRedundant bool = false

@description('Always-ready instances for HTTP functions (0: scale to zero).')
@minValue(0)
param alwaysReadyHttpInstances int = 0

@description('Browser origins allowed to call the API (POS web front ends); the reference page\'s origin is added.')
param corsAllowedOrigins array = []

@description('Region of the reference POS page (Static Web Apps run in a few regions only).')
param posPageLocation string = 'westeurope'

@description('Plan of the reference POS page: Free or Standard.')
param posPageSku string = 'Free'

@description('Version string the app reports on /api/health.')
param appVersion string = '0.1.0'

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

@description('Key Vault secret name of the generic alert webhook URL (empty: channel off).')
param alertWebhookUrlSecretName string = ''

@description('Key Vault secret name of the Teams Workflows webhook URL (empty: channel off).')
param alertTeamsWebhookUrlSecretName string = ''

@description('Key Vault secret name of the Slack incoming webhook URL (empty: channel off).')
param alertSlackWebhookUrlSecretName string = ''

@description('Key Vault secret name of the PagerDuty Events API v2 routing key (empty: channel off).')
param alertPagerDutyRoutingKeySecretName string = ''

// ---- Data and secrets ----

@description('Cosmos DB throughput: serverless (default), provisioned or autoscale (shared by the database).')
@allowed([
  'serverless'
  'provisioned'
  'autoscale'
])
param cosmosThroughputMode string = 'serverless'

@description('Shared RU/s when cosmosThroughputMode is provisioned.')
@minValue(400)
param cosmosProvisionedThroughput int = 400

@description('Maximum shared RU/s when cosmosThroughputMode is autoscale.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Continuous backup (point-in-time restore) for Cosmos DB; cannot be turned off again.')
param cosmosContinuousBackup bool = false

@description('Restore window when cosmosContinuousBackup is on.')
@allowed([
  'Continuous7Days'
  'Continuous30Days'
])
param cosmosContinuousBackupTier string = 'Continuous7Days'

@description('Spread the Cosmos DB account across availability zones.')
param cosmosZoneRedundant bool = false

@description('Key Vault public network access. Disabled needs private endpoints and VNet integration, which this template does not create.')
@allowed([
  'Enabled'
  'Disabled'
])
param keyVaultPublicNetworkAccess string = 'Enabled'

@description('Days a deleted vault stays recoverable (and its name reserved, purge protection being on).')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionInDays int = 90

@description('Host storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

// ---- On-call ----

@description('Email receivers of the on-call action group: [{ name, emailAddress }]; empty addresses are ignored.')
param alertEmailReceivers array = []

@description('SMS receivers of the on-call action group: [{ name, countryCode, phoneNumber }].')
param alertSmsReceivers array = []

@description('Webhook receivers of the on-call action group: [{ name, serviceUri }].')
param alertWebhookReceivers array = []

@description('Create the continuation-token key in Key Vault during provisioning when it is missing (a deployment script; docs/deploy.md, "The continuation-token key"). false: create it yourself; until then the app answers 503.')
param createContinuationTokenKey bool = true

@description('Where Communication Services keeps message data at rest (ACS data location).')
param communicationDataLocation string = 'United States'

@description('Outreach SMS sender: a number bought for the Communication Services resource (docs/deploy.md, Outreach), in E.164. Empty: SMS is off, email works.')
param smsFromNumber string = ''

@description('Failed invocations plus exceptions in 15 minutes that page on-call.')
@minValue(1)
param functionFailureThreshold int = 5

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  app: appName
}
var deploymentContainerName = 'app-package'
// The Key Vault secret the app signs paging tokens with (app setting CONTINUATION_TOKEN_KEY).
var continuationTokenKeySecretName = 'continuation-token-key'
// The Key Vault secret the app signs unsubscribe links with (app setting UNSUBSCRIBE_LINK_KEY).
var unsubscribeLinkKeySecretName = 'unsubscribe-link-key'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${appName}-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${appName}-${resourceToken}'
    applicationInsightsName: 'appi-${appName}-${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    skuName: storageSkuName
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    accountName: 'cosmos-${appName}-${resourceToken}'
    location: location
    tags: tags
    databaseName: 'clienteling'
    throughputMode: cosmosThroughputMode
    provisionedThroughput: cosmosProvisionedThroughput
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    continuousBackup: cosmosContinuousBackup
    continuousBackupTier: cosmosContinuousBackupTier
    zoneRedundant: cosmosZoneRedundant
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    publicNetworkAccess: keyVaultPublicNetworkAccess
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module roles 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    cosmosAccountName: cosmos.outputs.accountName
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
  }
}

// Created before the app so that its first start resolves the CONTINUATION_TOKEN_KEY reference.
module continuationTokenKey 'modules/continuation-token-key.bicep' = if (createContinuationTokenKey) {
  name: 'continuation-token-key'
  scope: rg
  params: {
    location: location
    tags: tags
    keyVaultName: keyVault.outputs.name
    secretName: continuationTokenKeySecretName
    identityName: 'id-${appName}-keygen-${resourceToken}'
  }
}

module posPage 'modules/pos-page.bicep' = {
  name: 'pos-page'
  scope: rg
  params: {
    name: 'stapp-${appName}-${resourceToken}'
    location: posPageLocation
    tags: tags
    skuName: posPageSku
  }
}

// The same script creates the unsubscribe-link key once. Its links live in customers' mailboxes,
// so it is made for ten years: the secret-expiry check still pages on-call well before then.
module unsubscribeLinkKey 'modules/continuation-token-key.bicep' = if (createContinuationTokenKey) {
  name: 'unsubscribe-link-key'
  scope: rg
  params: {
    location: location
    tags: tags
    keyVaultName: keyVault.outputs.name
    secretName: unsubscribeLinkKeySecretName
    identityName: 'id-${appName}-linkkey-${resourceToken}'
    validityDays: 3650
  }
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  scope: rg
  params: {
    name: 'acs-${appName}-${resourceToken}'
    emailServiceName: 'ecs-${appName}-${resourceToken}'
    dataLocation: communicationDataLocation
    tags: tags
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    smsFromNumber: smsFromNumber
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  // The host reads storage and Key Vault as soon as it starts: grant the roles and create the
  // continuation-token key first.
  dependsOn: [
    roles
    continuationTokenKey
    unsubscribeLinkKey
  ]
  params: {
    name: 'func-${appName}-${resourceToken}'
    planName: 'plan-${appName}-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    continuationTokenKeySecretName: continuationTokenKeySecretName
    unsubscribeLinkKeySecretName: unsubscribeLinkKeySecretName
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    acsEndpoint: communication.outputs.endpoint
    acsEmailSender: communication.outputs.emailSender
    acsSmsFromNumber: smsFromNumber
    authTenantId: empty(authTenantId) ? tenant().tenantId : authTenantId
    apiAppId: apiAppId
    apiAudience: apiAudience
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    zoneRedundant: functionZoneRedundant
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    // The platform answers CORS for these origins (preflights included); the app itself only
    // names the headers a page may read (Access-Control-Expose-Headers).
    corsAllowedOrigins: union(corsAllowedOrigins, [posPage.outputs.origin])
    appVersion: appVersion
    distribution1040Schedule: distribution1040Schedule
    distribution1150Schedule: distribution1150Schedule
    distribution1110Schedule: distribution1110Schedule
    distribution1090Schedule: distribution1090Schedule
    secretExpirySchedule: secretExpirySchedule
    followupsSchedule: followupsSchedule
    alertWebhookUrlSecretName: alertWebhookUrlSecretName
    alertTeamsWebhookUrlSecretName: alertTeamsWebhookUrlSecretName
    alertSlackWebhookUrlSecretName: alertSlackWebhookUrlSecretName
    alertPagerDutyRoutingKeySecretName: alertPagerDutyRoutingKeySecretName
  }
}

module outreachEvents 'modules/outreach-events.bicep' = {
  name: 'outreach-events'
  scope: rg
  params: {
    communicationName: communication.outputs.name
    functionAppName: functionApp.outputs.name
    tags: tags
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    namePrefix: '${appName}-${resourceToken}'
    location: location
    tags: tags
    emailReceivers: alertEmailReceivers
    smsReceivers: alertSmsReceivers
    webhookReceivers: alertWebhookReceivers
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    functionAppName: functionApp.outputs.name
    keyVaultName: keyVault.outputs.name
    functionFailureThreshold: functionFailureThreshold
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    namePrefix: '${appName}-${resourceToken}'
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    functionAppName: functionApp.outputs.name
  }
}

// azd stores these in the environment (.azure/<env>/.env); docs/deploy.md uses them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.url
// The page's build (web/build.mjs, run by azd for the `web` service) reads these.
output API_BASE_URL string = '${functionApp.outputs.url}/api'
output ENTRA_TENANT_ID string = empty(authTenantId) ? tenant().tenantId : authTenantId
output SERVICE_WEB_NAME string = posPage.outputs.name
output POS_PAGE_URL string = posPage.outputs.origin
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output AZURE_COSMOS_ACCOUNT_NAME string = cosmos.outputs.accountName
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_COSMOS_DATABASE string = cosmos.outputs.databaseName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_LOG_ANALYTICS_WORKSPACE_ID string = monitoring.outputs.logAnalyticsWorkspaceId
output AZURE_ACTION_GROUP_ID string = alerts.outputs.actionGroupId
