// The API from another origin, as a browser POS calls it. Patterns worth copying:
// - bearer token in Authorization (no cookies, so CORS needs no credentials);
// - the ETag of a read goes back as If-Match on the change (412 means "read again");
// - a create carries an Idempotency-Key that stays the same when the same submission is
//   retried, so a retry after a lost answer never records twice;
// - every error body is problem+json; ApiProblem keeps it whole for problems.js to put in words;
// - a 503 names Retry-After: wait that long, then try again (once here, the POS is interactive).

export class ApiProblem extends Error {
  constructor(status, problem, retryAfter = null) {
    super(problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
  get slug() {
    return String(this.problem.type || "").replace("urn:clienteling:problem:", "");
  }
}

export class Api {
  constructor(base, getToken, onUnauthenticated) {
    this.base = base.replace(/\/$/, "");
    this.getToken = getToken;
    this.onUnauthenticated = onUnauthenticated;
  }

  async request(method, path, { body, ifMatch, idempotencyKey, query, retryBusy = true } = {}) {
    const url = new URL(this.base + path);
    for (const [name, value] of query || []) {
      if (value !== undefined && value !== null && value !== "") url.searchParams.append(name, value);
    }
    const headers = { Authorization: `Bearer ${await this.getToken()}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (ifMatch) headers["If-Match"] = ifMatch;
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    let response;
    try {
      response = await fetch(url, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        mode: "cors", credentials: "omit", cache: "no-store",
      });
    } catch {
      throw new ApiProblem(0, { type: "network" });
    }
    if (response.status === 503 && retryBusy) {
      const wait = Number(response.headers.get("Retry-After") || "2");
      if (wait <= 5) {
        await new Promise((done) => setTimeout(done, wait * 1000));
        return this.request(method, path, { body, ifMatch, idempotencyKey, query, retryBusy: false });
      }
    }
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const problem = data && typeof data === "object" ? data : { title: response.statusText };
      const error = new ApiProblem(response.status, problem, response.headers.get("Retry-After"));
      if (response.status === 401) this.onUnauthenticated(error);
      throw error;
    }
    return {
      data,
      etag: response.headers.get("ETag"),
      replayed: response.headers.get("Idempotency-Replayed") === "true",
    };
  }

  get(path, query) {
    return this.request("GET", path, { query });
  }
}

// Where each route lives; ids are path segments, so they are encoded.
const e = encodeURIComponent;
export const paths = {
  book: (s) => `/stores/${e(s)}/client-book/customers`,
  bookRemove: (s) => `/stores/${e(s)}/client-book/customers/remove`,
  storeBook: (s) => `/stores/${e(s)}/store-client-book/customers`,
  reassign: (s) => `/stores/${e(s)}/store-client-book/reassign`,
  search: (s) => `/stores/${e(s)}/customers`,
  customer: (s, c) => `/stores/${e(s)}/customers/${e(c)}`,
  attributes: (s, c) => `/stores/${e(s)}/customers/${e(c)}/attributes`,
  activities: (s, c) => `/stores/${e(s)}/customers/${e(c)}/activities`,
  activityTypes: (s) => `/stores/${e(s)}/activity-types`,
  notes: (s, c) => `/stores/${e(s)}/customers/${e(c)}/notes`,
  note: (s, c, n) => `/stores/${e(s)}/customers/${e(c)}/notes/${e(n)}`,
  noteHistory: (s, c, n) => `/stores/${e(s)}/customers/${e(c)}/notes/${e(n)}/history`,
  myBook: (s) => `/stores/${e(s)}/client-book`,
  followups: (s) => `/stores/${e(s)}/followups`,
  followup: (s, f, action) => `/stores/${e(s)}/followups/${e(f)}/${action}`,
  storeFollowups: (s) => `/stores/${e(s)}/store-followups`,
  consent: (s, c) => `/stores/${e(s)}/customers/${e(c)}/consent`,
  templates: (s) => `/stores/${e(s)}/message-templates`,
  preview: (s, c, t) => `/stores/${e(s)}/customers/${e(c)}/message-templates/${e(t)}/preview`,
  messages: (s, c) => `/stores/${e(s)}/customers/${e(c)}/messages`,
};

// Who the caller is, as the API says it: the owner of the caller's own client book. A local demo
// session knows its staff id from the sign-in; an Entra ID session knows only the account's
// name, so the page asks (once) rather than guess, and shows "Edit" only on one's own notes.
export async function callerStaffId(app) {
  if (app.session.staff?.staffId) return app.session.staff.staffId;
  app.caller ??= app.api.get(paths.myBook(app.store)).then(
    ({ data }) => data?.clientBook?.ownerStaffId || null,
    () => null,
  );
  return app.caller;
}

// The store's activity types, read once per store and caller (app.js forgets them with the store):
// the customer page and the worklist's complete form both offer them.
export function activityTypes(app) {
  app.activityTypes ??= app.api.get(paths.activityTypes(app.store)).then(
    ({ data }) => data.activityTypes,
    (error) => {
      app.activityTypes = null; // a failed read is tried again next time
      throw error;
    },
  );
  return app.activityTypes;
}

// The Idempotency-Key of one submission: the same while that submission is resent (a retry after
// a lost answer is recorded once), a new one after any input in `element` and once the
// submission is recorded (renew).
export function submissionKey(element = null) {
  const key = {
    value: crypto.randomUUID(),
    renew: () => { key.value = crypto.randomUUID(); },
  };
  element?.addEventListener("input", key.renew);
  return key;
}
