// The reference POS page (web/) as an Azure Static Web App: static files on a global edge with
// HTTPS, headers from staticwebapp.config.json, and an azd service (`web`) that builds and
// deploys it. A storage static website would need a CDN or Front Door in front of it for HTTPS
// on a custom domain and for response headers (CSP); the Static Web App has both built in.
// The page holds no secret: it signs in with MSAL.js as a public client (auth code + PKCE).

@description('Static Web App name.')
param name string

@description('A region where Static Web Apps run (westus2, centralus, eastus2, westeurope, eastasia).')
param location string

@description('Tags of the environment.')
param tags object

@description('Free is enough for a reference page; Standard adds an SLA and private endpoints.')
@allowed([
  'Free'
  'Standard'
])
param skuName string = 'Free'

resource page 'Microsoft.Web/staticSites@2023-12-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'web' })
  sku: {
    name: skuName
    tier: skuName
  }
  properties: {
    // Deployed by azd (or the Static Web Apps CLI), not from a repository build.
    stagingEnvironmentPolicy: 'Disabled'
    allowConfigFileUpdates: true
  }
}

output name string = page.name
// The page's origin: the function app's CORS list takes it as it is (scheme and host, no path).
output origin string = 'https://${page.properties.defaultHostname}'
