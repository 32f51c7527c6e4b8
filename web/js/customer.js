// The customer page: details, attributes with the ETag / If-Match flow, the timeline with
// infinite scroll, recording an activity, notes (edit your own, see history), consent per
// channel and sending a message (outreach.js).
import { activityTypes, callerStaffId, paths, submissionKey } from "./api.js";
import { propertyValue } from "./books.js";
import { h, notice, replace, uid } from "./dom.js";
import { formatDate, formatDateTime, t } from "./i18n.js";
import { consentPanel, messagePanel } from "./outreach.js";

const TIMELINE_PAGE = 10;

export async function customerScreen(app, customerId) {
  const store = app.store;
  const first = await app.api.get(paths.customer(store, customerId));
  const state = { details: first.data, etag: first.etag };
  const name = state.details.card.name;
  const timeline = timelinePanel(app, store, customerId);

  return [
    h("p", {}, h("a", { href: "#/book" }, `← ${t("back")}`)),
    h("h1", {}, name),
    h("div", { class: "columns" }, detailsPanel(state.details), attributesPanel(app, store, customerId, state)),
    h(
      "div",
      { class: "columns" },
      timeline.element,
      notesPanel(app, store, customerId),
    ),
    h(
      "div",
      { class: "columns" },
      messagePanel(app, store, customerId, state.details, timeline.reload),
      consentPanel(app, store, customerId, state.details),
    ),
  ];
}

export function section(title, ...children) {
  const id = uid("section");
  return h("section", { class: "panel", "aria-labelledby": id }, h("h2", { id }, title), children);
}

function detailsPanel(details) {
  const card = details.card;
  const rows = [
    [t("email"), card.email || t("notSet")],
    [t("phone"), card.phone || t("notSet")],
    [t("birthday"), formatDate(details.birthday)],
    [t("anniversary"), formatDate(details.anniversary)],
    [t("addressBooks"), (details.addressBooks || []).join(", ") || t("notSet")],
    // The imported flag only where the API has no consent per channel (outreach.js shows that).
    card.consent ? null : [t("consent"), details.contactConsent ? t("yes") : t("no")],
    card.clientBook ? [t("owner"), card.clientBook.ownerName] : null,
  ].filter(Boolean);
  return section(
    t("details"),
    h("div", { class: "details" }, h("dl", {}, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))),
  );
}

function attributeInput(attribute) {
  const id = `attr-${attribute.name}`;
  const value = attribute.value;
  let input;
  if (attribute.type === "list") {
    input = h(
      "select",
      { id, name: attribute.name },
      h("option", { value: "" }, t("notSet")),
      (attribute.allowedValues || []).map((v) => h("option", { value: v, selected: v === value }, v)),
    );
  } else if (attribute.type === "boolean") {
    input = h("input", { id, name: attribute.name, type: "checkbox", checked: value === true });
  } else {
    const type = { integer: "number", decimal: "number", date: "date" }[attribute.type] || "text";
    input = h("input", {
      id, name: attribute.name, type, value: value ?? "",
      step: attribute.type === "decimal" ? "0.01" : attribute.type === "integer" ? "1" : null,
      inputmode: attribute.type === "decimal" ? "decimal" : attribute.type === "integer" ? "numeric" : null,
    });
  }
  const inline = attribute.type === "boolean";
  return h("div", { class: inline ? "field inline" : "field" }, inline ? [input, h("label", { for: id }, attribute.label)] : [h("label", { for: id }, attribute.label), input]);
}

function readInput(form, attribute) {
  const input = form.elements[attribute.name];
  if (attribute.type === "boolean") return input.checked;
  const text = input.value.trim();
  if (text === "") return null;
  if (attribute.type === "integer") return Number.parseInt(text, 10);
  if (attribute.type === "decimal") return Number(text);
  return text;
}

