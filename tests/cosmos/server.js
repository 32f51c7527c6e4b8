#!/usr/bin/env node
// The local Cosmos DB test server: @vercel/cosmosdb-server over TLS with our own certificate,
// plus four fixes that make it answer as Cosmos DB does (docs/cosmos.md, "Test server gaps"):
//   1. reading a missing item answers 404 NotFound (the library throws and answers 500);
//   2. `_etag` values are quoted strings, as Cosmos DB writes them (the library writes a bare
//      UUID), so ETags round-trip exactly as they do against a real account;
//   3. batch operations other than Create take the partition key from the request header, as
//      Cosmos DB does (the library expects it on each operation and answers 500);
//   4. an ORDER BY in the exact reverse of a composite index is served by that index, as on
//      Cosmos DB (the library only accepts the index's own directions).
// It also counts the requests it serves, per database, container and operation, so tests and
// the benchmark can state how many Cosmos requests a storage operation costs:
//   GET /__harness/requests          -> {"counts": {"<db>|<container>|<operation>": n}}
//   POST /__harness/requests/reset   -> 204
// and can answer the next requests of one operation with an error, to test how the adapter
// copes with throttling and outages the local server would never produce by itself:
//   POST /__harness/faults {"database": d, "operation": "batch", "status": 429, "times": 3}
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

const counts = new Map();
const faults = [];

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
  if (req.method === "POST" && req.url === "/__harness/requests/reset") {
    counts.clear();
    res.statusCode = 204;
    res.end();
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

function main() {
  const opts = options(process.argv.slice(2));
  const server = createHttpsServer({
    cert: fs.readFileSync(opts.cert),
    key: fs.readFileSync(opts.key),
    keepAlive: true
  });
  const [handle] = server.listeners("request");
  server.removeAllListeners("request");
  server.on("request", (req, res) => {
    if (harness(req, res)) return;
    const key = classify(req);
    counts.set(key, (counts.get(key) || 0) + 1);
    if (injectedFault(key, req, res)) return;
    missingItemAsNotFound(req, res);
    const context = { partitionKey: req.headers["x-ms-documentdb-partitionkey"] };
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
