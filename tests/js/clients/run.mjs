// Runs the customer journey (journey.mjs) with one real client library against a running server.
//   node tests/js/clients/run.mjs --client storefront-api-client|hydrogen-react|apollo \
//     --url http://127.0.0.1:PORT --token PUBLIC_TOKEN --mail-dir DIR --multipass-secret SECRET
// Prints one line per step; on the first failure prints which step and why, and exits 1.
import { parseArgs } from 'node:util';
import { runJourney } from './journey.mjs';

const ADAPTERS = {
  'storefront-api-client': () => import('./storefront-api-client.mjs'),
  'hydrogen-react': () => import('./hydrogen-react.mjs'),
  apollo: () => import('./apollo.mjs'),
};

function fail(message) {
  console.error(`journey failed: ${message}`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    client: { type: 'string' },
    url: { type: 'string' },
    token: { type: 'string' },
    'mail-dir': { type: 'string' },
    'multipass-secret': { type: 'string' },
  },
  strict: true,
});
for (const required of ['client', 'url', 'token', 'mail-dir', 'multipass-secret']) {
  if (!values[required]) fail(`--${required} is required`);
}
const load = ADAPTERS[values.client];
if (!load) fail(`unknown --client ${values.client} (one of ${Object.keys(ADAPTERS).join(', ')})`);

const { createAdapter } = await load();
const adapter = createAdapter({ url: values.url.replace(/\/$/, ''), token: values.token });
const started = performance.now();
try {
  const steps = await runJourney(adapter, {
    client: values.client,
    mailDir: values['mail-dir'],
    multipassSecret: values['multipass-secret'],
  });
  if (adapter.finish) console.log(await adapter.finish());
  const ms = Math.round(performance.now() - started);
  console.log(`${values.client}: ${steps.length} steps passed in ${ms} ms`);
} catch (error) {
  const where = error?.step ? `[${values.client}] step "${error.step}": ` : `[${values.client}] `;
  fail(`${where}${error?.stack ?? error}`);
}
