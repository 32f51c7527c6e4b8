#!/usr/bin/env node
// The local Cosmos DB test server: @vercel/cosmosdb-server over TLS with our own certificate,
// plus fixes that make it answer as Cosmos DB does (docs/cosmos.md, "Test server gaps"):
//   1. reading a missing item answers 404 NotFound (the library throws and answers 500);
//   2. `_etag` values are quoted strings, as Cosmos DB writes them (the library writes a bare
//      UUID), so ETags round-trip exactly as they do against a real account;
//   3. batch operations other than Create take the partition key from the request header, as
//      Cosmos DB does (the library expects it on each operation and answers 500);
//   4. an ORDER BY in the exact reverse of a composite index is served by that index, as on
//      Cosmos DB (the library only accepts the index's own directions);
//   5. a query costs time linear in the container's size (the library's is quadratic).
// It also counts the requests it serves, per database, container and operation, so tests and
// the benchmark can state how many Cosmos requests a storage operation costs:
//   GET /__harness/requests          -> {"counts": {"<db>|<container>|<operation>": n}}
//   POST /__harness/requests/reset   -> 204
//   GET /__harness/linear-rewrites   -> {"rewrites": n} (fix 5 applied to n query parts)
// and can answer the next requests of one operation with an error, to test how the adapter
// copes with throttling and outages the local server would never produce by itself:
//   POST /__harness/faults {"database": d, "operation": "batch", "status": 429, "times": 3}
// It meters every request for the request-unit model (tests/capacity/ru_model.py): what a
// query loaded and returned, the index entries it walked, the bytes read and written. Each
// response carries them as x-harness-* headers, and the server keeps a log:
//   GET /__harness/metering?database=d -> {"requests": [{container, operation, ...}, ...]}
//   POST /__harness/metering/reset     -> 204
//   POST /__harness/metering {"queries": false}  -> 204 (bulk loads: skip the query analysis)
// The local server has no index, so "loaded" is what Cosmos DB's index would leave to load
// (see meterQuery). A stand-in for a real account's x-ms-request-charge, per operation:
//   POST /__harness/charges {"query": 2.5, "read": 1}   (unset operations answer 1, as before)
//
// Usage: node server.js --cert cert.pem --key key.pem [--host 127.0.0.1] [--port 0]
// Prints "READY <port>" on stdout once it listens.
"use strict";

const fs = require("fs");
const path = require("path");
const { AsyncLocalStorage } = require("async_hooks");
const { createHttpsServer } = require("@vercel/cosmosdb-server");
const Items = require("@vercel/cosmosdb-server/lib/account/items").default;
const documentOperations = require("@vercel/cosmosdb-server/lib/handler/_document-operations");
// The query engine the server uses, resolved from the server's own dependencies.
const queryHelpers = require(
  require.resolve("@zeit/cosmosdb-query/lib/helpers", {
    paths: [path.dirname(require.resolve("@vercel/cosmosdb-server/package.json"))]
  })
);

const requestContext = new AsyncLocalStorage();

function options(argv) {
  const found = { host: "127.0.0.1", port: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    found[argv[i].replace(/^--/, "")] = argv[i + 1];
  }
  if (!found.cert || !found.key) {
    throw new Error("usage: server.js --cert cert.pem --key key.pem [--host h] [--port p]");
  }
  return found;
}

// Fix 2: quote every new `_etag`, as Cosmos DB does. create/replace return the stored object.
for (const name of ["create", "replace"]) {
  const original = Items.prototype[name];
  Items.prototype[name] = function quotedEtag(...args) {
    const stored = original.apply(this, args);
    if (stored && typeof stored._etag === "string" && !stored._etag.startsWith('"')) {
      stored._etag = `"${stored._etag}"`;
    }
    return stored;
  };
}

// Fix 3: batch operations without their own partition key use the request's header.
for (const name of ["upsertOperation", "replaceOperation", "readOperation", "deleteOperation"]) {
  const original = documentOperations[name];
  documentOperations[name] = (collection, input) => {
    const context = requestContext.getStore();
    if (input && input.partitionKey === undefined && context && context.partitionKey) {
      return original(collection, { ...input, partitionKey: context.partitionKey });
    }
    return original(collection, input);
  };
}

// Fix 4: offer every composite index in both its directions (a, b DESC also serves a DESC, b).
const sortWithCompositeIndexes = queryHelpers.sort;
// A path without an order is ascending, as on Cosmos DB.
const withOrder = (index, flip) =>
  index.map(p => {
    const descending = (p.order === "descending") !== flip;
    return { ...p, order: descending ? "descending" : "ascending" };
  });
