// Makes a Multipass token with multipassify, an implementation independent of ours, so the
// Rust interop test proves we accept what real generators send.
// Input: JSON `{"secret": "...", "customer": {...}}` as argv[2], or on stdin when absent.
// Output: the token on stdout.
'use strict';

const Multipassify = require('multipassify');

function readInput() {
  if (process.argv.length > 2) return process.argv[2];
  return require('fs').readFileSync(0, 'utf8');
}

const { secret, customer } = JSON.parse(readInput());
process.stdout.write(new Multipassify(secret).encode(customer));
