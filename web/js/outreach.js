// Consent per channel (state, since when, source in words; capturing the customer's answer) and
// sending a message (channel, template with its rendered preview or free text, SMS segments).
// A send is accepted (202) before anything leaves: the page says "delivery pending", and the
// timeline shows the message with its delivery status.
import { paths, submissionKey } from "./api.js";
import { section } from "./customer.js";
import { h, notice, replace, uid } from "./dom.js";
import { formatDateTime, formatNumber, t } from "./i18n.js";

const CHANNELS = ["sms", "email"];

// GSM 03.38: the basic alphabet counts one unit, the extension table two; anything else makes
// the whole message UCS-2 (UTF-16 units, so an emoji counts two). The same rules as the API's
// preview, for free text the associate is still typing.
const GSM = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED = "^{}\\[~]|€\f";

export function smsLength(text) {
  let units = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM.includes(ch)) units += 1;
    else if (GSM_EXTENDED.includes(ch)) units += 2;
    else gsm = false;
  }
  if (!gsm) units = text.length; // UTF-16 code units
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  const segments = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / multi);
  return { encoding: gsm ? "GSM-7" : "UCS-2", units, segments };
}

function consentLine(consent) {
  const state = consent?.state || "unknown";
  if (state === "unknown") return t("cs_unknown");
  const since = consent.givenAt || consent.recordedAt;
  return [t(`cs_${state}`), since ? t("since", { when: formatDateTime(since) }) : null, consent.source ? t(`src_${consent.source}`) : null]
    .filter(Boolean)
    .join(" · ");
}

export function consentPanel(app, store, customerId, details) {
  const messages = h("div", {});
  const rows = h("dl", {});
  const draw = (consent) =>
    replace(rows, CHANNELS.map((channel) => [h("dt", {}, t(`ch_${channel}`)), h("dd", { dataset: { channel } }, consentLine(consent?.[channel]))]));
  draw(details.card.consent);

  const channel = h("select", { id: "consent-channel", name: "channel" }, CHANNELS.map((c) => h("option", { value: c }, t(`ch_${c}`))));
  const confirmation = h("textarea", { id: "consent-text", name: "confirmationText", required: true, maxlength: 1000, "aria-describedby": "consent-hint" });
  const choice = (value, label, checked) => {
    const id = uid("consent-state");
    return h("div", { class: "field inline" }, h("input", { type: "radio", id, name: "state", value, checked }), h("label", { for: id }, t(label)));
  };
  const form = h(
    "form",
    {
      onsubmit: async (event) => {
        event.preventDefault();
        const body = { channel: channel.value, state: form.elements.state.value, confirmationText: confirmation.value.trim() };
        try {
          const { data } = await app.api.request("POST", paths.consent(store, customerId), { body });
          details.card.consent = data.consent;
          draw(data.consent);
          confirmation.value = "";
          notice(messages, "good", t("consentSaved"));
        } catch (error) {
          // Without capture-consent: say so, and stop offering the form.
          if (error.slug === "forbidden") form.remove();
          notice(messages, "bad", app.problem(error));
        }
      },
    },
    h("div", { class: "field" }, h("label", { for: "consent-channel" }, t("channel")), channel),
    h("fieldset", { class: "choices" }, h("legend", {}, t("consentAnswer")), choice("opted-in", "consentYes", true), choice("opted-out", "consentNo", false)),
    h("div", { class: "field" }, h("label", { for: "consent-text" }, t("consentText")), confirmation, h("span", { id: "consent-hint", class: "meta" }, t("consentHint"))),
    h("button", {}, t("consentRecord")),
  );
  return section(t("consentTitle"), h("div", { class: "details" }, rows), messages, h("h3", {}, t("consentCapture")), form);
}

