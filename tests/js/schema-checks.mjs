// Compatibility checks of the served schema (schema.graphql) against what real clients send and
// what Shopify declares. Run: npm --prefix tests/js run schema-checks (docs/compatibility-checks.md).
//   1. every real client document on the customer surface validates (graphql-js `validate`),
//      except those listed, with a reason, in known-unsupported.json;
//   2. no breaking difference from Shopify's Storefront API extract (@graphql-inspector/core),
//      except those listed, with a reason, in known-schema-differences.json;
//   3. graphql-codegen generates types for documents/*.graphql, and `tsc --noEmit` accepts them.
// Allow-lists are kept honest: an entry that no longer matches anything fails the run too.
// SCHEMA=path checks another schema file instead of schema.graphql (relative to where npm ran).
// Offline: reads only files from the repository and node_modules.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, Kind, parse, validate } from 'graphql';
import { CriticalityLevel, diff } from '@graphql-inspector/core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const invokedFrom = process.env.INIT_CWD || process.cwd();
const schemaPath = process.env.SCHEMA
  ? path.resolve(invokedFrom, process.env.SCHEMA)
  : path.join(root, 'schema.graphql');
const contractPath = path.join(root, 'tests/fixtures/shopify-customer.graphql');
const clientDocsDir = path.join(root, 'tests/fixtures/client-docs');

const rel = (p) => (path.relative(root, p).startsWith('..') ? p : path.relative(root, p) || '.');
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

// An allow-list: a JSON object whose every value is a non-empty reason.
function loadAllowList(file, problems) {
  const list = JSON.parse(fs.readFileSync(path.join(here, file), 'utf8'));
  if (list === null || typeof list !== 'object' || Array.isArray(list)) {
    throw new Error(`${file} must be a JSON object mapping an entry to its reason`);
  }
  for (const [key, reason] of Object.entries(list)) {
    if (typeof reason !== 'string' || reason.trim() === '') {
      problems.push(`${file}: "${key}" has no reason (every entry must say why)`);
    }
  }
  return list;
}

function loadSchema(file) {
  return buildSchema(fs.readFileSync(file, 'utf8'));
}

// ---------------------------------------------------------------- 1. client documents

// Chunks of a client-docs file: each starts with a line `# ==== <path> :: <name>`.
function chunks(file) {
  const text = fs.readFileSync(path.join(clientDocsDir, file), 'utf8');
  return text
    .split(/^# ==== /m)
    .slice(1)
    .map((part) => {
      const newline = part.indexOf('\n');
      const header = (newline < 0 ? part : part.slice(0, newline)).trim();
      return { key: `${file} :: ${header}`, body: newline < 0 ? '' : part.slice(newline + 1) };
    });
}

// Root fields each operation selects, through fragments spread at the root.
function rootFields(doc) {
  const fragments = new Map();
  for (const def of doc.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  const fields = [];
  const walk = (operation, selectionSet, seen) => {
    for (const sel of selectionSet.selections) {
      if (sel.kind === Kind.FIELD) fields.push({ operation, name: sel.name.value });
      else if (sel.kind === Kind.INLINE_FRAGMENT) walk(operation, sel.selectionSet, seen);
      else if (sel.kind === Kind.FRAGMENT_SPREAD && !seen.has(sel.name.value)) {
        const fragment = fragments.get(sel.name.value);
        if (fragment) walk(operation, fragment.selectionSet, new Set(seen).add(sel.name.value));
      }
    }
  };
  for (const def of doc.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) walk(def.operation, def.selectionSet, new Set());
  }
  return fields;
}

// The customer surface: the `customer`, `node` and `nodes` queries, and customer mutations
// (customer*, and the Checkout API's checkoutCustomer* that take a customer access token).
function touchesCustomerSurface(doc) {
  return rootFields(doc).some(({ operation, name }) =>
    operation === 'mutation' ? /customer/i.test(name) : ['customer', 'node', 'nodes'].includes(name),
  );
}

function checkClientDocuments(schema) {
  const problems = [];
  const allowed = loadAllowList('known-unsupported.json', problems);
  const files = fs.readdirSync(clientDocsDir).filter((f) => f.endsWith('.graphql')).sort();
  const seen = new Set();
  const known = new Map(); // reason -> count
  let validated = 0;
  let skipped = 0;
  let total = 0;

  for (const file of files) {
    for (const { key, body } of chunks(file)) {
      total += 1;
      if (seen.has(key)) problems.push(`two chunks are named "${key}": names must be unique`);
      seen.add(key);
      let doc = null;
      let errors;
      try {
        doc = parse(body);
        errors = validate(schema, doc);
      } catch (e) {
        errors = [e];
      }
      if (doc && !touchesCustomerSurface(doc)) {
        skipped += 1;
        if (Object.hasOwn(allowed, key)) problems.push(`known-unsupported.json: "${key}" is not on the customer surface`);
        continue;
      }
      if (errors.length === 0) {
        if (Object.hasOwn(allowed, key)) {
          problems.push(`now validates, remove it from known-unsupported.json: "${key}"`);
        } else {
          validated += 1;
        }
      } else if (Object.hasOwn(allowed, key)) {
        known.set(allowed[key], (known.get(allowed[key]) || 0) + 1);
      } else {
        problems.push(`does not validate: "${key}"\n${errors.map((e) => `      ${e.message}`).join('\n')}`);
      }
    }
  }
  if (total === 0) problems.push(`no client documents found in ${rel(clientDocsDir)}`);
  for (const key of Object.keys(allowed)) {
    if (!seen.has(key)) problems.push(`known-unsupported.json: "${key}" names no chunk in ${rel(clientDocsDir)}`);
  }

  const knownCount = [...known.values()].reduce((a, b) => a + b, 0);
  const lines = [
    `${validated} validated, ${knownCount} known-unsupported, ${skipped} not on the customer surface ` +
      `(${plural(total, 'document')} in ${plural(files.length, 'file')})`,
    ...[...known.entries()].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `  ${String(n).padStart(3)}  ${reason}`),
  ];
  return { lines, problems };
}

