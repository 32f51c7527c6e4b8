// My client book and the store client book (cards, refiner chips with counts, search, upcoming
// dates, paging with continuation tokens), and customer search with add-to-book.
import { paths } from "./api.js";
import { demoStaff } from "./auth.js";
import { h, notice, replace, uid } from "./dom.js";
import { countText, formatDate, formatNumber, t } from "./i18n.js";

const PAGE_SIZE = 24;
const SEARCH_PAGE = 20;
const UPCOMING = [7, 30, 90];

export function propertyValue(property) {
  const value = property.value;
  if (value === null || value === undefined || value === "") return t("notSet");
  if (typeof value === "boolean") return value ? t("yes") : t("no");
  if (typeof value === "number") return formatNumber(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(String(value))) return formatDate(value);
  return Array.isArray(value) ? value.join(", ") : String(value);
}

export function card(customer, { owner = false, select = null, actions = [] } = {}) {
  const headingId = uid("card");
  const measures = customer.insights?.status === "unavailable" ? h("p", { class: "meta" }, t("insightsUnavailable")) : null;
  return h(
    "li",
    {},
    h(
      "article",
      { class: "card", "aria-labelledby": headingId },
      h(
        "div",
        { class: "row" },
        select,
        h("h2", { id: headingId }, h("a", { href: `#/customer/${encodeURIComponent(customer.customerId)}` }, customer.name)),
      ),
      h("p", { class: "contact" }, [customer.email, customer.phone].filter(Boolean).join(" · ")),
      h(
        "dl",
        {},
        customer.properties.map((p) => [
          h("dt", {}, p.kind === "measure" ? `${p.label} (${t("measure")})` : p.label),
          h("dd", {}, propertyValue(p)),
        ]),
        owner && customer.clientBook ? [h("dt", {}, t("owner")), h("dd", {}, customer.clientBook.ownerName)] : null,
      ),
      measures,
      actions.length ? h("div", { class: "row" }, actions) : null,
    ),
  );
}