export function messagePanel(app, store, customerId, details, reloadTimeline) {
  const messages = h("div", {});
  const channel = h("select", { id: "msg-channel", name: "channel" }, CHANNELS.map((c) => h("option", { value: c }, t(`ch_${c}`))));
  const template = h("select", { id: "msg-template", name: "template" });
  const subject = h("input", { id: "msg-subject", name: "subject", maxlength: 200 });
  const text = h("textarea", { id: "msg-text", name: "text", maxlength: 2000, "aria-describedby": "msg-length" });
  const preview = h("div", { class: "preview", "aria-live": "polite" });
  const length = h("p", { id: "msg-length", class: "meta", "aria-live": "polite" });
  const subjectField = h("div", { class: "field" }, h("label", { for: "msg-subject" }, t("msgSubject")), subject);
  const textField = h("div", { class: "field" }, h("label", { for: "msg-text" }, t("msgText")), text);
  let templates = [];
  const key = submissionKey(); // new on each change below: the choices are on separate controls
  const fresh = key.renew;

  function segmentsText(info) {
    return info.segments ? t("smsSegments", { n: formatNumber(info.segments), units: formatNumber(info.units), encoding: info.encoding }) : "";
  }

  async function drawPreview() {
    const chosen = template.value;
    const free = !chosen;
    textField.hidden = !free;
    subjectField.hidden = !free || channel.value !== "email";
    replace(preview);
    length.textContent = free && channel.value === "sms" ? segmentsText(smsLength(text.value)) : "";
    if (free) return;
    try {
      const { data } = await app.api.get(paths.preview(store, customerId, chosen));
      if (template.value !== chosen) return;
      replace(
        preview,
        h("p", { class: "meta" }, t("msgPreview")),
        data.subject ? h("p", {}, h("strong", {}, data.subject)) : null,
        h("p", { class: "body" }, data.body),
      );
      length.textContent = data.smsLength ? segmentsText(data.smsLength) : "";
    } catch (error) {
      notice(messages, "bad", app.problem(error));
    }
  }

  function drawTemplates() {
    const mine = templates.filter((tpl) => tpl.channel === channel.value);
    replace(template, h("option", { value: "" }, t("msgFreeText")), mine.map((tpl) => h("option", { value: tpl.templateId }, tpl.name)));
    drawPreview();
  }

  channel.addEventListener("change", () => { fresh(); drawTemplates(); });
  template.addEventListener("change", () => { fresh(); drawPreview(); });
  text.addEventListener("input", () => {
    fresh();
    if (channel.value === "sms") length.textContent = segmentsText(smsLength(text.value));
  });
  subject.addEventListener("input", fresh);
  app.api.get(paths.templates(store)).then(
    ({ data }) => { templates = data.templates || []; drawTemplates(); },
    (error) => { drawTemplates(); notice(messages, "bad", app.problem(error)); },
  );

  const form = h(
    "form",
    {
      onsubmit: async (event) => {
        event.preventDefault();
        const body = { channel: channel.value };
        if (template.value) body.templateId = template.value;
        else {
          if (!text.value.trim()) return notice(messages, "bad", t("msgEmpty"));
          body.text = text.value.trim();
          if (channel.value === "email" && subject.value.trim()) body.subject = subject.value.trim();
        }
        try {
          // The same key for a resend of this very message: it is never sent twice.
          await app.api.request("POST", paths.messages(store, customerId), { body, idempotencyKey: key.value });
          fresh();
          text.value = "";
          subject.value = "";
          drawPreview();
          notice(messages, "good", t("msgSent"));
          reloadTimeline();
        } catch (error) {
          notice(messages, "bad", app.problem(error));
        }
      },
    },
    h("div", { class: "field" }, h("label", { for: "msg-channel" }, t("channel")), channel),
    h("div", { class: "field" }, h("label", { for: "msg-template" }, t("msgTemplate")), template),
    preview,
    subjectField,
    textField,
    length,
    h("button", {}, t("msgSend")),
  );
  return section(t("msgTitle"), messages, form);
}
