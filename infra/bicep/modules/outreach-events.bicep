// ACS events to the app: an Event Grid system topic on the Communication Services resource and
// two subscriptions delivering to the function app's Event Grid functions (Event Grid calls
// them through the host's runtime/webhooks/eventgrid endpoint with the system key, which the
// AzureFunction endpoint type resolves itself). Deployed after the function app, whose
// functions must exist for the subscriptions to validate.

@description('Communication Services resource name.')
param communicationName string

@description('Function app name.')
param functionAppName string

param tags object

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: communicationName
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource topic 'Microsoft.EventGrid/systemTopics@2023-12-15-preview' = {
  name: 'evgt-${communicationName}'
  location: 'global'
  tags: tags
  properties: {
    source: communication.id
    topicType: 'Microsoft.Communication.CommunicationServices'
  }
}

// Event Grid retries with backoff for up to a day; the functions are idempotent (a status only
// moves forward; an inbound SMS's confirmation reuses the SMS id as its repeatability id).
var retryPolicy = {
  maxDeliveryAttempts: 30
  eventTimeToLiveInMinutes: 1440
}

resource deliveryReports 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2023-12-15-preview' = {
  parent: topic
  name: 'delivery-reports'
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionApp.id}/functions/outreach_delivery_reports'
        maxEventsPerBatch: 1
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Communication.EmailDeliveryReportReceived'
        'Microsoft.Communication.SMSDeliveryReportReceived'
      ]
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: retryPolicy
  }
}

resource inboundSms 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2023-12-15-preview' = {
  parent: topic
  name: 'inbound-sms'
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionApp.id}/functions/outreach_inbound_sms'
        maxEventsPerBatch: 1
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Communication.SMSReceived'
      ]
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: retryPolicy
  }
}
