// The follow-up worklist: buckets with counts (overdue, today, next 7 days), a rule filter,
// cards with the rule and the reason in words, keyset paging; complete (with an outcome and
// optionally an activity, in one request), snooze, dismiss. Managers also see their store's
// associates with open, overdue and completed-this-week counts.
import { activityTypes, paths } from "./api.js";
import { h, notice, replace, uid } from "./dom.js";
import { formatDate, formatNumber, t } from "./i18n.js";

const PAGE_SIZE = 20;
const BUCKETS = [["", "fuAll"], ["overdue", "fuOverdue"], ["today", "fuToday"], ["next7", "fuNext7"]];
const OUTCOMES = ["reached", "no-answer", "left-message", "not-interested"];

// The badge on the follow-ups link: overdue + today, from the list's bucket counts.
const dueNow = (buckets) => (buckets?.overdue || 0) + (buckets?.today || 0);

// Elsewhere than the own worklist, the badge takes one small read of its own.
export async function followupBadge(app) {
  try {
    const { data } = await app.api.get(paths.followups(app.store), [["pageSize", 1]]);
    return dueNow(data.buckets);
  } catch {
    return null; // no worklist for this caller or this API: no badge
  }
}

function nextDay(isoDate, days = 1) {
  const day = new Date(`${isoDate}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

export async function worklistScreen(app, staffId = "") {
  const store = app.store;
  const state = { due: "", ruleId: "", token: null, todayDate: null };
  app.followupRules ??= new Map(); // rules seen in answers: the POS has no list of its own
  const list = h("ul", { class: "cards", "aria-label": t("followUps") });
  const chips = h("ul", { class: "chips", "aria-label": t("fuBuckets") });
  const messages = h("div", {});
  const more = h("button", { type: "button", class: "quiet", hidden: true, onclick: () => load(false) }, t("loadMore"));
  const rules = h("select", { id: "fu-rule", name: "rule", onchange: () => { state.ruleId = rules.value; load(true); } });
  const team = h("div", {});

  function renderRules() {
    const chosen = state.ruleId;
    replace(
      rules,
      h("option", { value: "" }, t("fuAllRules")),
      [...app.followupRules].map(([id, name]) => h("option", { value: id, selected: id === chosen }, name)),
    );
  }

  function renderChips(buckets) {
    const counts = { overdue: buckets.overdue, today: buckets.today, next7: buckets.next7 };
    replace(
      chips,
      BUCKETS.map(([due, label]) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              "aria-pressed": state.due === due ? "true" : "false",
              class: due === "overdue" && counts.overdue ? "urgent" : null,
              onclick: () => { state.due = due; load(true); },
            },
            due ? `${t(label)} (${formatNumber(counts[due] || 0)})` : t(label),
          ),
        ),
      ),
    );
  }

  function query() {
    const q = [["pageSize", PAGE_SIZE], ["due", state.due], ["ruleId", state.ruleId], ["staffId", staffId]];
    if (state.token) q.push(["continuationToken", state.token]);
    return q;
  }

  async function load(first) {
    if (first) state.token = null;
    more.disabled = true;
    try {
      const { data } = await app.api.get(paths.followups(store), query());
      state.todayDate = data.buckets?.todayDate || state.todayDate;
      renderChips(data.buckets || {});
      if (!staffId) app.showBadge?.(dueNow(data.buckets)); // the same counts: no second read
      if (first) list.replaceChildren();
      let newRule = false;
      for (const followup of data.followups) {
        if (!app.followupRules.has(followup.ruleId)) {
          app.followupRules.set(followup.ruleId, followup.ruleName);
          newRule = true;
        }
        list.append(followupCard(followup));
      }
      if (newRule) renderRules();
      if (first && !data.followups.length) list.append(h("li", {}, t("fuEmpty")));
      // Keyset paging: a short page is the last one.
      state.token = data.followups.length < PAGE_SIZE ? null : data.continuationToken;
      more.hidden = !state.token;
    } catch (error) {
      if (error.slug === "invalid-continuation-token") return load(true);
      notice(messages, "bad", app.problem(error));
    } finally {
      more.disabled = false;
    }
  }

  async function act(followup, action, body, { idempotencyKey } = {}) {
    try {
      await app.api.request("POST", paths.followup(store, followup.followupId, action), {
        body, ifMatch: `"${followup.etag}"`, idempotencyKey,
      });
      const done = { complete: "fuCompleted", snooze: "fuSnoozed", dismiss: "fuDismissed" }[action];
      notice(messages, "good", t(done, { name: followup.customer?.name || followup.customerId }));
      await load(true); // its bucket counts refresh the badge too
      return true;
    } catch (error) {
      if (error.status === 412 || error.slug === "followup-not-open") {
        // Someone (another device, a manager) changed it first: say so, show the list as it is now.
        notice(messages, "bad", error.status === 412 ? t("fuChangedElsewhere") : app.problem(error));
        await load(true);
        return true;
      }
      notice(messages, "bad", app.problem(error));
      return false;
    }
  }

  function followupCard(followup) {
    const headingId = uid("fu");
    const panel = h("div", {});
    const name = followup.customer?.name || followup.customerId;
    const overdue = state.todayDate && followup.dueDate < state.todayDate;
    const open = (form) => {
      replace(panel, form);
      form.querySelector("input, select, textarea")?.focus();
    };
    const close = () => replace(panel);
    const readOnly = Boolean(staffId); // a manager looks at a colleague's list
    return h(
      "li",
      {},
      h(
        "article",
        { class: "card followup", "aria-labelledby": headingId, dataset: { followup: followup.followupId } },
        h("h2", { id: headingId }, h("a", { href: `#/customer/${encodeURIComponent(followup.customerId)}` }, name)),
        h("p", {}, h("span", { class: "badge" }, followup.ruleName), " ", followup.reason),
        h("p", { class: overdue ? "meta due overdue" : "meta due" }, t(overdue ? "fuOverdueSince" : "fuDue", { date: formatDate(followup.dueDate) })),
        followup.customer?.phone || followup.customer?.email
          ? h("p", { class: "contact" }, [followup.customer.phone, followup.customer.email].filter(Boolean).join(" · "))
          : null,
        readOnly
          ? null
          : h(
              "div",
              { class: "row" },
              h("button", { type: "button", "aria-label": `${t("fuComplete")}: ${name}`, onclick: () => open(completeForm(followup, close)) }, t("fuComplete")),
              h("button", { type: "button", class: "quiet", "aria-label": `${t("fuSnooze")}: ${name}`, onclick: () => open(snoozeForm(followup, close)) }, t("fuSnooze")),
              h("button", { type: "button", class: "quiet", "aria-label": `${t("fuDismiss")}: ${name}`, onclick: () => open(dismissForm(followup, close)) }, t("fuDismiss")),
            ),
        panel,
      ),
    );
  }

  function completeForm(followup, close) {
    // One key per opened form: a retry of the same submission never records twice.
    const key = crypto.randomUUID();
    const legendId = uid("outcome");
    const withActivity = uid("with-activity");
    const typeId = uid("fu-type");
    const noteId = uid("fu-note");
    const type = h("select", { id: typeId, name: "activityType" });
    const note = h("textarea", { id: noteId, name: "note", maxlength: 4000 });
    const box = h("input", { type: "checkbox", id: withActivity, name: "withActivity", checked: true });
    const activityFields = h(
      "div",
      {},
      h("div", { class: "field" }, h("label", { for: typeId }, t("activityType")), type),
      h("div", { class: "field" }, h("label", { for: noteId }, t("fuNote")), note),
    );
    box.addEventListener("change", () => { activityFields.hidden = !box.checked; });
    activityTypes(app).catch(() => []).then((types) =>
      replace(type, types.map((a) => h("option", { value: a.activityTypeId, selected: a.activityTypeId === "CALL" }, a.name))),
    );
    const form = h(
      "form",
      {
        class: "inline-form",
        onsubmit: async (event) => {
          event.preventDefault();
          const outcome = form.elements.outcome.value;
          if (!outcome) return notice(messages, "bad", t("fuPickOutcome"));
          const body = { outcome };
          if (box.checked) {
            body.activity = { activityTypeId: type.value, description: note.value.trim() || null };
          }
          if (await act(followup, "complete", body, { idempotencyKey: key })) close();
        },
      },
      h(
        "fieldset",
        { class: "choices" },
        h("legend", { id: legendId }, t("fuOutcome")),
        OUTCOMES.map((value, index) => {
          const id = uid("out");
          return h("div", { class: "field inline" }, h("input", { type: "radio", id, name: "outcome", value, required: true, checked: index === 0 }), h("label", { for: id }, t(`oc_${value}`)));
        }),
      ),
      h("div", { class: "field inline" }, box, h("label", { for: withActivity }, t("fuWithActivity"))),
      activityFields,
      h("div", { class: "row" }, h("button", {}, t("fuSaveComplete")), h("button", { type: "button", class: "quiet", onclick: close }, t("cancel"))),
    );
    return form;
  }

  function snoozeForm(followup, close) {
    const id = uid("snooze");
    const tomorrow = nextDay(state.todayDate || new Date().toISOString().slice(0, 10));
    const input = h("input", { type: "date", id, name: "until", required: true, min: tomorrow, value: nextDay(tomorrow, 6) });
    return h(
      "form",
      {
        class: "inline-form",
        onsubmit: async (event) => {
          event.preventDefault();
          if (await act(followup, "snooze", { until: input.value })) close();
        },
      },
      h("div", { class: "field" }, h("label", { for: id }, t("fuSnoozeUntil")), input),
      h("div", { class: "row" }, h("button", {}, t("fuSnooze")), h("button", { type: "button", class: "quiet", onclick: close }, t("cancel"))),
    );
  }

  function dismissForm(followup, close) {
    const id = uid("dismiss");
    const input = h("input", { id, name: "reason", required: true, maxlength: 500 });
    return h(
      "form",
      {
        class: "inline-form",
        onsubmit: async (event) => {
          event.preventDefault();
          if (await act(followup, "dismiss", { reason: input.value.trim() })) close();
        },
      },
      h("div", { class: "field" }, h("label", { for: id }, t("fuDismissReason")), input),
      h("div", { class: "row" }, h("button", {}, t("fuDismiss")), h("button", { type: "button", class: "quiet", onclick: close }, t("cancel"))),
    );
  }

  // Managers: the store's associates. Others get a 403 here, and simply no such section.
  async function loadTeam() {
    if (staffId) return;
    try {
      const { data } = await app.api.get(paths.storeFollowups(store));
      app.teamNames = new Map(data.associates.map((a) => [a.staffId, a.name]));
      const headingId = uid("team");
      replace(
        team,
        h(
          "section",
          { class: "panel", "aria-labelledby": headingId },
          h("h2", { id: headingId }, t("fuTeam")),
          h(
            "table",
            { class: "team" },
            h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("fuAssociate")), h("th", { scope: "col" }, t("fuOpen")), h("th", { scope: "col" }, t("fuOverdue")), h("th", { scope: "col" }, t("fuCompletedWeek", { date: formatDate(data.weekStart) })))),
            h(
              "tbody",
              {},
              data.associates.map((a) =>
                h(
                  "tr",
                  {},
                  h("th", { scope: "row" }, a.open ? h("a", { href: `#/followups/${encodeURIComponent(a.staffId)}` }, a.name) : a.name),
                  h("td", {}, formatNumber(a.open)),
                  h("td", { class: a.overdue ? "overdue" : null }, formatNumber(a.overdue)),
                  h("td", {}, formatNumber(a.completedThisWeek)),
                ),
              ),
            ),
          ),
        ),
      );
    } catch {
      // Not a manager: the worklist alone.
    }
  }

  await load(true);
  renderRules();
  loadTeam();
  const heading = staffId ? t("fuColleagueList", { name: app.teamNames?.get(staffId) || staffId }) : t("followUps");
  return [
    h("h1", {}, heading),
    staffId ? h("p", {}, h("a", { href: "#/followups" }, `← ${t("back")}`)) : null,
    team, // a manager's first question: how is the team doing
    chips,
    h("div", { class: "tools" }, h("div", { class: "field" }, h("label", { for: "fu-rule" }, t("fuRule")), rules)),
    messages,
    list,
    more,
  ];
}
