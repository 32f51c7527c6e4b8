// The continuation-token key, created during provisioning so the app's first start already
// resolves its CONTINUATION_TOKEN_KEY Key Vault reference (until the secret exists the platform
// passes the literal @Microsoft.KeyVault(...) text to the app).
//
// Bicep cannot create a secret only when it is missing: a Microsoft.KeyVault/vaults/secrets
// resource writes a new version on every deployment, which would rotate the key, and invalidate
// every paging token in flight, on each `azd provision`. A deployment script (an Azure CLI
// container run by Resource Manager) checks first and creates a random key only if there is none.
// The key is generated inside the container, so it never appears in deployment inputs or history.
// The script runs as its own identity, which holds Key Vault Secrets Officer on this vault only;
// the app's identity stays read-only.

@description('Azure region (must offer Azure Container Instances, where the script runs).')
param location string

@description('Tags applied to the identity and the script (and its supporting resources).')
param tags object

@description('Key Vault the secret is created in.')
param keyVaultName string

@description('Name of the secret (the app setting CONTINUATION_TOKEN_KEY references it).')
param secretName string

@description('Name of the user-assigned identity the script runs as.')
param identityName string

@description('Days until the created key expires; the secret-expiry check pages on-call before then.')
@minValue(30)
param validityDays int = 365

@description('Azure CLI container image version the script runs in.')
param azCliVersion string = '2.61.0'

// Key Vault Secrets Officer: read and write secrets (the script must see whether the key exists).
var keyVaultSecretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource scriptIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, scriptIdentity.id, keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficer)
    principalId: scriptIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource createKey 'Microsoft.Resources/deploymentScripts@2023-08-01' = {
  name: 'create-${secretName}'
  location: location
  tags: tags
  kind: 'AzureCLI'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${scriptIdentity.id}': {}
    }
  }
  // The script retries while the role assignment propagates; it must exist first.
  dependsOn: [
    secretsOfficer
  ]
  properties: {
    azCliVersion: azCliVersion
    scriptContent: loadTextContent('scripts/create-continuation-token-key.sh')
    environmentVariables: [
      { name: 'VAULT_NAME', value: vault.name }
      { name: 'SECRET_NAME', value: secretName }
      { name: 'VALIDITY_DAYS', value: string(validityDays) }
    ]
    timeout: 'PT15M'
    // The supporting storage account and container instance go as soon as the script succeeds;
    // the script resource itself is kept an hour (a later deployment then runs it again: a no-op).
    cleanupPreference: 'OnSuccess'
    retentionInterval: 'PT1H'
  }
}