queryHelpers.sort = (collection, getRid, compositeIndexes, ...orders) => {
  const both = compositeIndexes
    ? compositeIndexes.flatMap(index => [withOrder(index, false), withOrder(index, true)])
    : compositeIndexes;
  return sortWithCompositeIndexes(collection, getRid, both, ...orders);
};

// Fix 5: the query engine builds the rows of FROM (and of each JOIN) with
// `reduce(($, c) => [...$, { c }], [])`, which copies the whole accumulator for every item:
// quadratic in the container's size. A container of tens of thousands of items (the search
// container: tens of key items per customer) then takes minutes per query, where Cosmos DB
// answers from its index. Rewrite each such reduce into the linear
// `flatMap(c => [{ c }])` (and `cond ? [...$, x] : $` into `cond ? [x] : []`).
const transformer = require(
  require.resolve("@zeit/cosmosdb-query/lib/transformer", {
    paths: [path.dirname(require.resolve("@vercel/cosmosdb-server/package.json"))]
  })
);
const isAccumulator = (node, name) => node && node.type === "Identifier" && node.name === name;
const mentions = (node, name) => {
  if (!node || typeof node !== "object") return false;
  if (isAccumulator(node, name)) return true;
  return Object.entries(node).some(([k, v]) => k !== "loc" && v && typeof v === "object" && mentions(v, name));
};
// `[...$, a, b]` -> `[a, b]`, or null when the array does not start by spreading `$`.
function withoutAccumulator(node, name) {
  if (!node || node.type !== "ArrayExpression" || !node.elements.length) return null;
  const [first, ...rest] = node.elements;
  if (!first || first.type !== "SpreadElement" || !isAccumulator(first.argument, name)) return null;
  if (rest.some(e => mentions(e, name))) return null;
  return { ...node, elements: rest };
}
function linearBody(body, name) {
  const direct = withoutAccumulator(body, name);
  if (direct) return direct;
  if (body && body.type === "ConditionalExpression" && isAccumulator(body.alternate, name) &&
      !mentions(body.test, name)) {
    const consequent = withoutAccumulator(body.consequent, name);
    if (consequent) return { ...body, consequent, alternate: { type: "ArrayExpression", elements: [] } };
  }
  return null;
}
// How many quadratic reduces were rewritten (GET /__harness/linear-rewrites): a test checks
// the rewrite still matches the library's generated code, without timing anything.
let linearRewrites = 0;
function linearReduces(node) {
  if (!node || typeof node !== "object") return node;
  if (Array.isArray(node)) return node.map(linearReduces);
  const out = {};
  for (const [k, v] of Object.entries(node)) out[k] = v && typeof v === "object" ? linearReduces(v) : v;
  const callee = out.callee;
  const [fn, initial] = out.arguments || [];
  if (out.type === "CallExpression" && callee && callee.type === "MemberExpression" &&
      callee.property && callee.property.name === "reduce" && out.arguments.length === 2 &&
      initial.type === "ArrayExpression" && initial.elements.length === 0 &&
      fn.type === "ArrowFunctionExpression" && fn.params.length === 2 &&
      fn.params[0].type === "Identifier") {
    const body = linearBody(fn.body, fn.params[0].name);
    if (body) {
      linearRewrites += 1;
      return {
        ...out,
        callee: { ...callee, property: { type: "Identifier", name: "flatMap" } },
        arguments: [{ ...fn, params: [fn.params[1]], body }]
      };
    }
  }
  return out;
}
const quadraticTransform = transformer.default;
transformer.default = sqlAst => linearReduces(quadraticTransform(sqlAst));

// Metering of queries. Cosmos DB serves equality, IN and range filters from its index (an
// index seek: only matching documents are loaded), but CONTAINS walks every term of the path
// (a full index scan). With TOP and an ORDER BY served by a composite index, the engine walks
// the index in order, loads the documents the seekable filters leave and stops once the page
// is full: a rare CONTAINS word makes it load the whole seekable range. Without TOP it loads
// every document that matches. A COUNT over seekable filters is answered by the index alone.
// https://learn.microsoft.com/training/modules/choose-indexes-azure-cosmos-db-sql-api/2-index-usage
function conjuncts(condition) {
  if (!condition) return [];
  if (condition.type === "scalar_binary_expression" && condition.operator === "AND") {
    return [...conjuncts(condition.left), ...conjuncts(condition.right)];
  }
  return [condition];
}

