// The reference POS client-book page: sign in, choose the store, then the book, the store book,
// customer search and the customer page. Hash routes keep it a set of static files.
import { Api } from "./api.js";
import {
  clearSession, completeEntraSignIn, demoStaff, entraSignOut, entraToken, saveSession,
  savedSession, startEntraSignIn,
} from "./auth.js";
import { h, notice, replace } from "./dom.js";
import { formatNumber, lang, t } from "./i18n.js";
import { problemText } from "./problems.js";

const main = document.getElementById("main");
const bar = document.getElementById("bar");

export const app = {
  config: null,
  session: null,
  api: null,
  signInMessage: "",
  get store() {
    return this.session?.store;
  },
  problem: problemText,
};

function setDocumentLanguage() {
  document.documentElement.lang = lang;
  document.title = t("appName");
  document.querySelector(".skip").textContent = t("skip");
}

async function token() {
  if (app.config.auth === "entra") return entraToken(app.config);
  return app.session.token;
}

function signOut(message = "") {
  const entra = app.config.auth === "entra" && app.session;
  clearSession();
  app.session = null;
  forgetStore();
  app.signInMessage = message;
  if (entra) {
    entraSignOut(app.config);
    return;
  }
  go("#/signin");
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function renderBar(current, badgeFromScreen = false) {
  if (!app.session?.store) {
    bar.hidden = true;
    return;
  }
  bar.hidden = false;
  const link = (hash, label) =>
    h("a", { href: hash, "aria-current": current === hash ? "page" : null }, label);
  const stores = app.session.staff?.stores || [];
  const badge = h("span", { class: "count-badge", hidden: true });
  app.showBadge = (due) => showBadge(badge, due);
  // The own worklist reads the same bucket counts for its chips and shows them here itself.
  if (!badgeFromScreen) loadBadge(badge);
  replace(
    bar,
    h("span", { class: "who" }, `${app.session.staff?.name || ""} · ${app.session.store}`),
    h(
      "nav",
      { "aria-label": t("appName") },
      link("#/book", t("myBook")),
      link("#/followups", [t("followUps"), badge]),
      link("#/store-book", t("storeBook")),
      link("#/search", t("findCustomers")),
      stores.length > 1 ? link("#/stores", t("chooseStore")) : null,
    ),
    h("button", { type: "button", onclick: () => signOut() }, t("signOut")),
  );
}

// Overdue + today on the follow-ups link; loaded beside the screen, never in its way.
async function loadBadge(badge) {
  const { followupBadge } = await import("./followups.js");
  showBadge(badge, await followupBadge(app));
}

function showBadge(badge, due) {
  badge.hidden = !due;
  // The number for the eye, the words for a screen reader.
  replace(badge, due ? [h("span", { "aria-hidden": "true" }, formatNumber(due)), h("span", { class: "sr-only" }, t("fuBadge", { n: formatNumber(due) }))] : null);
}

async function signInScreen() {
  const content = [h("h1", {}, t("signIn"))];
  if (app.signInMessage) content.push(h("p", { class: "notice bad", role: "alert" }, app.signInMessage));
  if (app.config.auth === "entra") {
    content.push(
      h("button", { type: "button", onclick: () => startEntraSignIn(app.config) }, t("signInEntra")),
    );
    return content;
  }
  const staff = await demoStaff(app.config);
  content.push(
    h("p", {}, t("signInLocal")),
    h(
      "ul",
      { class: "staff-list" },
      staff.map((person) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: "staff",
              onclick: () => {
                const { token: bearer, ...who } = person;
                app.session = { token: bearer, staff: who, store: who.stores.length === 1 ? who.stores[0] : null };
                app.signInMessage = "";
                saveSession(app.session);
                go(app.session.store ? "#/book" : "#/stores");
              },
            },
            h("strong", {}, person.name),
            h("span", { class: "meta" }, `${person.permissionSet} · ${person.stores.join(", ")}`),
          ),
        ),
      ),
    ),
  );
  return content;
}

function storeScreen() {
  const stores = app.session.staff?.stores || [];
  const choose = (storeId) => {
    forgetStore();
    app.session.store = storeId;
    saveSession(app.session);
    go("#/book");
  };
  const typed = h("input", { id: "store-id", name: "store", autocomplete: "off", required: true });
  return [
    h("h1", {}, t("chooseStore")),
    stores.length
      ? h("ul", { class: "chips" }, stores.map((s) => h("li", {}, h("button", { type: "button", onclick: () => choose(s) }, s))))
      : h(
          "form",
          { onsubmit: (event) => { event.preventDefault(); choose(typed.value.trim()); } },
          h("div", { class: "field" }, h("label", { for: "store-id" }, t("chooseStore")), typed),
          h("button", {}, t("open")),
        ),
  ];
}

// What was read for one store and caller; a new store or sign-in reads it again.
function forgetStore() {
  app.caller = null;
  app.activityTypes = null;
  app.followupRules = null;
  app.teamNames = null;
}

let generation = 0;

async function route() {
  const mine = ++generation;
  const hash = location.hash || "#/";
  const [, name, argument] = hash.match(/^#\/([^/]*)\/?(.*)$/) || [];
  let view = name || "book";
  if (!app.session) view = "signin";
  else if (!app.session.store && view !== "signin") view = "stores";
  renderBar(`#/${view}`, view === "followups" && !argument);
  replace(main, h("p", { class: "loading" }, t("loading")));
  let content;
  try {
    if (view === "signin") content = await signInScreen();
    else if (view === "stores") content = storeScreen();
    else if (view === "followups") {
      const { worklistScreen } = await import("./followups.js");
      content = await worklistScreen(app, decodeURIComponent(argument || ""));
    } else if (view === "customer") {
      const { customerScreen } = await import("./customer.js");
      content = await customerScreen(app, decodeURIComponent(argument));
    } else {
      const books = await import("./books.js");
      if (view === "store-book") content = await books.bookScreen(app, "store");
      else if (view === "search") content = books.searchScreen(app);
      else content = await books.bookScreen(app, "mine");
    }
  } catch (error) {
    if (error?.status === 401) return; // signed out; the sign-in screen is on its way
    content = [h("p", { class: "notice bad", role: "alert" }, error.problem ? problemText(error) : String(error.message))];
  }
  if (mine !== generation) return; // a newer navigation won
  replace(main, content);
  main.focus({ preventScroll: true });
}

async function start() {
  setDocumentLanguage();
  app.config = await (await fetch("config.json", { cache: "no-store" })).json();
  app.session = savedSession();
  if (app.config.auth === "entra") {
    const account = await completeEntraSignIn(app.config);
    if (account && !app.session) {
      app.session = { staff: { name: account.name, stores: app.config.stores || [] }, store: null };
      if (app.session.staff.stores.length === 1) app.session.store = app.session.staff.stores[0];
      saveSession(app.session);
    }
  }
  app.api = new Api(app.config.apiBase, token, () => signOut(t("signedOutExpired")));
  window.addEventListener("hashchange", route);
  await route();
}

start().catch((error) => {
  notice(main, "bad", t("pGeneric", { detail: error.message }));
});
