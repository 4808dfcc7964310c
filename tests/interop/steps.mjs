// Runs DynamoBao model calls read as JSON on stdin and prints their results as JSON on stdout,
// so a Rust test can check what DynamoBao makes of the items bao wrote, and the reverse.
//
// Input:  {"tenant": null | "id", "steps": [step, ...]}
// Output: {"results": [{"ok": value} | {"error": {"name", "message"}}, ...], "requests": {...}}
//
// Steps (model names and field names as in models.yaml; values as `toJson` prints them):
//   {"op": "create",  "model": "User", "data": {...}}          Model.create(data)
//   {"op": "update",  "model": "Post", "id": "...", "data": {...}}  Model.update(id, data)
//   {"op": "delete",  "model": "User", "id": "..."}            Model.delete(id)
//   {"op": "find",    "model": "User", "id": "..."}            Model.find(id)
//   {"op": "static",  "model": "User", "method": "findByEmail", "args": [...]}
//   {"op": "method",  "model": "User", "id": "...", "method": "queryPosts", "args": [...]}
//   {"op": "iterateAll", "model": "User"}                      every batch of Model.iterateAll()

import { fromJson, init, model, requests, toJson } from "./dynamo-bao.mjs";

/** A method's result as JSON: a query page, a list, or one instance. */
function resultJson(result) {
  if (Array.isArray(result)) return result.map(toJson);
  if (result && Array.isArray(result.items)) return { items: result.items.map(toJson) };
  return toJson(result);
}

async function run(step) {
  const Model = model(step.model);
  switch (step.op) {
    case "create":
      return toJson(await Model.create(fromJson(Model, step.data)));
    case "update":
      return toJson(await Model.update(step.id, fromJson(Model, step.data)));
    case "delete":
      return toJson(await Model.delete(step.id));
    case "find":
      return toJson(await Model.find(step.id));
    case "static":
      return resultJson(await Model[step.method](...(step.args ?? [])));
    case "method": {
      const instance = await Model.find(step.id);
      if (!instance.exists()) {
        throw new Error(`${step.model} ${step.id} not found for ${step.method}`);
      }
      return resultJson(await instance[step.method](...(step.args ?? [])));
    }
    case "iterateAll": {
      const items = [];
      for await (const batch of Model.iterateAll()) {
        items.push(...batch.map(toJson));
      }
      return items;
    }
    default:
      throw new Error(`unknown op ${JSON.stringify(step.op)}`);
  }
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));

init(input.tenant ?? null);
const results = [];
for (const step of input.steps) {
  try {
    results.push({ ok: await run(step) });
  } catch (error) {
    results.push({ error: { name: error.name, message: error.message } });
  }
}
process.stdout.write(`${JSON.stringify({ results, requests })}\n`);