// Does an expression need a full index scan (CONTAINS, ENDSWITH and the like)?
const SCANNING = new Set(["CONTAINS", "ENDSWITH", "REGEXMATCH", "STRINGEQUALS"]);
function scanPaths(node, found = []) {
  if (!node || typeof node !== "object") return found;
  if (node.type === "scalar_function_expression" && SCANNING.has(String(node.name.name).toUpperCase())) {
    found.push(JSON.stringify(node.arguments[0]));
  }
  for (const value of Object.values(node)) {
    if (value && typeof value === "object") scanPaths(value, found);
  }
  return found;
}

function andOf(parts) {
  return parts.reduce((left, right) =>
    left ? { type: "scalar_binary_expression", left, operator: "AND", right } : right, null);
}

// The rids of `docs` matching `condition`, in the query's ORDER BY order.
function ridsMatching(template, condition, orderBy, docs, options) {
  const ast = JSON.parse(JSON.stringify(template.ast));
  ast.body.where = condition ? { type: "filter_condition", condition } : null;
  ast.body.orderBy = orderBy || null;
  const query = Object.create(Object.getPrototypeOf(template));
  query._query = "";
  query._code = null;
  query.ast = ast;
  return query.exec(docs, { ...options, maxItemCount: null, continuation: null }).result;
}

function isAggregate(select) {
  const value = select && select.value;
  return Boolean(value && value.type === "scalar_function_expression" &&
    ["COUNT", "SUM", "MIN", "MAX", "AVG"].includes(String(value.name.name).toUpperCase()));
}

function meterQuery(items, params, options, result) {
  const context = requestContext.getStore();
  if (!context || !context.meter || !meterQueries) return;
  const meter = context.meter;
  const keyPath = items._getPartitionKeyPath();
  const all = [...items._data.values()].map(item => item.read());
  let scope = all;
  if (context.partitionKey) {
    const wanted = JSON.stringify(JSON.parse(context.partitionKey)[0]);
    scope = all.filter(d => JSON.stringify(keyPath.reduce((o, k) => (o || {})[k], d)) === wanted);
  } else {
    meter.crossPartition = 1;
  }
  const template = items._getQuery("SELECT VALUE c._rid FROM c");
  const parsed = items._getQuery(params.query).ast.body;
  const parts = conjuncts(parsed.where && parsed.where.condition);
  const seekable = parts.filter(p => scanPaths(p).length === 0);
  const scanned = [...new Set(parts.flatMap(p => scanPaths(p)))];
  const execOptions = { parameters: params.parameters, compositeIndexes: options.compositeIndexes };
  const orderBy = parsed.orderBy;
  const seek = ridsMatching(template, andOf(seekable), orderBy, scope, execOptions);
  const returned = result && result.result ? result.result.length : 0;
  const first = !options.continuation;
  let loaded;
  let terms = 0;
  if (isAggregate(parsed.select) && scanned.length === 0) {
    loaded = [];
    terms = first ? seek.length : 0;
  } else if (parsed.top && orderBy) {
    const full = new Set(ridsMatching(template, andOf(parts), orderBy, scope, execOptions));
    const wantedCount = parsed.top.value.value;
    let found = 0;
    let index = 0;
    for (; index < seek.length && found < wantedCount; index += 1) {
      if (full.has(seek[index])) found += 1;
    }
    loaded = first ? seek.slice(0, index) : [];
  } else {
    const full = ridsMatching(template, andOf(parts), null, scope, execOptions);
    if (first && scanned.length) {
      // every distinct term of each scanned path, in the scope
      for (const pathJson of scanned) {
        const member = JSON.parse(pathJson);
        const names = [];
        for (let node = member; node && node.type === "scalar_member_expression"; node = node.object) {
          names.unshift(node.property.name);
        }
        terms += new Set(scope.map(d => JSON.stringify(names.reduce((o, k) => (o || {})[k], d)))).size;
      }
    }
    // Pages of a query without TOP share its loads in proportion to what they return.
    const share = full.length ? returned / full.length : 1;
    loaded = isAggregate(parsed.select) ? full : full.slice(0, Math.round(share * full.length));
  }
  const byRid = new Map(scope.map(d => [d._rid, d]));
  meter.scanned += loaded.length;
  meter.bytesRead += loaded.reduce((sum, rid) => sum + JSON.stringify(byRid.get(rid)).length, 0);
  meter.indexTerms += terms;
  meter.returned += returned;
}