// ---------------------------------------------------------------- 2. schema diff

// How a change is named in known-schema-differences.json: its path (`Type`, `Type.field`,
// `Type.field.arg`, `@directive`), except an interface an object type no longer implements,
// whose path would be the object type itself: `Type implements Interface`.
function changeKey(change) {
  if (change.type === 'OBJECT_TYPE_INTERFACE_REMOVED') {
    return `${change.meta.objectTypeName} implements ${change.meta.removedInterfaceName}`;
  }
  return change.path ?? change.message;
}

async function checkSchemaDiff(schema) {
  const problems = [];
  const allowed = loadAllowList('known-schema-differences.json', problems);
  const changes = await diff(loadSchema(contractPath), schema);
  const byLevel = (level) => changes.filter((c) => c.criticality.level === level);
  const breaking = byLevel(CriticalityLevel.Breaking);
  const matched = new Set();
  let unexpected = 0;
  for (const change of breaking) {
    const key = changeKey(change);
    if (Object.hasOwn(allowed, key)) {
      matched.add(key);
    } else {
      unexpected += 1;
      problems.push(`breaking difference from Shopify: ${key}: ${change.message}`);
    }
  }
  for (const key of Object.keys(allowed)) {
    if (!matched.has(key)) {
      problems.push(`known-schema-differences.json: "${key}" matches no breaking difference (any more): remove it`);
    }
  }
  const dangerous = byLevel(CriticalityLevel.Dangerous);
  const lines = [
    `${breaking.length - unexpected} known breaking differences (allow-listed), ${unexpected} unexpected; ` +
      `informational: ${dangerous.length} dangerous, ` +
      `${byLevel(CriticalityLevel.NonBreaking).length} non-breaking`,
    ...dangerous.map((c) => `  dangerous: ${changeKey(c)}: ${c.message}`),
  ];
  return { lines, problems };
}

// ---------------------------------------------------------------- 3. codegen

function run(bin, args, env) {
  const result = spawnSync(path.join(here, 'node_modules/.bin', bin), args, {
    cwd: here,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (result.error) return `${bin}: ${result.error.message}`;
  if (result.status !== 0) {
    // Without the progress lines (❯ started, ✔ done) of graphql-codegen's task list.
    const output = `${result.stdout}${result.stderr}`.split('\n').filter((l) => !/^\s*[❯✔] /.test(l));
    return `${bin} ${args.join(' ')} failed:\n${output.join('\n')}`.trimEnd();
  }
  return null;
}

function checkCodegen() {
  const problems = [];
  const output = path.join(here, 'generated');
  fs.rmSync(output, { recursive: true, force: true });
  const documents = fs.readdirSync(path.join(here, 'documents')).filter((f) => f.endsWith('.graphql'));
  let operations = 0;
  for (const f of documents) {
    const doc = parse(fs.readFileSync(path.join(here, 'documents', f), 'utf8'));
    operations += doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
  }
  const codegenFailure = run('graphql-codegen', ['--config', 'codegen.yml'], { SCHEMA: schemaPath });
  if (codegenFailure) {
    problems.push(codegenFailure);
    return { lines: [`${plural(operations, 'operation')} in ${plural(documents.length, 'document')}: codegen failed`], problems };
  }
  const tscFailure = run('tsc', ['-p', 'tsconfig.json']);
  if (tscFailure) problems.push(tscFailure);
  const generated = fs.readFileSync(path.join(output, 'graphql.ts'), 'utf8').split('\n').length;
  return {
    lines: [
      `${plural(operations, 'operation')} in ${plural(documents.length, 'document')} -> ` +
        `${rel(path.join(output, 'graphql.ts'))} (${generated} lines); tsc --noEmit ${tscFailure ? 'FAILED' : 'clean'}`,
    ],
    problems,
  };
}

// ---------------------------------------------------------------- report

const checks = [
  ['client documents validate against the served schema', checkClientDocuments],
  ["no breaking difference from Shopify's 2026-04 extract", checkSchemaDiff],
  ['codegen (typescript + typescript-operations) and tsc', checkCodegen],
];

console.log(`schema-checks: ${rel(schemaPath)}`);
let schema = null;
let schemaError = null;
try {
  schema = loadSchema(schemaPath);
} catch (e) {
  schemaError = `${rel(schemaPath)} does not build: ${e.message}`;
}
const failed = [];
for (const [i, [title, check]] of checks.entries()) {
  let result;
  try {
    if (!schema && check !== checkCodegen) throw new Error(schemaError);
    result = await check(schema);
  } catch (e) {
    result = { lines: [], problems: [e.message] };
  }
  const ok = result.problems.length === 0;
  if (!ok) failed.push(i + 1);
  console.log(`${i + 1}. ${ok ? 'ok  ' : 'FAIL'} ${title}`);
  for (const line of result.lines) console.log(`     ${line}`);
  for (const problem of result.problems) console.log(`   ! ${problem.replaceAll('\n', '\n     ')}`);
}
if (failed.length === 0) {
  console.log('schema-checks: all three checks pass');
} else {
  console.log(`schema-checks: FAILED (check ${failed.join(', ')})`);
  process.exitCode = 1;
}
