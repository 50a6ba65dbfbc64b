// The back-office journey with @shopify/admin-api-client, unchanged, against a running server:
// create -> search `email:` -> update (with expectedVersion) -> tag -> activation URL -> invite
// mail -> data export -> erasure -> gone.
//   node tests/js/admin/journey.mjs --url http://127.0.0.1:PORT --token ADMIN_TOKEN --mail-dir DIR
// The library always builds an https URL from storeDomain; the server under test listens on plain
// http on loopback, so the customFetchApi hook (the library's documented way to supply fetch)
// turns https into http there and changes nothing else.
// Prints one line per step; on the first failure prints which step and why, and exits 1.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAdminApiClient } from '@shopify/admin-api-client';

const { values } = parseArgs({
  options: { url: { type: 'string' }, token: { type: 'string' }, 'mail-dir': { type: 'string' } },
  strict: true,
});
for (const required of ['url', 'token', 'mail-dir']) {
  if (!values[required]) {
    console.error(`journey failed: --${required} is required`);
    process.exit(1);
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const apiVersion = '2026-04';
const client = createAdminApiClient({
  storeDomain: values.url,
  apiVersion,
  accessToken: values.token,
  customFetchApi: (requestUrl, init) => {
    const target = new URL(requestUrl);
    assert.equal(target.protocol, 'https:', 'the library asks for https');
    assert.equal(target.pathname, `/admin/api/${apiVersion}/graphql.json`);
    assert.equal(new Headers(init.headers).get('X-Shopify-Access-Token'), values.token);
    if (LOOPBACK.has(target.hostname)) target.protocol = 'http:';
    return fetch(target, init);
  },
});

async function request(document, variables) {
  const response = await client.request(document, { variables });
  if (response.errors) {
    throw new Error(`errors: ${JSON.stringify(response.errors)}`);
  }
  return response.data;
}

const email = `ada-${Date.now()}@example.com`;
const steps = [];
let id;
let version;

async function step(name, run) {
  const started = performance.now();
  try {
    await run();
  } catch (error) {
    console.error(`journey failed: step "${name}": ${error?.stack ?? error}`);
    process.exit(1);
  }
  steps.push(name);
  console.log(`ok ${name} (${Math.round(performance.now() - started)} ms)`);
}

await step('create', async () => {
  const data = await request(
    `mutation Create($input: CustomerInput!) {
      customerCreate(input: $input) { customer { id state version } userErrors { field message } }
    }`,
    { input: { email, firstName: 'Ada', lastName: 'Lovelace' } },
  );
  assert.deepEqual(data.customerCreate.userErrors, []);
  assert.equal(data.customerCreate.customer.state, 'DISABLED');
  ({ id, version } = data.customerCreate.customer);
});

await step('search email:', async () => {
  const data = await request(
    `query Find($query: String!) {
      customers(first: 5, query: $query) { nodes { id displayName } }
      customersCount(query: $query) { count precision }
    }`,
    { query: `email:${email}` },
  );
  assert.deepEqual(data.customers.nodes, [{ id, displayName: 'Ada Lovelace' }]);
  assert.deepEqual(data.customersCount, { count: 1, precision: 'EXACT' });
});

await step('update with expectedVersion', async () => {
  const UPDATE = `mutation Update($input: CustomerInput!, $expectedVersion: UnsignedInt64) {
    customerUpdate(input: $input, expectedVersion: $expectedVersion) {
      customer { id note version } userErrors { field message code }
    }
  }`;
  const data = await request(UPDATE, { input: { id, note: 'VIP since 1843' }, expectedVersion: version });
  assert.deepEqual(data.customerUpdate.userErrors, []);
  assert.equal(data.customerUpdate.customer.note, 'VIP since 1843');
  const stale = await request(UPDATE, { input: { id, note: 'stale' }, expectedVersion: version });
  assert.equal(stale.customerUpdate.userErrors[0].code, 'CONCURRENT_MODIFICATION');
  version = data.customerUpdate.customer.version;
});

await step('tag', async () => {
  const data = await request(
    `mutation Tag($id: ID!, $tags: [String!]!) {
      tagsAdd(id: $id, tags: $tags) { node { ... on Customer { tags } } userErrors { field message } }
    }`,
    { id, tags: ['vip', 'early-adopter'] },
  );
  assert.deepEqual(data.tagsAdd.userErrors, []);
  assert.deepEqual(data.tagsAdd.node.tags, ['vip', 'early-adopter']);
  const found = await request(`query { customersCount(query: "tag:vip") { count } }`);
  assert.equal(found.customersCount.count, 1);
});

await step('activation URL', async () => {
  const data = await request(
    `mutation Url($id: ID!) {
      customerGenerateAccountActivationUrl(customerId: $id) { accountActivationUrl userErrors { field message } }
    }`,
    { id },
  );
  assert.deepEqual(data.customerGenerateAccountActivationUrl.userErrors, []);
  assert.match(data.customerGenerateAccountActivationUrl.accountActivationUrl, /\/account\/activate\/\d+\//);
});

await step('invite mail', async () => {
  const data = await request(
    `mutation Invite($id: ID!) {
      customerSendAccountInviteEmail(customerId: $id) { customer { state } userErrors { field message } }
    }`,
    { id },
  );
  assert.deepEqual(data.customerSendAccountInviteEmail.userErrors, []);
  assert.equal(data.customerSendAccountInviteEmail.customer.state, 'INVITED');
  // The outbox sends it within moments.
  for (let tries = 0; ; tries += 1) {
    let files = [];
    try {
      files = readdirSync(values['mail-dir']);
    } catch {}
    const sent = files
      .map((name) => readFileSync(join(values['mail-dir'], name), 'utf8'))
      .find((text) => text.includes(email) && text.includes('/account/activate/'));
    if (sent) break;
    assert.ok(tries < 100, 'the invitation was mailed');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});

await step('export', async () => {
  const data = await request(`query Export($id: ID!) { customerDataExport(customerId: $id) }`, { id });
  const exported = data.customerDataExport;
  assert.equal(exported.customer.email, email);
  assert.equal(exported.note, 'VIP since 1843');
  assert.deepEqual(exported.customer.tags, ['vip', 'early-adopter']);
});

await step('erase, then gone', async () => {
  const data = await request(
    `mutation Erase($id: ID!) {
      customerRequestDataErasure(customerId: $id) { customerId userErrors { field message } }
    }`,
    { id },
  );
  assert.deepEqual(data.customerRequestDataErasure.userErrors, []);
  const gone = await request(`query Read($id: ID!) { customer(id: $id) { id } }`, { id });
  assert.equal(gone.customer, null);
  const count = await request(`query Count($q: String!) { customersCount(query: $q) { count } }`, {
    q: `email:${email}`,
  });
  assert.equal(count.customersCount.count, 0);
});

console.log(`admin-api-client: ${steps.length} steps passed`);
