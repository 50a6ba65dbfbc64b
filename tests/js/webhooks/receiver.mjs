// Webhook receiver that checks every delivery with two real libraries:
// @shopify/shopify-api (`shopify.webhooks.validate`, the X-Shopify-* HMAC) and
// standardwebhooks (`new Webhook(secret).verify`, the webhook-* signature).
//
// Run: node tests/js/webhooks/receiver.mjs
//
// Protocol (HTTP on 127.0.0.1, a free port):
//   stdout, first line:   listening <port>
//   PUT  /secrets/<name>  raw text body = the secret for <name> (replaces) -> 204
//   POST /hooks/<name>    raw body checked with the secret of <name>
//                         -> 200 when both libraries accept it, else 401;
//                         prints one JSON line per delivery to stdout:
//     {"name","topic","webhookId","eventId","standardId","shopify","standard",
//      "tamperedShopify","tamperedStandard","signatures"[,"error"]}
//     topic/webhookId/eventId are X-Shopify-Topic/-Webhook-Id/-Event-Id,
//     standardId is webhook-id (null when absent); tampered* are the same checks
//     on the body with one byte changed (both must be false); signatures is the
//     number of space-separated entries in webhook-signature; error says why a
//     check on the real body failed.
//   anything else         -> 404
// Exits on SIGTERM/SIGINT or when stdin closes.

import '@shopify/shopify-api/adapters/node';
import { shopifyApi, ApiVersion, LogSeverity } from '@shopify/shopify-api';
import { Webhook } from 'standardwebhooks';
import http from 'node:http';

// The newest released Admin API version the library knows (not "unstable").
const API_VERSION = Object.values(ApiVersion)
  .filter((v) => /^\d{4}-\d{2}$/.test(v))
  .sort()
  .at(-1);

/** name -> { secret, shopify?: api | Error, standard?: Webhook | Error } */
const secrets = new Map();

function shopifyFor(entry) {
  if (entry.shopify === undefined) {
    try {
      entry.shopify = shopifyApi({
        apiKey: 'test',
        apiSecretKey: entry.secret,
        scopes: [],
        hostName: 'localhost',
        isEmbeddedApp: false,
        apiVersion: API_VERSION,
        // Keep stdout for the protocol; errors (if any) go to stderr.
        logger: {
          level: LogSeverity.Error,
          log: (_severity, message) => process.stderr.write(`shopify-api: ${message}\n`),
        },
      });
    } catch (err) {
      entry.shopify = err instanceof Error ? err : new Error(String(err));
    }
  }
  if (entry.shopify instanceof Error) throw entry.shopify;
  return entry.shopify;
}

function standardFor(entry) {
  if (entry.standard === undefined) {
    try {
      entry.standard = new Webhook(entry.secret);
    } catch (err) {
      entry.standard = err instanceof Error ? err : new Error(String(err));
    }
  }
  if (entry.standard instanceof Error) throw entry.standard;
  return entry.standard;
}

function message(err) {
  return err instanceof Error ? err.message : String(err);
}

/** Returns { valid, error? } for the Shopify HMAC check. */
async function checkShopify(entry, bodyString, req, res) {
  try {
    const api = shopifyFor(entry);
    // validate() only reads the request (headers) and never writes to res.
    const result = await api.webhooks.validate({
      rawBody: bodyString,
      rawRequest: req,
      rawResponse: res,
    });
    if (result.valid === true) return { valid: true };
    const why = [result.reason, ...(result.missingHeaders ?? [])].filter(Boolean).join(' ');
    return { valid: false, error: why || 'invalid' };
  } catch (err) {
    return { valid: false, error: message(err) };
  }
}

/** Returns { valid, error? } for the Standard Webhooks check. */
function checkStandard(entry, bodyString, headers) {
  try {
    standardFor(entry).verify(bodyString, headers);
    return { valid: true };
  } catch (err) {
    return { valid: false, error: message(err) };
  }
}

/** The body with exactly one byte changed: the first digit, else the last byte that is not `}`. */
function tamper(body) {
  const out = Buffer.from(body);
  if (out.length === 0) return Buffer.from('0');
  const digit = out.findIndex((b) => b >= 0x30 && b <= 0x39);
  if (digit !== -1) {
    out[digit] = 0x30 + ((out[digit] - 0x30 + 1) % 10);
    return out;
  }
  let i = out.length - 1;
  while (i > 0 && out[i] === 0x7d /* } */) i -= 1;
  out[i] ^= 0x01;
  return out;
}

function header(req, name) {
  const v = req.headers[name];
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(', ') : v;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res, status) {
  if (res.writableEnded) return;
  if (!res.headersSent) {
    res.statusCode = status;
    res.setHeader('content-length', '0');
  }
  res.end();
}

async function handleHook(name, req, res) {
  const line = {
    name,
    topic: header(req, 'x-shopify-topic'),
    webhookId: header(req, 'x-shopify-webhook-id'),
    eventId: header(req, 'x-shopify-event-id'),
    standardId: header(req, 'webhook-id'),
    shopify: false,
    standard: false,
    tamperedShopify: false,
    tamperedStandard: false,
    signatures: (header(req, 'webhook-signature') ?? '').split(' ').filter(Boolean).length,
  };
  try {
    const body = await readBody(req);
    const entry = secrets.get(name);
    if (!entry) {
      line.error = `no secret stored for ${JSON.stringify(name)}`;
    } else {
      const bodyString = body.toString('utf8');
      const tampered = tamper(body).toString('utf8');
      const shopify = await checkShopify(entry, bodyString, req, res);
      const standard = checkStandard(entry, bodyString, req.headers);
      line.shopify = shopify.valid;
      line.standard = standard.valid;
      line.tamperedShopify = (await checkShopify(entry, tampered, req, res)).valid;
      line.tamperedStandard = checkStandard(entry, tampered, req.headers).valid;
      const errors = [];
      if (!shopify.valid) errors.push(`shopify: ${shopify.error}`);
      if (!standard.valid) errors.push(`standard: ${standard.error}`);
      if (errors.length) line.error = errors.join('; ');
    }
  } catch (err) {
    line.shopify = line.standard = line.tamperedShopify = line.tamperedStandard = false;
    line.error = message(err);
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
  reply(res, line.shopify && line.standard ? 200 : 401);
}

async function handle(req, res) {
  let path;
  try {
    path = new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    path = '';
  }
  const m = /^\/(secrets|hooks)\/([^/]+)$/.exec(path);
  let name = null;
  if (m) {
    try {
      name = decodeURIComponent(m[2]);
    } catch {
      name = null;
    }
  }
  if (m && name && m[1] === 'secrets' && req.method === 'PUT') {
    const secret = (await readBody(req)).toString('utf8');
    secrets.set(name, { secret });
    reply(res, 204);
  } else if (m && name && m[1] === 'hooks' && req.method === 'POST') {
    await handleHook(name, req, res);
  } else {
    req.resume();
    reply(res, 404);
  }
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    process.stderr.write(`receiver: ${message(err)}\n`);
    try {
      reply(res, 500);
    } catch {
      // the connection is gone; nothing left to answer
    }
  });
});
server.on('clientError', (_err, socket) => {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  else socket.destroy();
});

function shutdown() {
  server.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.stdin.on('error', shutdown);
process.stdin.resume();

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
