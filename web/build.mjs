// The page as deployed (Azure Static Web Apps): web/dist with the page's files, MSAL.js from the
// locked npm package, config.json naming the API and the Entra ID app registration (no secret:
// a single-page app is a public client), and staticwebapp.config.json with the page's headers.
// Settings come from the environment (azd sets them from the Bicep outputs):
//   API_BASE_URL     https://<function app>.azurewebsites.net/api
//   ENTRA_CLIENT_ID  the page's app registration (a SPA platform, redirect URI = the page's URL)
//   ENTRA_TENANT_ID  the directory
//   API_SCOPE        <Application ID URI of the API>/Clienteling.Pos
//   POS_STORES       optional, comma-separated store ids to offer when choosing the store
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";

const out = new URL("./dist/", import.meta.url);
const environment = process.env;
rmSync(out, { recursive: true, force: true });
mkdirSync(new URL("vendor/", out), { recursive: true });
for (const file of ["index.html", "app.css", "js"]) {
  cpSync(new URL(file, import.meta.url), new URL(file, out), { recursive: true });
}
cpSync(
  new URL("node_modules/@azure/msal-browser/lib/msal-browser.min.js", import.meta.url),
  new URL("vendor/msal-browser.min.js", out),
);
const api = environment.API_BASE_URL || "https://example.invalid/api";
const tenant = environment.ENTRA_TENANT_ID || "organizations";
const config = {
  apiBase: api,
  auth: "entra",
  clientId: environment.ENTRA_CLIENT_ID || "",
  authority: `https://login.microsoftonline.com/${tenant}`,
  scope: environment.API_SCOPE || "",
  stores: (environment.POS_STORES || "").split(",").map((s) => s.trim()).filter(Boolean),
};
writeFileSync(new URL("config.json", out), JSON.stringify(config, null, 2));
const apiOrigin = new URL(api).origin;
const staticWebApp = {
  navigationFallback: { rewrite: "/index.html" },
  globalHeaders: {
    "Content-Security-Policy":
      `default-src 'self'; connect-src 'self' ${apiOrigin} https://login.microsoftonline.com; ` +
      "img-src 'self' data:; style-src 'self'; script-src 'self'; frame-src https://login.microsoftonline.com; " +
      "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
  },
  routes: [{ route: "/config.json", headers: { "Cache-Control": "no-cache" } }],
};
writeFileSync(new URL("staticwebapp.config.json", out), JSON.stringify(staticWebApp, null, 2));
console.log(`web/dist written for ${apiOrigin}`);
