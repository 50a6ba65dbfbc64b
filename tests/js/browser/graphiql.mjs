// Opens GraphiQL in headless Chromium, runs a customerCreate from the page, reads the result
// off the page and saves a screenshot. Usage:
//   node graphiql.mjs --url http://127.0.0.1:PORT --email EMAIL --screenshot PATH
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const signUp = `mutation SignUpFromGraphiQL {
  customerCreate(input: {email: "${args.email}", password: "correct-horse-battery", firstName: "Grace"}) {
    customer { id email displayName }
    customerUserErrors { field code message }
  }
}`;

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  const failures = [];
  page.on('requestfailed', (request) => failures.push(request.url()));
  await page.goto(`${args.url}/graphql#query=${encodeURIComponent(signUp)}`, { waitUntil: 'load' });
  await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
  await page.click('.graphiql-execute-button');
  // The result pane is a read-only editor: wait until it shows the new customer.
  await page.waitForFunction(
    () => document.querySelector('.result-window')?.textContent?.includes('gid://shopify/Customer/'),
    null,
    { timeout: 20_000 },
  );
  const result = await page.$eval('.result-window', (element) => element.textContent);
  assert.match(result, /"email": "[^"]+"/);
  assert.ok(result.includes(args.email), `the page shows the created customer: ${result}`);
  assert.ok(result.includes('"customerUserErrors": []'), result);
  assert.deepEqual(failures, [], 'every asset loaded from the server');
  await page.screenshot({ path: args.screenshot, fullPage: false });
  console.log(`ok: GraphiQL created ${args.email}; screenshot ${args.screenshot}`);
} finally {
  await browser.close();
}