function attributesPanel(app, store, customerId, state) {
  const messages = h("div", {});
  const form = h("form", { novalidate: true });
  const draw = () =>
    replace(form, state.details.attributes.map(attributeInput), h("button", {}, t("save")));
  draw();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const changes = {};
    for (const attribute of state.details.attributes) {
      const now = readInput(form, attribute);
      if (now !== (attribute.value ?? (attribute.type === "boolean" ? false : null))) changes[attribute.name] = now;
    }
    if (!Object.keys(changes).length) return notice(messages, "good", t("saved"));
    try {
      const answer = await app.api.request("PATCH", paths.attributes(store, customerId), {
        body: { attributes: changes },
        ifMatch: state.etag,
      });
      state.details = answer.data;
      state.etag = answer.etag;
      draw();
      notice(messages, "good", t("saved"));
    } catch (error) {
      if (error.slug !== "etag-mismatch") return notice(messages, "bad", app.problem(error));
      // Someone saved first: show their values for what this associate was changing, take the
      // new version (and ETag) so the next save applies to it.
      const fresh = await app.api.get(paths.customer(store, customerId));
      state.details = fresh.data;
      state.etag = fresh.etag;
      draw();
      const values = state.details.attributes
        .filter((a) => a.name in changes)
        .map((a) => `${a.label}: ${propertyValue(a)}`)
        .join(", ");
      notice(messages, "bad", t("changedElsewhere", { values }));
    }
  });
  return section(t("attributes"), messages, form);
}

function timelinePanel(app, store, customerId) {
  const list = h("ul", { class: "timeline" });
  const messages = h("div", {});
  const sentinel = h("li", { class: "sentinel", "aria-hidden": "true" });
  const more = h("button", { type: "button", class: "quiet", hidden: true, onclick: () => load() }, t("loadMore"));
  let token = null;
  let loading = false;
  let started = false;

  function entry(activity) {
    // A message carries its channel and delivery status; a completed follow-up its outcome.
    const message = activity.channel
      ? h("div", { class: `delivery ${activity.deliveryStatus || ""}` }, t("messageLine", { channel: t(`ch_${activity.channel}`), status: t(`ds_${activity.deliveryStatus}`) }))
      : null;
    const outcome = activity.outcome ? h("div", { class: "meta" }, t("outcomeLine", { outcome: t(`oc_${activity.outcome}`) })) : null;
    return h(
      "li",
      {},
      h("strong", {}, activity.subject),
      h("div", { class: "meta" }, `${activity.activityTypeName} · ${t("by", { who: activity.staffName, when: formatDateTime(activity.startTime) })}`),
      message,
      outcome,
      activity.description && activity.description !== activity.subject ? h("p", {}, activity.description) : null,
    );
  }

  async function load(reset = false) {
    if (loading) return;
    loading = true;
    try {
      if (reset) { token = null; started = false; list.replaceChildren(); }
      const q = [["pageSize", TIMELINE_PAGE]];
      if (token) q.push(["continuationToken", token]);
      const { data } = await app.api.get(paths.activities(store, customerId), q);
      sentinel.remove();
      for (const activity of data.activities) list.append(entry(activity));
      if (!started && !data.activities.length) list.append(h("li", {}, t("noActivities")));
      started = true;
      // A short page is the last one, token or not.
      token = data.activities.length < TIMELINE_PAGE ? null : data.continuationToken;
      more.hidden = !token;
      if (token) list.append(sentinel);
    } catch (error) {
      notice(messages, "bad", app.problem(error));
    } finally {
      loading = false;
    }
  }
  // Infinite scroll: the next page loads as the end of the list comes into view; the button
  // stays for keyboards and screen readers.
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && token) load();
  });
  observer.observe(sentinel);
  load();

  const form = h("form", {});
  const typeSelect = h("select", { id: "activity-type", name: "type", required: true });
  form.append(
    h("div", { class: "field" }, h("label", { for: "activity-type" }, t("activityType")), typeSelect),
    h("div", { class: "field" }, h("label", { for: "activity-subject" }, t("subject")), h("input", { id: "activity-subject", name: "subject", required: true, maxlength: 200 })),
    h("div", { class: "field" }, h("label", { for: "activity-description" }, t("description")), h("textarea", { id: "activity-description", name: "description" })),
    h("button", {}, t("recordActivity")),
  );
  activityTypes(app).then((types) => {
    replace(typeSelect, types.map((a) => h("option", { value: a.activityTypeId }, a.name)));
  }, (error) => notice(messages, "bad", app.problem(error)));
  // Any edit makes it a new submission; resending the same one keeps its Idempotency-Key.
  const key = submissionKey(form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      activityTypeId: typeSelect.value,
      subject: form.elements.subject.value.trim(),
      description: form.elements.description.value.trim() || null,
      startTime: new Date().toISOString(),
    };
    try {
      await app.api.request("POST", paths.activities(store, customerId), { body, idempotencyKey: key.value });
      key.renew();
      form.reset();
      notice(messages, "good", t("recorded"));
      await load(true);
    } catch (error) {
      notice(messages, "bad", app.problem(error));
    }
  });
  return {
    element: section(t("timeline"), messages, list, more, h("h3", {}, t("recordActivity")), form),
    reload: () => load(true),
  };
}

