// Outreach: Azure Communication Services for email and SMS, an Email Communication Service with
// an Azure-managed domain (DoNotReply@<guid>.azurecomm.net, no DNS work), the delivery queue and
// its poison queue in the host storage account, and the app identity's role on ACS (the app
// signs in with its managed identity: no ACS access key in any setting). SMS needs a number the
// operator acquires (docs/deploy.md, "Outreach"); it is a parameter, empty = email only.

@description('Communication Services resource name.')
param name string

@description('Email Communication Service resource name.')
param emailServiceName string

@description('Where message data is stored at rest (ACS data location, e.g. United States, Europe).')
param dataLocation string = 'United States'

param tags object

@description('Principal (object) id of the app\'s user-assigned managed identity.')
param principalId string

@description('Host storage account of the function app (the delivery queue lives there).')
param storageAccountName string

@description('Queue the POS route fills and the queue function reads (shared/services/outreach.py DELIVERY_QUEUE).')
param deliveryQueueName string = 'outreach-messages'

@description('The purchased SMS number in E.164 (e.g. +18005550100); empty: SMS stays off.')
param smsFromNumber string = ''

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

// Azure-managed domain: ready to send at once, with a low sending quota until Microsoft raises
// it on request; a retailer moves to its own verified domain before sending at volume.
resource managedDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    // One-to-one service messages to a client: no open/click tracking.
    userEngagementTracking: 'Disabled'
  }
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      managedDomain.id
    ]
  }
}

// The managed-identity guide for ACS has the identity granted Contributor on the Communication
// Services resource for the data-plane email and SMS APIs; scoped to that one resource only.
var contributor = 'b24988ac-6180-42a0-ab88-20f7382dd24c'

resource appSends 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communication.id, principalId, contributor)
  scope: communication
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', contributor)
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deliveryQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: deliveryQueueName
}

// The Functions host moves a message here after host.json's maxDequeueCount attempts; created
// up front so the poison queue can be watched (docs/operations.md) before it is first used.
resource poisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: '${deliveryQueueName}-poison'
}

output id string = communication.id
output name string = communication.name
output endpoint string = 'https://${communication.properties.hostName}'
output emailSender string = 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
output smsFromNumber string = smsFromNumber
