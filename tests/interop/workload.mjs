// The DynamoBao side of the benchmark workload, on the models generated from models.yaml:
//   1. create BAO_USERS (default 200) users, each with a unique email;
//   2. create BAO_POSTS_PER_USER (default 5) posts for each user;
//   3. query each user's posts (user.queryPosts(), every page);
//   4. load the authors of all posts in one runWithBatchContext;
//   5. iterate all users (User.iterateAll()).
// Writes run BAO_CONCURRENCY (default 32) at a time. The table (BAO_TABLE, on BAO_ENDPOINT)
// must exist. Prints one JSON line:
//   {"cpu_ms", "wall_ms", "peak_rss_bytes", "requests": {"UpdateItem": n, ...},
//    "steps": {"create_users": {"GetItem": n, ...}, ...}, "items": {...}}
// where cpu_ms and wall_ms cover steps 1-5 (not Node's start-up), peak_rss_bytes is the
// process's peak resident set, requests counts the HTTP requests sent by DynamoDB operation,
// steps splits those counts by step (create_users, create_posts, query_posts, load_authors,
// iterate_users), and items counts what each step saw. Any step that sees the wrong number of
// items fails.

import { randomBytes } from "node:crypto";
import { dynamoBao, init, model, requests } from "./dynamo-bao.mjs";

function count(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, not ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Runs `task` on every item, at most `limit` at a time; results in order. */
async function pool(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function expect(what, found, wanted) {
  if (found !== wanted) {
    throw new Error(`${what}: found ${found}, expected ${wanted}`);
  }
}

const users = count("BAO_USERS", 200);
const postsPerUser = count("BAO_POSTS_PER_USER", 5);
const concurrency = Math.max(1, count("BAO_CONCURRENCY", 32));
const run = randomBytes(4).toString("hex");

init();
const User = model("User");
const Post = model("Post");

/** Requests by step: what each step added to `requests`. */
const steps = {};
let counted = {};
function endStep(name) {
  const sent = {};
  for (const [operation, total] of Object.entries(requests)) {
    const added = total - (counted[operation] ?? 0);
    if (added > 0) sent[operation] = added;
  }
  steps[name] = sent;
  counted = { ...requests };
}

const cpuStart = process.cpuUsage();
const wallStart = performance.now();

const created = await pool([...Array(users).keys()], concurrency, (i) =>
  User.create({ name: `User ${i}`, email: `user-${i}-${run}@example.com` }),
);
endStep("create_users");
const posts = await pool([...Array(users * postsPerUser).keys()], concurrency, (i) =>
  Post.create({
    userId: created[Math.floor(i / postsPerUser)].userId,
    title: `Post ${i}`,
    content: "Lorem ipsum dolor sit amet",
  }),
);
endStep("create_posts");

let queried = 0;
for (const user of created) {
  let startKey = null;
  let found = 0;
  do {
    const page = await user.queryPosts(null, startKey ? { startKey } : {});
    found += page.items.length;
    startKey = page.lastEvaluatedKey ?? null;
  } while (startKey);
  expect(`posts of ${user.userId}`, found, postsPerUser);
  queried += found;
}
endStep("query_posts");

const authors = await dynamoBao.runWithBatchContext(() =>
  Promise.all(posts.map((post) => post.getUser())),
);
expect("authors found", authors.filter((author) => author?.exists()).length, posts.length);
endStep("load_authors");

let iterated = 0;
for await (const batch of User.iterateAll()) {
  iterated += batch.length;
}
endStep("iterate_users");
if (iterated < users) {
  throw new Error(`User.iterateAll() saw ${iterated} users, fewer than the ${users} created`);
}

const cpu = process.cpuUsage(cpuStart);
const wallMs = performance.now() - wallStart;
const result = {
  cpu_ms: (cpu.user + cpu.system) / 1000,
  wall_ms: wallMs,
  peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
  requests,
  steps,
  items: {
    users: created.length,
    posts: posts.length,
    queried,
    authors: authors.length,
    iterated,
  },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
