// Cosmos DB for NoSQL: the account, the database and every container the app uses.
// The containers below mirror shared/adapters/cosmos/containers.py (LAYOUT), the single source of
// truth for partition keys, composite indexes and TTLs; tests/infra keeps the two in step.
// Local (key) auth is off: the app reaches the data plane only through its managed identity and
// the Cosmos DB Built-in Data Contributor role (see role-assignments.bicep).

@description('Cosmos DB account name (3-44 lowercase letters, digits, hyphens).')
@minLength(3)
@maxLength(44)
param accountName string

@description('Azure region.')
param location string

@description('Tags applied to the account.')
param tags object

@description('Database name; the app reads it from COSMOS_DATABASE.')
param databaseName string = 'clienteling'

@description('serverless: pay per request (default, right for most retailers); provisioned: fixed RU/s shared by the database; autoscale: shared RU/s that scale between 10% and the maximum.')
@allowed([
  'serverless'
  'provisioned'
  'autoscale'
])
param throughputMode string = 'serverless'

@description('Shared RU/s when throughputMode is provisioned.')
@minValue(400)
param provisionedThroughput int = 400

@description('Maximum shared RU/s when throughputMode is autoscale.')
@minValue(1000)
param autoscaleMaxThroughput int = 1000

@description('Continuous backup (point-in-time restore) instead of periodic backup. Cannot be turned off again once on.')
param continuousBackup bool = false

@description('Restore window when continuousBackup is on.')
@allowed([
  'Continuous7Days'
  'Continuous30Days'
])
param continuousBackupTier string = 'Continuous7Days'

@description('Spread the account across availability zones (where the region has them).')
param zoneRedundant bool = false

