// Shared setup of the DynamoBao scripts: sends DynamoBao's DynamoDB calls to a local endpoint,
// counts them by operation, loads the models DynamoBao's own codegen generated, and turns model
// instances into plain JSON (the form the Rust side compares).
//
// Environment: BAO_ENDPOINT (for example http://127.0.0.1:8000), BAO_TABLE, BAO_INTEROP_MODELS
// (the folder of generated models, inside the folder where dynamo-bao is installed), and the
// usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION read by DynamoBao's client.

import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

// stdout carries the JSON answer only; DynamoBao's own logging goes to stderr.
console.log = console.error;
console.info = console.error;
console.debug = console.error;

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
}

const endpoint = new URL(required("BAO_ENDPOINT"));
const table = required("BAO_TABLE");
const modelsDir = required("BAO_INTEROP_MODELS");

/** Requests sent to DynamoDB, by operation (the X-Amz-Target suffix). */
export const requests = {};

// DynamoBao 0.4.2 has no endpoint option: its client signs with aws4fetch and calls
// `fetch("https://dynamodb.<region>.amazonaws.com", ...)`. Calls to that host go to BAO_ENDPOINT.
const AWS_DYNAMODB = /^dynamodb\.[a-z0-9-]+\.amazonaws\.com$/;
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const request = new Request(input, init);
  const url = new URL(request.url);
  if (!AWS_DYNAMODB.test(url.hostname)) {
    throw new Error(`unexpected request to ${url.href}: only DynamoDB calls are redirected`);
  }
  const target = request.headers.get("x-amz-target") ?? "unknown";
  const operation = target.slice(target.lastIndexOf(".") + 1);
  requests[operation] = (requests[operation] ?? 0) + 1;
  const headers = new Headers(request.headers);
  headers.delete("host");
  return realFetch(new URL(url.pathname + url.search, endpoint), {
    method: request.method,
    headers,
    body: await request.arrayBuffer(),
  });
};

const require = createRequire(join(modelsDir, "index.js"));

/** The `dynamo-bao` package the generated models import. */
export const dynamoBao = require("dynamo-bao");

/** The generated model classes, by model name (one file per model). */
export const models = {};
for (const file of readdirSync(modelsDir).filter((name) => name.endsWith(".js")).sort()) {
  Object.assign(models, await import(pathToFileURL(join(modelsDir, file)).href));
}

/**
 * Registers the models on the table, optionally under a tenant (DynamoBao keeps one model
 * manager per tenant).
 */
export function init(tenant = null) {
  if (tenant) {
    dynamoBao.TenantContext.setCurrentTenant(tenant);
  }
  return dynamoBao.initModels({
    db: { tableName: table },
    logging: { level: "ERROR" },
    models,
    ...(tenant ? { tenantId: tenant } : {}),
  });
}

/** A model class by name, or an error naming the models there are. */
export function model(name) {
  const found = models[name];
  if (!found) {
    throw new Error(`no model ${name}; DynamoBao generated ${Object.keys(models).join(", ")}`);
  }
  return found;
}

/** One field value as plain JSON: dates as epoch ms, binary as an array of bytes, sets sorted. */
function plain(value) {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.getTime();
  if (value instanceof Uint8Array) return [...value];
  if (value instanceof Set) return [...value].sort();
  return value;
}

/** Every field of a model instance, by its models.yaml name; `null` when not found. */
export function toJson(instance) {
  if (!instance || (typeof instance.exists === "function" && !instance.exists())) {
    return null;
  }
  const fields = {};
  for (const name of Object.keys(instance.constructor.fields)) {
    fields[name] = plain(instance[name]);
  }
  return fields;
}

/** Field values from JSON for a model: arrays of bytes become Buffers for BinaryFields. */
export function fromJson(Model, data) {
  const values = {};
  for (const [name, value] of Object.entries(data)) {
    const field = Model.fields[name];
    const binary = field instanceof dynamoBao.fields.BinaryFieldClass;
    values[name] = binary && Array.isArray(value) ? Buffer.from(value) : value;
  }
  return values;
}
