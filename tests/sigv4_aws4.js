// Our Signature V4 against an independent signer, the aws4 npm package: generated requests
// (methods, paths with spaces, Unicode and reserved characters, queries with duplicate keys and
// special characters, session tokens, Regions, services, bodies) signed by both; every
// Authorization header must be equal byte for byte.
//   node tests/sigv4_aws4.js BUILD/tests/aws_sign [COUNT]
// (aws4 signs S3 queries with the first value of a repeated key only, and merges no header names
// differing in case: the generator avoids those two aws4 quirks.)
'use strict';
const path = require('path');
const crypto = require('crypto');
const {spawnSync} = require('child_process');
const modules = path.join(__dirname, 'node', 'node_modules');
let aws4;
try {
  aws4 = require(path.join(modules, 'aws4'));
} catch (e) {
  console.error(`sigv4_aws4: cannot load aws4 from ${modules}: run scripts/install-node-deps.sh`);
  process.exit(1);
}
const signer = process.argv[2];
const count = Number(process.argv[3] || 60);

// A fixed pseudo-random sequence (mulberry32): the same requests every run.
let seed = 20261207;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const sha256 = (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');
const amzDate = (t) => new Date(t * 1000).toISOString().replace(/[:\-]|\.\d{3}/g, '');

const segments = ['logs', 'a b', 'ü-ñ', '名前', 'x+y', 'semi;colon', 'pct%41', "quote'\"", '~tilde', '2024', 'AWSLogs',
  'dot.', '..', '.', '', 'comma,', 'star*', 'paren(1)', 'eq=', 'amp&', 'at@', 'colon:', 'emoji😀', 'key.log.gz'];
const keys = ['prefix', 'list-type', 'continuation-token', 'max-keys', 'a b', 'ü', 'k+', 'x*', 'delimiter', 'tilde~',
  '(paren)', 'Action', 'Z', 'a'];
const values = ['', '/', 'a=b&c', '100%', '+plus+', 'ü/ñ', 'AWSLogs/123456789012/vpcflowlogs/', '2', "it's", 'x y',
  'CAESEAbc+/=='];
const headerSets = [['Content-Type', 'text/plain'], ['X-Amz-Meta-Note', '  spaced   value\twith tab  '],
  ['X-Custom', 'MiXeD'], ['If-None-Match', '"etag"'], ['x-amz-request-payer', 'requester'], ['Accept', '*/*'],
  ['X-Amz-Target', 'DynamoDB_20120810.GetItem'], ['Cache-Control', 'no-cache,  no-store']];
const services = ['s3', 's3', 's3', 'execute-api', 'sqs', 'dynamodb', 'es', 'sts'];
const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1', 'us-gov-west-1'];

const ours = [], theirs = [], requests = [];
for (let i = 0; i < count; i++) {
  const service = pick(services), region = pick(regions), method = pick(['GET', 'PUT', 'POST', 'HEAD', 'DELETE']);
  const host = service === 's3' && rand() < 0.3 ? 'localhost:9000' : `${service}.${region}.amazonaws.com`;
  const segs = Array.from({length: 1 + Math.floor(rand() * 4)}, () => pick(segments));
  let p = '/' + segs.map(enc).join('/') + (rand() < 0.2 ? '/' : '');
  const query = [];
  for (let n = Math.floor(rand() * 5); n > 0; n--) {
    const k = pick(keys);
    if (service === 's3' && query.some((q) => q[0] === k)) continue;
    query.push([k, pick(values)]);
    if (service !== 's3' && rand() < 0.3) query.push([k, pick(values)]);  // a repeated key
  }
  const headers = {Host: host};
  for (let n = Math.floor(rand() * 4); n > 0; n--) {
    const [name, value] = pick(headerSets);
    headers[name] = value;
  }
  const body = (method === 'PUT' || method === 'POST') && rand() < 0.6 ? `body ${i} ü` : undefined;
  if (body !== undefined) {
    headers['Content-Type'] = headers['Content-Type'] || 'application/octet-stream';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  let payload = sha256(body || '');
  const unsigned = service === 's3' && rand() < 0.3;
  if (unsigned) payload = 'UNSIGNED-PAYLOAD';
  const creds = {accessKeyId: `AKID${i}EXAMPLE`, secretAccessKey: `wJalr/XUtn+FEMI${i}/K7MDENG`};
  if (rand() < 0.5) creds.sessionToken = `FwoGZXIvYXdzE${i}+/=token`;
  const time = 1420070400 + Math.floor(rand() * 500000000);

  const opts = {host, path: p + (query.length ? '?' + query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&') : ''),
    method, service, region, body, headers: {...headers, 'X-Amz-Date': amzDate(time)}};
  if (unsigned) opts.headers['X-Amz-Content-Sha256'] = 'UNSIGNED-PAYLOAD';
  const canonical = new aws4.RequestSigner({...opts, headers: {...opts.headers}}, creds).canonicalString();
  aws4.sign(opts, creds);
  theirs.push({authorization: opts.headers.Authorization, canonical});
  const request = {method, path: p, query, headers: Object.entries(headers), payload, service, region, time,
    key: creds.accessKeyId, secret: creds.secretAccessKey, token: creds.sessionToken || ''};
  requests.push(request);
}

const run = spawnSync(signer, {input: requests.map((r) => JSON.stringify(r)).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28});
if (run.status !== 0) {
  console.error(`sigv4_aws4: ${signer} failed: ${run.error || run.stderr}`);
  process.exit(1);
}
run.stdout.trim().split('\n').forEach((l) => ours.push(JSON.parse(l)));
let bad = 0;
for (let i = 0; i < count; i++) {
  if (ours[i] && ours[i].authorization === theirs[i].authorization) continue;
  bad++;
  console.error(`request ${i} differs: ${JSON.stringify(requests[i])}\n  aws4: ${theirs[i].authorization}\n  ours: ` +
    `${ours[i] && ours[i].authorization}\n  aws4 canonical:\n${theirs[i].canonical}\n  our canonical:\n` +
    `${ours[i] && ours[i].canonical}`);
}
const kinds = new Set(requests.map((r) => r.service)).size;
console.log(`${count} requests (${kinds} services): ${count - bad} Authorization headers equal, ${bad} differ`);
process.exit(bad || ours.length !== count ? 1 : 0);