export async function bookScreen(app, which) {
  const store = app.store;
  const path = which === "store" ? paths.storeBook(store) : paths.book(store);
  const state = { search: "", upcoming: "", refine: new Map(), token: null, refiners: [], selected: new Set(), owners: new Map(), ownerOf: new Map() };
  const list = h("ul", { class: "cards", "aria-label": which === "store" ? t("storeBook") : t("myBook") });
  const count = h("p", { class: "count", "aria-live": "polite" });
  const chips = h("div", { class: "refiners" });
  const messages = h("div", {});
  const more = h("button", { type: "button", class: "quiet", hidden: true, onclick: () => load(false) }, t("loadMore"));
  const searchInput = h("input", { type: "search", id: "book-search", name: "search", autocomplete: "off" });
  const upcoming = h(
    "select",
    { id: "book-upcoming", name: "upcoming", onchange: () => { state.upcoming = upcoming.value; load(true); } },
    h("option", { value: "" }, t("upcomingAny")),
    UPCOMING.map((n) => h("option", { value: n }, t("upcomingDays", { n }))),
  );
  let debounce;
  searchInput.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => { state.search = searchInput.value.trim(); load(true); }, 300);
  });

  function query() {
    const q = [["pageSize", PAGE_SIZE], ["search", state.search], ["upcoming", state.upcoming]];
    for (const [name, values] of state.refine) for (const value of values) q.push(["refine", `${name}:${value}`]);
    if (state.token) q.push(["continuationToken", state.token]);
    return q;
  }

  function renderChips() {
    const groups = state.refiners.filter((r) => r.values && r.values.length);
    replace(
      chips,
      groups.map((refiner) => {
        const chosen = state.refine.get(refiner.name) || new Set();
        const headingId = uid("refiner");
        return h(
          "div",
          { class: "refiner", role: "group", "aria-labelledby": headingId },
          h("h3", { id: headingId }, refiner.label),
          h(
            "ul",
            { class: "chips" },
            refiner.values.map((v) => {
              const key = String(v.value);
              const label = typeof v.value === "boolean" ? (v.value ? t("yes") : t("no")) : key;
              return h(
                "li",
                {},
                h(
                  "button",
                  {
                    type: "button",
                    "aria-pressed": chosen.has(key) ? "true" : "false",
                    onclick: () => {
                      const set = state.refine.get(refiner.name) || new Set();
                      if (set.has(key)) set.delete(key);
                      else set.add(key);
                      if (set.size) state.refine.set(refiner.name, set);
                      else state.refine.delete(refiner.name);
                      load(true);
                    },
                  },
                  `${label} (${formatNumber(v.count)})`,
                ),
              );
            }),
          ),
        );
      }),
      state.refine.size
        ? h("button", { type: "button", class: "quiet", onclick: () => { state.refine.clear(); load(true); } }, t("clearFilters"))
        : null,
    );
  }

  async function load(first) {
    if (first) state.token = null;
    more.disabled = true;
    try {
      const { data } = await app.api.get(path, query());
      if (first) {
        list.replaceChildren();
        state.refiners = data.refiners || [];
        renderChips();
      }
      for (const customer of data.customers) {
        if (customer.clientBook) {
          state.owners.set(customer.clientBook.ownerStaffId, customer.clientBook.ownerName);
          state.ownerOf.set(customer.customerId, customer.clientBook.ownerStaffId);
        }
        list.append(card(customer, { owner: which === "store", select: which === "store" ? selectBox(customer) : null }));
      }
      count.textContent = countText(data.totalCount);
      if (first && !data.customers.length) list.append(h("li", {}, t("empty")));
      // A token may come with the last page (the API cannot know without reading further);
      // totalCount says whether anything is left to show.
      const shown = list.querySelectorAll("article").length;
      state.token = shown < data.totalCount ? data.continuationToken : null;
      more.hidden = !state.token;
    } catch (error) {
      if (error.slug === "invalid-continuation-token") return load(true);
      notice(messages, "bad", app.problem(error));
    } finally {
      more.disabled = false;
    }
  }

  function selectBox(customer) {
    return h("input", {
      type: "checkbox",
      "aria-label": t("select", { name: customer.name }),
      checked: state.selected.has(customer.customerId),
      onchange: (event) => {
        if (event.target.checked) state.selected.add(customer.customerId);
        else state.selected.delete(customer.customerId);
        selection.textContent = t("selected", { n: state.selected.size });
      },
    });
  }

  const selection = h("span", { class: "count", "aria-live": "polite" }, t("selected", { n: 0 }));
  const colleague = h("select", { id: "colleague", name: "colleague" });

  async function storeAction(action) {
    const ids = [...state.selected];
    if (!ids.length) return;
    try {
      if (action === "reassign") {
        await app.api.request("POST", paths.reassign(app.store), { body: { customerIds: ids, toStaffId: colleague.value } });
        notice(messages, "good", t("reassigned", { n: ids.length, name: colleague.selectedOptions[0]?.textContent }));
      } else {
        // Per owner: a removal names the book it removes from.
        const owners = new Map();
        for (const id of ids) {
          const owner = state.ownerOf.get(id);
          owners.set(owner, [...(owners.get(owner) || []), id]);
        }
        for (const [owner, customerIds] of owners) {
          await app.api.request("POST", paths.bookRemove(app.store), { body: { customerIds, fromStaffId: owner } });
        }
        notice(messages, "good", t("removed", { n: ids.length }));
      }
      state.selected.clear();
      selection.textContent = t("selected", { n: 0 });
      await load(true);
      refreshColleagues();
    } catch (error) {
      notice(messages, "bad", app.problem(error));
    }
  }

  function refreshColleagues() {
    const known = new Map(state.owners);
    for (const person of app.colleagues || []) known.set(person.staffId, person.name);
    replace(colleague, [...known].map(([id, name]) => h("option", { value: id }, name)));
  }

  await load(true);
  if (which === "store") {
    await loadColleagues(app);
    refreshColleagues();
  }

  const filters = h(
    "div",
    { class: "tools" },
    h("div", { class: "field" }, h("label", { for: "book-search" }, t("searchBook")), searchInput),
    h("div", { class: "field" }, h("label", { for: "book-upcoming" }, t("upcoming")), upcoming),
  );
  const storeTools =
    which === "store"
      ? h(
          "div",
          { class: "tools" },
          selection,
          h("div", { class: "field" }, h("label", { for: "colleague" }, t("colleague")), colleague),
          h("button", { type: "button", onclick: () => storeAction("reassign") }, t("reassign")),
          h("button", { type: "button", class: "quiet", onclick: () => storeAction("remove") }, t("remove")),
        )
      : null;
  return [
    h("h1", {}, which === "store" ? t("storeBook") : t("myBook")),
    count,
    filters,
    chips,
    storeTools,
    messages,
    list,
    more,
  ];
}