const unmeteredQuery = Items.prototype.query;
Items.prototype.query = function metered(params, options) {
  const result = unmeteredQuery.call(this, params, options);
  try {
    meterQuery(this, params, options || {}, result);
  } catch (error) {
    const context = requestContext.getStore();
    if (context && context.meter) context.meter.error = String(error.message || error);
  }
  return result;
};

const counts = new Map();
const faults = [];
const metering = [];
const MAX_METERED = 500000;
const charges = new Map();
let meterQueries = true;

function classify(req) {
  const path = req.url.split("?")[0].replace(/^\/+/, "/").replace(/\/+$/, "");
  const parts = path.split("/").filter(Boolean);
  const database = parts[1] || "";
  const container = parts[3] || "";
  const header = name => String(req.headers[name] || "").toLowerCase() === "true";
  let operation;
  if (parts.length <= 1) operation = `${req.method} account`;
  else if (parts[4] === "docs" && parts.length === 6) {
    operation = { GET: "read", PUT: "replace", PATCH: "patch", DELETE: "delete" }[req.method];
  } else if (parts[4] === "docs" && req.method === "POST") {
    if (header("x-ms-documentdb-isquery") || req.headers["content-type"] === "application/query+json") {
      operation = "query";
    } else if (header("x-ms-cosmos-is-batch-request")) operation = "batch";
    else if (header("x-ms-documentdb-is-upsert")) operation = "upsert";
    else operation = "create";
  } else if (parts[4] === "pkranges") operation = "partition key ranges";
  if (!operation) operation = `${req.method} ${parts.filter((_, i) => i % 2 === 0).join("/")}`;
  return `${database}|${container}|${operation}`;
}

function harness(req, res) {
  if (req.method === "GET" && req.url === "/__harness/requests") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ counts: Object.fromEntries(counts) }));
    return true;
  }
  if (req.method === "GET" && req.url === "/__harness/linear-rewrites") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ rewrites: linearRewrites }));
    return true;
  }
  if (req.method === "POST" && req.url === "/__harness/requests/reset") {
    counts.clear();
    res.statusCode = 204;
    res.end();
    return true;
  }
  if (req.method === "GET" && req.url.startsWith("/__harness/metering")) {
    const database = new URL(req.url, "https://x").searchParams.get("database");
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ requests: metering.filter(m => !database || m.database === database) }));
    return true;
  }
  if (req.method === "POST" && req.url === "/__harness/metering/reset") {
    metering.length = 0;
    res.statusCode = 204;
    res.end();
    return true;
  }
  if (req.method === "POST" && req.url === "/__harness/metering") {
    let text = "";
    req.on("data", chunk => {
      text += chunk;
    });
    req.on("end", () => {
      meterQueries = JSON.parse(text).queries !== false;
      res.statusCode = 204;
      res.end();
    });
    return true;
  }
  if (req.method === "POST" && req.url === "/__harness/charges") {
    let text = "";
    req.on("data", chunk => {
      text += chunk;
    });
    req.on("end", () => {
      charges.clear();
      for (const [operation, value] of Object.entries(JSON.parse(text))) charges.set(operation, value);
      res.statusCode = 204;
      res.end();
    });
    return true;
  }
  if (req.method === "POST" && req.url === "/__harness/faults") {
    let text = "";
    req.on("data", chunk => {
      text += chunk;
    });
    req.on("end", () => {
      faults.push(JSON.parse(text));
      res.statusCode = 204;
      res.end();
    });
    return true;
  }
  return false;
}

