// Sign-in. Locally: pick one of the demo staff (the local host's page origin offers them and
// their tokens at a route the deployed app does not have). In Azure: Entra ID with MSAL.js,
// authorization code flow with PKCE, for the API's Clienteling.Pos scope. MSAL is loaded only
// then, so the local page and a signed-in page's first load stay small.
const SESSION_KEY = "clienteling.session";

export function savedSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
  } catch {
    return null;
  }
}

export function saveSession(session) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession() {
  sessionStorage.removeItem(SESSION_KEY);
}

export async function demoStaff(config) {
  const response = await fetch(config.demoStaffUrl, { cache: "no-store" });
  if (!response.ok) throw new Error(`demo staff: HTTP ${response.status}`);
  return (await response.json()).staff;
}

let msalApp = null;

async function msal(config) {
  if (msalApp) return msalApp;
  await new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "vendor/msal-browser.min.js";
    script.onload = resolve;
    script.onerror = () => reject(new Error("MSAL.js could not be loaded"));
    document.head.append(script);
  });
  msalApp = new window.msal.PublicClientApplication({
    auth: {
      clientId: config.clientId,
      authority: config.authority,
      redirectUri: new URL(".", location.href).href,
    },
    // sessionStorage: a shared counter tablet forgets the account when the tab closes.
    cache: { cacheLocation: "sessionStorage" },
  });
  await msalApp.initialize();
  return msalApp;
}

// After the redirect back from Entra ID: the account, or null when not signing in.
export async function completeEntraSignIn(config) {
  if (config.auth !== "entra") return null;
  const app = await msal(config);
  const result = await app.handleRedirectPromise();
  const account = result?.account || app.getAllAccounts()[0];
  return account || null;
}

export async function startEntraSignIn(config) {
  const app = await msal(config);
  await app.loginRedirect({ scopes: [config.scope] });
}

export async function entraToken(config) {
  const app = await msal(config);
  const account = app.getAllAccounts()[0];
  try {
    return (await app.acquireTokenSilent({ scopes: [config.scope], account })).accessToken;
  } catch {
    await app.acquireTokenRedirect({ scopes: [config.scope], account });
    return new Promise(() => {}); // the page navigates away
  }
}

export async function entraSignOut(config) {
  const app = await msal(config);
  await app.logoutRedirect({ postLogoutRedirectUri: new URL(".", location.href).href });
}