function notesPanel(app, store, customerId) {
  const list = h("ul", { class: "notes" });
  const messages = h("div", {});
  let me = null;

  function noteItem(note) {
    const item = h("li", {});
    const show = () =>
      replace(
        item,
        h("p", {}, note.text),
        h("div", { class: "meta" }, t("by", { who: note.authorName, when: formatDateTime(note.updatedAt) })),
        h(
          "div",
          { class: "row" },
          me && note.authorStaffId === me ? h("button", { type: "button", class: "quiet", "aria-label": `${t("edit")}: ${note.text.slice(0, 40)}`, onclick: edit }, t("edit")) : null,
          note.revision > 1 ? h("button", { type: "button", class: "quiet", onclick: history }, t("history")) : null,
        ),
      );
    const edit = () => {
      const id = uid("note-edit");
      const area = h("textarea", { id }, note.text);
      const form = h(
        "form",
        {
          onsubmit: async (event) => {
            event.preventDefault();
            try {
              const answer = await app.api.request("PUT", paths.note(store, customerId, note.noteId), {
                body: { text: area.value }, ifMatch: `"${note.etag}"`,
              });
              note = answer.data;
              show();
              notice(messages, "good", t("noteSaved"));
            } catch (error) {
              notice(messages, "bad", app.problem(error));
            }
          },
        },
        h("div", { class: "field" }, h("label", { for: id }, t("edit")), area),
        h("div", { class: "row" }, h("button", {}, t("save")), h("button", { type: "button", class: "quiet", onclick: show }, t("cancel"))),
      );
      replace(item, form);
      area.focus();
    };
    const history = async () => {
      try {
        const { data } = await app.api.get(paths.noteHistory(store, customerId, note.noteId));
        item.append(
          h(
            "ul",
            { "aria-label": t("history") },
            data.revisions.length
              ? data.revisions.map((r) => h("li", {}, h("p", {}, r.text), h("div", { class: "meta" }, t("editedBy", { who: r.replacedBy, when: formatDateTime(r.replacedAt) }))))
              : h("li", {}, t("noHistory")),
          ),
        );
      } catch (error) {
        notice(messages, "bad", app.problem(error));
      }
    };
    show();
    return item;
  }

  async function load() {
    try {
      const [{ data }, caller] = await Promise.all([
        app.api.get(paths.notes(store, customerId), [["pageSize", 50]]),
        callerStaffId(app),
      ]);
      me = caller;
      replace(list, data.notes.length ? data.notes.map(noteItem) : h("li", {}, t("noNotes")));
    } catch (error) {
      notice(messages, "bad", app.problem(error));
    }
  }
  load();

  const area = h("textarea", { id: "new-note", name: "text", required: true, maxlength: 4000 });
  const key = submissionKey(area);
  const form = h(
    "form",
    {
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await app.api.request("POST", paths.notes(store, customerId), { body: { text: area.value }, idempotencyKey: key.value });
          key.renew();
          area.value = "";
          notice(messages, "good", t("noteSaved"));
          await load();
        } catch (error) {
          notice(messages, "bad", app.problem(error));
        }
      },
    },
    h("div", { class: "field" }, h("label", { for: "new-note" }, t("newNote")), area),
    h("button", {}, t("addNote")),
  );
  return section(t("notes"), messages, list, form);
}