async function loadColleagues(app) {
  if (app.colleagues || app.config.auth !== "local") return;
  try {
    app.colleagues = (await demoStaff(app.config))
      .filter((s) => s.stores.includes(app.store) && s.staffId !== app.session.staff.staffId)
      .map(({ staffId, name }) => ({ staffId, name }));
  } catch {
    app.colleagues = [];
  }
}

export function searchScreen(app) {
  const input = h("input", { type: "search", id: "customer-search", name: "search", minlength: 2, required: true, autocomplete: "off", "aria-describedby": "search-hint" });
  const list = h("ul", { class: "cards" });
  const messages = h("div", {});
  const more = h("button", { type: "button", class: "quiet", hidden: true, onclick: () => run(false) }, t("loadMore"));
  let token = null;
  let words = "";

  async function add(customer, button) {
    button.disabled = true;
    try {
      await app.api.request("POST", paths.book(app.store), { body: { customerIds: [customer.customerId] } });
      notice(messages, "good", t("added", { name: customer.name }));
      button.replaceWith(h("span", { class: "badge" }, t("inMyBook")));
    } catch (error) {
      notice(messages, "bad", app.problem(error, { names: { [customer.customerId]: customer.name } }));
      button.disabled = false;
    }
  }

  function hit(customer) {
    const status =
      customer.bookStatus === "mine"
        ? h("span", { class: "badge" }, t("inMyBook"))
        : customer.bookStatus === "colleague"
          ? h("span", { class: "badge" }, t("inColleagueBook", { owner: customer.clientBook?.ownerName || "" }))
          : null;
    const actions = [status];
    if (customer.bookStatus !== "mine") {
      const button = h("button", { type: "button", onclick: () => add(customer, button) }, t("addToBook"));
      button.setAttribute("aria-label", `${t("addToBook")}: ${customer.name}`);
      actions.push(button);
    }
    return card(customer, { actions });
  }

  async function run(first) {
    if (first) {
      token = null;
      words = input.value.trim();
      list.replaceChildren();
    }
    try {
      const q = [["search", words], ["pageSize", SEARCH_PAGE]];
      if (token) q.push(["continuationToken", token]);
      const { data } = await app.api.get(paths.search(app.store), q);
      for (const customer of data.customers) list.append(hit(customer));
      if (first && !data.customers.length) list.append(h("li", {}, t("noHits")));
      // A short page is the last one, token or not.
      token = data.customers.length < SEARCH_PAGE ? null : data.continuationToken;
      more.hidden = !token;
      if (first) notice(messages, "", "");
    } catch (error) {
      notice(messages, "bad", app.problem(error));
    }
  }

  return [
    h("h1", {}, t("findCustomers")),
    h(
      "form",
      { role: "search", class: "tools", onsubmit: (event) => { event.preventDefault(); run(true); } },
      h("div", { class: "field" }, h("label", { for: "customer-search" }, t("findCustomers")), input, h("span", { id: "search-hint", class: "meta" }, t("searchHint"))),
      h("button", {}, t("search")),
    ),
    messages,
    list,
    more,
  ];
}
