// Every problem+json the API can answer, in the associate's words. Branch on `type` (stable),
// never on `detail` (for people, in English); the extra members (`errors`, `conflicts`,
// `operation`) fill in the specifics.
import { t } from "./i18n.js";

export function problemText(error, context = {}) {
  const problem = error.problem || {};
  switch (error.slug ?? "") {
    case "network":
      return t("pNetwork");
    case "validation-failed": {
      const fields = (problem.errors || []).map((e) => `${e.field}: ${e.message}`).join("; ");
      return t("pValidation", { fields: fields || problem.detail || "" });
    }
    case "forbidden":
      return problem.operation ? t("pForbiddenOperation", { operation: problem.operation }) : t("pForbidden");
    case "not-found":
      return t("pNotFound");
    case "customer-in-another-book":
      return (problem.conflicts || [])
        .map((c) =>
          t("pInAnotherBook", {
            customer: context.names?.[c.customerId] || c.customerId,
            owner: c.ownerName,
            book: c.clientBookId,
          }),
        )
        .join(" ");
    case "customer-erased":
      return t("pErased");
    case "conflict":
      return t("pConflict", { detail: problem.detail || "" });
    case "dependency-unavailable":
      return t("pBusy", { seconds: error.retryAfter || 2 });
    case "invalid-continuation-token":
      return t("pPaging");
    case "setting-unavailable":
      return t("pBusy", { seconds: error.retryAfter || 30 });
    case "configuration-missing":
      return t("pNotConfigured");
    case "payload-too-large":
      return t("pTooLarge");
    case "idempotency-key-reused":
      return t("pIdemReused");
    case "followup-not-open":
      return t("pFollowupNotOpen", { state: t(`st_${problem.state}`) });
    case "etag-mismatch":
      return t("pChangedElsewhere");
    case "consent-missing":
      return t("pConsentMissing");
    case "contact-missing":
      return t("pContactMissing");
    case "quiet-hours": {
      // `sendAfter`: the store's local time (HH:MM) the quiet hours end.
      const until = problem.sendAfter;
      return until ? t("pQuietHoursUntil", { until }) : t("pQuietHours");
    }
    case "frequency-cap":
      return t("pFrequencyCap");
    case "outreach-disabled":
      return t("pOutreachDisabled");
    case "customer-not-in-book":
      return t("pNotInBook");
    case "unauthenticated":
      return t("signedOutExpired");
    default:
      return t("pGeneric", { detail: problem.detail || problem.title || `HTTP ${error.status}` });
  }
}