// Answer with an injected error if one is waiting for this database and operation.
function injectedFault(key, req, res) {
  const [database, , operation] = key.split("|");
  const fault = faults.find(f => f.database === database && f.operation === operation);
  if (!fault) return false;
  fault.times -= 1;
  if (fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
  req.resume(); // drain the body so the kept-alive connection stays usable
  req.on("end", () => {
    res.statusCode = fault.status;
    res.setHeader("content-type", "application/json");
    res.setHeader("x-ms-retry-after-ms", "1");
    res.setHeader("x-ms-activity-id", "00000000-0000-0000-0000-000000000000");
    res.setHeader("connection", "keep-alive");
    res.end(JSON.stringify({ code: `Injected${fault.status}`, message: "injected by the test" }));
  });
  return true;
}

// Fix 1: a read of a missing item makes the library throw (500); Cosmos DB answers 404.
function missingItemAsNotFound(req, res) {
  if (req.method !== "GET" || !/\/docs\/[^/]+\/?$/.test(req.url.split("?")[0])) return;
  const end = res.end.bind(res);
  res.end = (body, ...rest) => {
    if (res.statusCode === 500 && /Cannot read properties of undefined/.test(String(body))) {
      res.statusCode = 404;
      return end(
        JSON.stringify({
          code: "NotFound",
          message: "Entity with the specified id does not exist in the system."
        }),
        ...rest
      );
    }
    return end(body, ...rest);
  };
}

const WRITES = new Set(["create", "upsert", "replace", "patch", "delete"]);

// Record what one request read and wrote; the headers go out with the response.
function startMeter(key, req, res) {
  const [database, container, operation] = key.split("|");
  const meter = {
    database, container, operation, status: 0, partitionKey: null, crossPartition: 0,
    scanned: 0, returned: 0, indexTerms: 0, bytesRead: 0, bytesReturned: 0, bytesWritten: 0,
    writeOps: 0
  };
  const header = req.headers["x-ms-documentdb-partitionkey"];
  if (header) {
    try {
      meter.partitionKey = String(JSON.parse(header)[0]);
    } catch (error) {
      meter.partitionKey = String(header);
    }
  }
  const end = res.end.bind(res);
  res.end = (body, ...rest) => {
    const text = body === undefined || body === null ? "" : String(body);
    meter.status = res.statusCode;
    const ok = res.statusCode < 300;
    if (operation === "read" && ok) {
      meter.scanned = 1;
      meter.returned = 1;
      meter.bytesRead = Buffer.byteLength(text);
    } else if (WRITES.has(operation) && ok) {
      meter.writeOps = 1;
      meter.bytesWritten = operation === "delete" ? 0 : Buffer.byteLength(text);
    } else if (operation === "query" && ok) {
      meter.bytesReturned = Buffer.byteLength(text);
    } else if (operation === "batch" && ok) {
      try {
        for (const result of JSON.parse(text)) {
          meter.writeOps += 1;
          if (result.resourceBody) meter.bytesWritten += JSON.stringify(result.resourceBody).length;
        }
      } catch (error) {
        meter.error = "unreadable batch response";
      }
    }
    if (!res.headersSent) {
      res.setHeader("x-harness-scanned", String(meter.scanned));
      res.setHeader("x-harness-returned", String(meter.returned));
      res.setHeader("x-harness-index-terms", String(meter.indexTerms));
      res.setHeader("x-harness-bytes-read", String(meter.bytesRead));
      res.setHeader("x-harness-bytes-returned", String(meter.bytesReturned));
      res.setHeader("x-harness-bytes-written", String(meter.bytesWritten));
      if (charges.has(operation)) res.setHeader("x-ms-request-charge", String(charges.get(operation)));
    }
    if (metering.length >= MAX_METERED) metering.shift();
    metering.push(meter);
    return end(body, ...rest);
  };
  return meter;
}

function main() {
  const opts = options(process.argv.slice(2));
  const server = createHttpsServer({
    cert: fs.readFileSync(opts.cert),
    key: fs.readFileSync(opts.key),
    keepAlive: true
  });
  // Node closes a keep-alive connection after 5 s idle; a client sending its next request on
  // that connection at the same moment gets "Remote end closed connection without response",
  // which the SDK cannot retry for a write. On a loaded machine a test pauses that long between
  // requests, so idle connections stay open as long as a test runs.
  server.keepAliveTimeout = 10 * 60 * 1000;
  server.headersTimeout = server.keepAliveTimeout + 1000;
  const [handle] = server.listeners("request");
  server.removeAllListeners("request");
  server.on("request", (req, res) => {
    if (harness(req, res)) return;
    const key = classify(req);
    counts.set(key, (counts.get(key) || 0) + 1);
    if (injectedFault(key, req, res)) return;
    missingItemAsNotFound(req, res);
    const context = { partitionKey: req.headers["x-ms-documentdb-partitionkey"] };
    context.meter = startMeter(key, req, res);
    requestContext.run(context, () => handle(req, res));
  });
  // The library logs the error behind every 500 it answers; the missing-item case is expected.
  const logError = console.error;
  console.error = (...args) => {
    if (args[0] instanceof TypeError && /Cannot read properties of undefined/.test(args[0].message)) {
      return;
    }
    logError(...args);
  };
  server.listen(Number(opts.port), opts.host, () => {
    process.stdout.write(`READY ${server.address().port}\n`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections(); // keep-alive connections would hold the close open
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main();