@description('Enabled: reachable over the internet with Entra auth; Disabled: only through private endpoints, which this template does not create.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string = 'Enabled'

// One entry per container in LAYOUT. compositeIndexes: one list of {path, order} per ORDER BY
// the adapter runs; defaultTtl in seconds, null where LAYOUT has none (time to live off).
// Generated from shared/adapters/cosmos/containers.py (LAYOUT):
// python -m shared.adapters.cosmos.containers
var containers = [
  {
    name: 'headquarters'
    partitionKey: '/legalEntity'
    compositeIndexes: []
    excludedPaths: [
      {
        path: '/"_etag"/?'
      }
      {
        path: '/body/*'
      }
    ]
    defaultTtl: null
  }
  {
    name: 'published'
    partitionKey: '/legalEntity'
    compositeIndexes: []
    excludedPaths: [
      {
        path: '/"_etag"/?'
      }
      {
        path: '/body/*'
      }
    ]
    defaultTtl: null
  }
  {
    name: 'distribution'
    partitionKey: '/jobId'
    compositeIndexes: [
      [
        {
          path: '/startedAt'
          order: 'descending'
        }
        {
          path: '/runId'
          order: 'descending'
        }
      ]
    ]
    excludedPaths: [
      {
        path: '/"_etag"/?'
      }
    ]
    defaultTtl: null
  }
  {
    name: 'customers'
    partitionKey: '/partitionKey'
    compositeIndexes: []
    excludedPaths: [
      {
        path: '/"_etag"/?'
      }
    ]
    defaultTtl: null
  }
  {
    name: 'search'
    partitionKey: '/partitionKey'
    compositeIndexes: [
      [
        {
          path: '/key'
          order: 'ascending'
        }
        {
          path: '/sortName'
          order: 'ascending'
        }
        {
          path: '/customerId'
          order: 'ascending'
        }
      ]
    ]
    excludedPaths: [
      {
        path: '/"_etag"/?'
      }
      {
        path: '/searchText/?'
      }
      {
        path: '/name/?'
      }
      {
        path: '/email/?'
      }
      {
        path: '/phone/?'
      }
      {
        path: '/attributes/*'
      }
    ]
    defaultTtl: null
  }
  {
    name: 'books'
    partitionKey: '/partitionKey'
    compositeIndexes: [
      [
        {
          path: '/sortName'
          order: 'ascending'
        }
        {
          path: '/customerId'
          order: 'ascending'
        }
      ]
    ]
    excludedPaths: [
      {
        path: '/"_etag"/?'
      }
      {
        path: '/counts/*'
      }
      {
        path: '/extremes/*'
      }
    ]
    defaultTtl: null
  }
  {
    name: 'activities'
    partitionKey: '/customerKey'
    compositeIndexes: [
      [
        {
          path: '/startTime'
          order: 'descending'
        }
        {
          path: '/id'
          order: 'descending'
        }
      ]
      [
        {
          path: '/activityTypeId'
          order: 'ascending'
        }
        {
          path: '/startTime'
          order: 'descending'
        }
        {
          path: '/id'
          order: 'descending'
        }
      ]
      [
        {
          path: '/createdAt'
          order: 'descending'
        }
        {
          path: '/id'
          order: 'descending'
        }
      ]
      [
        {
          path: '/noteId'
          order: 'ascending'
        }
        {
          path: '/revision'
          order: 'descending'
        }
      ]
    ]
    excludedPaths: [
      {
        path: '/"_etag"/?'
      }
      {
        path: '/body/*'
      }
    ]
    defaultTtl: null
  }
  {
    name: 'idempotency'
    partitionKey: '/key'
    compositeIndexes: []
    excludedPaths: [
      {
        path: '/"_etag"/?'
      }
      {
        path: '/response/?'
      }
    ]
    defaultTtl: 86400
  }
  {
    name: 'consent'
    partitionKey: '/partitionKey'
    compositeIndexes: []
    excludedPaths: [
      {
        path: '/"_etag"/?'
      }
      {
        path: '/history/*'
      }
    ]
    defaultTtl: null
  }
  {
    name: 'followups'
    partitionKey: '/ownerKey'
    compositeIndexes: [
      [
        {
          path: '/dueDate'
          order: 'ascending'
        }
        {
          path: '/sortName'
          order: 'ascending'
        }
        {
          path: '/id'
          order: 'ascending'
        }
      ]
      [
        {
          path: '/startedAt'
          order: 'descending'
        }
        {
          path: '/id'
          order: 'descending'
        }
      ]
    ]
    excludedPaths: [
      {
        path: '/"_etag"/?'
      }
      {
        path: '/body/*'
      }
    ]
    defaultTtl: null
  }
  {
    name: 'outreach'
    partitionKey: '/customerKey'
    compositeIndexes: []
    excludedPaths: [
      {
        path: '/"_etag"/?'
      }
      {
        path: '/body/*'
      }
      {
        path: '/activity/*'
      }
    ]
    defaultTtl: null
  }
  {
    name: 'operations'
    partitionKey: '/kind'
    compositeIndexes: []
    excludedPaths: [
      {
        path: '/"_etag"/?'
      }
    ]
    defaultTtl: null
  }
]

// Every path is indexed except the etag, which the app only ever compares on point operations.
var includedPaths = [
  {
    path: '/*'
  }
]

var serverlessCapabilities = [
  {
    name: 'EnableServerless'
  }
]

var provisionedOptions = {
  throughput: provisionedThroughput
}
var autoscaleOptions = {
  autoscaleSettings: {
    maxThroughput: autoscaleMaxThroughput
  }
}
var databaseOptions = throughputMode == 'provisioned' ? provisionedOptions : (throughputMode == 'autoscale' ? autoscaleOptions : {})

var continuousBackupPolicy = {
  type: 'Continuous'
  continuousModeProperties: {
    tier: continuousBackupTier
  }
}
// Periodic with locally redundant backup storage: available in every region, the cheapest
// choice for non-production; production turns on continuous backup.
var periodicBackupPolicy = {
  type: 'Periodic'
  periodicModeProperties: {
    backupIntervalInMinutes: 240
    backupRetentionIntervalInHours: 8
    backupStorageRedundancy: 'Local'
  }
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  // checkov:skip=CKV_AZURE_99:Firewall rules would need the Flex Consumption outbound addresses, which are not fixed; access requires an Entra token with a data-plane role because local auth is off.
  // checkov:skip=CKV_AZURE_101:publicNetworkAccess is a parameter; the default Flex Consumption app has no VNet integration and must reach Cosmos DB over its public endpoint.
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: zoneRedundant
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: throughputMode == 'serverless' ? serverlessCapabilities : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: publicNetworkAccess
    enableAutomaticFailover: false
    enableMultipleWriteLocations: false
    backupPolicy: continuousBackup ? continuousBackupPolicy : periodicBackupPolicy
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: databaseOptions
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [for container in containers: {
  parent: database
  name: container.name
  properties: {
    resource: union({
      id: container.name
      partitionKey: {
        paths: [
          container.partitionKey
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: includedPaths
        excludedPaths: container.excludedPaths
        compositeIndexes: container.compositeIndexes
      }
    }, (container.defaultTtl == null) ? {} : {
      defaultTtl: container.defaultTtl
    })
  }
}]

output accountId string = account.id
output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
