// On-call alerting: one action group (email, SMS, webhook receivers) reached by three paths:
//  1. a log alert on the structured events the secret-expiry check emits, one per actionable
//     finding (thresholds, expired, disabled, unreadable), never for a healthy secret;
//  2. a log alert on function failures (failed invocations that are not client errors, and
//     exceptions);
//  3. Key Vault's own SecretNearExpiry / SecretExpired events, routed by an Event Grid system
//     topic straight to the action group (Azure Monitor alert destination), so an expiring secret
//     is reported even when the app is down.

@description('Prefix of the alert resource names.')
param namePrefix string

@description('Azure region of the alert rules and the Event Grid system topic.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Action group short name shown in SMS and email (at most 12 characters).')
@maxLength(12)
param actionGroupShortName string = 'clienteling'

@description('Email receivers: [{ name, emailAddress }]. Entries with an empty address are ignored.')
param emailReceivers array = []

@description('SMS receivers: [{ name, countryCode, phoneNumber }].')
param smsReceivers array = []

@description('Webhook receivers: [{ name, serviceUri }] (e.g. an on-call tool\'s Azure Monitor integration URL).')
param webhookReceivers array = []

@description('Log Analytics workspace behind Application Insights (the AppTraces, AppRequests and AppExceptions tables).')
param logAnalyticsWorkspaceId string

@description('Function app name, the AppRoleName of its telemetry.')
param functionAppName string

@description('Key Vault whose secret expiry events are routed to the action group.')
param keyVaultName string

@description('Failed invocations plus exceptions in 15 minutes that page on-call.')
@minValue(1)
param functionFailureThreshold int = 5

var activeEmailReceivers = filter(emailReceivers, receiver => !empty(receiver.emailAddress))

// The secret-expiry check emits one record a day per secret in use (shared/telemetry/fields.py):
// clientelingEvent secret-expiry-finding when on-call must act (a threshold crossed, expired,
// disabled, unreadable), secret-expiry-status otherwise (healthy, no expiry date). The rule keeps
// each secret's latest record of the last two days and counts it only if it is a finding, split
// by secret and finding: one alert per secret and threshold (crossing 14 then 7 days resolves the
// first and fires the second), and with autoMitigate it resolves at the first evaluation after a
// run that found the secret rotated. Field names are checked against the code by
// tests/infra/test_telemetry_queries.py.
var secretExpiryQuery = '''
AppTraces
| where AppRoleName =~ "{app}"
| where Properties.clientelingEvent in ("secret-expiry-finding", "secret-expiry-status")
| extend clientelingEvent = tostring(Properties.clientelingEvent), secretName = tostring(Properties.secretName), vault = tostring(Properties.vault), legalEntity = tostring(Properties.legalEntity), finding = tostring(Properties.finding), severity = tostring(Properties.severity), daysLeft = toint(Properties.daysLeft)
| summarize arg_max(TimeGenerated, clientelingEvent, legalEntity, finding, severity, daysLeft) by secretName, vault
| where clientelingEvent == "secret-expiry-finding"
| project TimeGenerated, secretName, vault, legalEntity, finding, severity, daysLeft
'''

// Client errors (4xx: bad token, validation, conflicts) are the caller's problem, not on-call's.
var functionFailureQuery = '''
union
  (AppRequests | where Success == false and not(ResultCode startswith "4") | extend failure = "failed invocation"),
  (AppExceptions | extend failure = "exception")
| where AppRoleName =~ "{app}"
| project TimeGenerated, failure
'''

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-on-call'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: actionGroupShortName
    enabled: true
    emailReceivers: [for receiver in activeEmailReceivers: {
      name: receiver.name
      emailAddress: receiver.emailAddress
      useCommonAlertSchema: true
    }]
    smsReceivers: [for receiver in smsReceivers: {
      name: receiver.name
      countryCode: receiver.countryCode
      phoneNumber: receiver.phoneNumber
    }]
    webhookReceivers: [for receiver in webhookReceivers: {
      name: receiver.name
      serviceUri: receiver.serviceUri
      useCommonAlertSchema: true
    }]
  }
}

resource secretExpiryAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-secret-expiry'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Clienteling: a secret is about to expire'
    description: 'The secret-expiry check found a Key Vault secret past an alert threshold. Rotate it (docs/deploy.md, "Rotating a secret") before the integration that uses it stops.'
    severity: 2
    enabled: true
    scopes: [
      logAnalyticsWorkspaceId
    ]
    // Hourly, over a day's window; the query itself reads two days so that a run a few minutes
    // late never leaves a secret without a latest record (which would resolve, then re-fire).
    evaluationFrequency: 'PT1H'
    windowSize: 'P1D'
    overrideQueryTimeRange: 'P2D'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: replace(secretExpiryQuery, '{app}', functionAppName)
          timeAggregation: 'Count'
          dimensions: [
            {
              name: 'secretName'
              operator: 'Include'
              values: [
                '*'
              ]
            }
            {
              name: 'vault'
              operator: 'Include'
              values: [
                '*'
              ]
            }
            {
              name: 'legalEntity'
              operator: 'Include'
              values: [
                '*'
              ]
            }
            {
              name: 'finding'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

resource functionFailureAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-function-failures'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Clienteling: function failures'
    description: 'Failed function invocations (other than 4xx answers) or exceptions crossed the threshold in the last 15 minutes. Start with Application Insights > Failures for the function app.'
    severity: 1
    enabled: true
    scopes: [
      logAnalyticsWorkspaceId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: replace(functionFailureQuery, '{app}', functionAppName)
          timeAggregation: 'Count'
          dimensions: [
            {
              name: 'failure'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThanOrEqual'
          threshold: functionFailureThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource keyVaultEvents 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: '${namePrefix}-key-vault-events'
  location: location
  tags: tags
  properties: {
    source: vault.id
    topicType: 'Microsoft.KeyVault.vaults'
  }
}

resource secretExpiryEvents 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: keyVaultEvents
  name: 'secret-expiry-to-on-call'
  properties: {
    // The Azure Monitor alert destination accepts CloudEvents 1.0 only.
    eventDeliverySchema: 'CloudEventSchemaV1_0'
    filter: {
      // Not SecretNewVersionCreated: a rotation is the fix, not an incident.
      includedEventTypes: [
        'Microsoft.KeyVault.SecretNearExpiry'
        'Microsoft.KeyVault.SecretExpired'
      ]
    }
    destination: {
      endpointType: 'MonitorAlert'
      properties: {
        severity: 'Sev2'
        description: 'A Key Vault secret is near its expiry date (30 days) or has expired. Rotate it: docs/deploy.md, "Rotating a secret".'
        actionGroups: [
          actionGroup.id
        ]
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: 10
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output actionGroupId string = actionGroup.id
output secretExpiryAlertId string = secretExpiryAlert.id
output functionFailureAlertId string = functionFailureAlert.id
output keyVaultEventsTopicId string = keyVaultEvents.id
