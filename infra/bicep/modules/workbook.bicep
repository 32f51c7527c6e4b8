// The operations workbook for operators and on-call: secrets by days to expiry, the last
// distribution run of each job, requests and failures by route, p95 latency, the Customer Insights
// circuit breaker and throttling/unavailability answers (429/503).
//
// Every query reads the app's structured events from the Log Analytics workspace (AppTraces, their
// fields in Properties; names in shared/telemetry/fields.py, checked against these queries by
// tests/infra/test_telemetry_queries.py). Requests come from the app's own http-request events,
// which carry the route template and never the URL, so nothing here shows a query string.

@description('Prefix of the workbook display name.')
param namePrefix string

@description('Azure region of the workbook resource.')
param location string

@description('Tags applied to the workbook.')
param tags object

@description('Log Analytics workspace behind Application Insights (AppTraces).')
param logAnalyticsWorkspaceId string

@description('Function app name, the AppRoleName of its telemetry.')
param functionAppName string

var secretsQuery = '''
AppTraces
| where AppRoleName =~ "{app}"
| where Properties.clientelingEvent in ("secret-expiry-finding", "secret-expiry-status")
| extend secretName = tostring(Properties.secretName), vault = tostring(Properties.vault), legalEntity = tostring(Properties.legalEntity), finding = tostring(Properties.finding), severity = tostring(Properties.severity), daysLeft = toint(Properties.daysLeft), expiresOn = todatetime(Properties.expiresOn), problem = tostring(Properties.problem)
| summarize arg_max(TimeGenerated, legalEntity, finding, severity, daysLeft, expiresOn, problem) by secretName, vault
| project secretName, vault, legalEntity, daysLeft, expiresOn, finding, severity, problem, checkedAt = TimeGenerated
| order by isnull(daysLeft) desc, daysLeft asc
'''

var distributionQuery = '''
AppTraces
| where AppRoleName =~ "{app}"
| where Properties.clientelingEvent == "distribution-run"
| extend jobId = tostring(Properties.jobId), runStatus = tostring(Properties.runStatus), trigger = tostring(Properties.trigger), published = toint(Properties.published), durationMs = todouble(Properties.durationMs)
| summarize arg_max(TimeGenerated, runStatus, trigger, published, durationMs), failedRuns = countif(runStatus == "failed") by jobId
| project jobId, lastRun = TimeGenerated, runStatus, trigger, published, durationMs, failedRuns
| order by jobId asc
'''

var requestsByRouteQuery = '''
AppTraces
| where AppRoleName =~ "{app}"
| where Properties.clientelingEvent == "http-request"
| extend route = tostring(Properties.route), method = tostring(Properties.method), statusCode = toint(Properties.statusCode), durationMs = todouble(Properties.durationMs)
| summarize requests = count(), serverFailures = countif(statusCode >= 500), clientErrors = countif(statusCode >= 400 and statusCode < 500), p95Ms = percentile(durationMs, 95) by method, route
| order by requests desc
'''

var latencyQuery = '''
AppTraces
| where AppRoleName =~ "{app}"
| where Properties.clientelingEvent == "http-request"
| extend durationMs = todouble(Properties.durationMs)
| summarize p95Ms = percentile(durationMs, 95), p50Ms = percentile(durationMs, 50) by bin(TimeGenerated, 15m)
| render timechart
'''

var breakerQuery = '''
AppTraces
| where AppRoleName =~ "{app}"
| where Properties.clientelingEvent == "insights-breaker"
| extend breakerState = tostring(Properties.breakerState), previousState = tostring(Properties.previousState)
| summarize arg_max(TimeGenerated, breakerState, previousState), opened = countif(breakerState == "open") by AppRoleInstance
| project instance = AppRoleInstance, breakerState, since = TimeGenerated, previousState, opened
| order by since desc
'''

var throttlingQuery = '''
AppTraces
| where AppRoleName =~ "{app}"
| where Properties.clientelingEvent == "http-request"
| extend statusCode = toint(Properties.statusCode)
| where statusCode in (429, 503)
| summarize answers = count() by bin(TimeGenerated, 15m), status = tostring(statusCode)
| render timechart
'''

// One grid or chart per question, in the order on-call reads them.
var panels = [
  { name: 'secrets', title: 'Secrets by days to expiry (latest daily check)', query: secretsQuery, visualization: 'table' }
  { name: 'distribution', title: 'Last distribution run per job', query: distributionQuery, visualization: 'table' }
  { name: 'requests', title: 'Requests and failures by route', query: requestsByRouteQuery, visualization: 'table' }
  { name: 'latency', title: 'Request latency (p95, p50)', query: latencyQuery, visualization: 'timechart' }
  { name: 'breaker', title: 'Customer Insights circuit breaker per instance', query: breakerQuery, visualization: 'table' }
  { name: 'throttling', title: '429 and 503 answers', query: throttlingQuery, visualization: 'timechart' }
]

var introItems = [
  {
    type: 1
    name: 'about'
    content: {
      json: '## Clienteling operations\nWhat on-call checks first: docs/operations.md, "Alerts and the operations workbook".'
    }
  }
]

var panelItems = [for panel in panels: {
  type: 3
  name: panel.name
  content: {
    version: 'KqlItem/1.0'
    title: panel.title
    query: replace(panel.query, '{app}', functionAppName)
    queryType: 0
    resourceType: 'microsoft.operationalinsights/workspaces'
    crossComponentResources: [
      logAnalyticsWorkspaceId
    ]
    visualization: panel.visualization
    timeContext: {
      durationMs: 86400000
    }
    size: 0
  }
}]

var workbookContent = {
  version: 'Notebook/1.0'
  items: concat(introItems, panelItems)
  fallbackResourceIds: [
    logAnalyticsWorkspaceId
  ]
  '$schema': 'https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json'
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name must be a GUID; this one is stable per resource group and prefix.
  name: guid(resourceGroup().id, namePrefix, 'operations-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: '${namePrefix} operations'
    category: 'workbook'
    sourceId: logAnalyticsWorkspaceId
    serializedData: string(workbookContent)
    version: 'Notebook/1.0'
  }
}

output workbookId string = workbook.id
