// A local S3 for the tests: s3rver (data in DIR/data) behind a small proxy that the tools talk
// to. s3rver 3.7.1 does not check Signature V4 ("unimplemented" in its authentication.js), so
// the proxy checks it, from the AWS specification, with the secret S3RVER: a tool that signs
// wrongly gets SignatureDoesNotMatch as from AWS. Unsigned requests pass (--no-sign-request).
// The proxy also
// - logs every request as a JSON line to DIR/requests.jsonl ({"req":"GET /b/k?q","range":...,
//   "status":200,"fault":...}) and as text to DIR/requests.log ("GET /b/k?q range=... 200"),
//   written before the response ends, so the logs are complete when a client exits;
// - applies the fault rules of DIR/faults.jsonl (one JSON object a line, read at every request,
//   so a test may append rules at any time): "match" is a regular expression tested against
//   "METHOD /bucket/key?query" (path decoded, query as sent); "after": let N matching requests
//   through first; "times": apply N times (default: always); then one of "status" (+ "body",
//   default an S3 <Error> for the status), "reset_after_bytes" (forward, then cut the
//   connection after N body bytes), "drop" (close without answering), and/or "delay_ms";
// - fills buckets: POST /__harness/put {"bucket","dir","prefix"} uploads every file under dir
//   with @aws-sdk/client-s3 (s3-upload.mjs: PutObject, 16 at a time), the bucket created first.
// Usage: node --openssl-legacy-provider s3-harness.mjs DIR. Prints the endpoint URL when ready; SIGTERM ends it.
import S3rver from 's3rver';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {Worker} from 'node:worker_threads';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: s3-harness.mjs DIR');
  process.exit(2);
}
const KEY = 'S3RVER', SECRET = 'S3RVER';
const logFile = path.join(dir, 'requests.jsonl'), textLog = path.join(dir, 'requests.log');
const faultFile = path.join(dir, 'faults.jsonl');
try {
  crypto.createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));  // s3rver's continuation tokens
} catch {
  console.error('s3-harness: run node with --openssl-legacy-provider (s3rver needs DES)');
  process.exit(2);
}
fs.mkdirSync(path.join(dir, 'data'), {recursive: true});
fs.writeFileSync(logFile, '');
fs.writeFileSync(textLog, '');

const s3rver = new S3rver({address: '127.0.0.1', port: 0, silent: true, directory: path.join(dir, 'data')});
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';  // node 20 is Debian 12's
const {port: backPort} = await s3rver.run();
const agent = new http.Agent({keepAlive: true, maxSockets: 64});

const s3error = (code, message) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
  `<RequestId>harness</RequestId></Error>`;
const defaultErrors = {
  400: 'InvalidRequest', 403: 'AccessDenied', 404: 'NoSuchKey', 500: 'InternalError', 503: 'SlowDown',
};

// --- Signature V4 (header form), as https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
const enc = s => encodeURIComponent(s).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const hmac = (k, s) => crypto.createHmac('sha256', k).update(s).digest();
const sha256 = s => crypto.createHash('sha256').update(s).digest('hex');

function checkSignature(req, rawPath, rawQuery) {
  const auth = req.headers.authorization;
  if (!auth) return null;  // anonymous
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return [400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.'];
  const [, key, day, region, service, signed, signature] = m;
  if (key !== KEY) return [403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist.'];
  const date = req.headers['x-amz-date'] || '';
  const hash = req.headers['x-amz-content-sha256'];
  if (!hash) return [400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256'];
  if (!date.startsWith(day)) return [403, 'SignatureDoesNotMatch', 'X-Amz-Date does not match the credential date.'];
  const t = Date.parse(date.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!(Math.abs(Date.now() - t) < 15 * 60e3)) return [403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.'];
  const names = signed.split(';');
  if (!names.includes('host')) return [403, 'SignatureDoesNotMatch', 'host is not signed.'];
  let canonical;
  try {
    const uri = rawPath.split('/').map(s => enc(decodeURIComponent(s))).join('/');
    const query = rawQuery.split('&').filter(Boolean).map(p => {
      const i = p.indexOf('=') < 0 ? p.length : p.indexOf('=');
      return [enc(decodeURIComponent(p.slice(0, i))), enc(decodeURIComponent(p.slice(i + 1)))];
    });
    query.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    const headers = names.map(n => `${n}:${String(req.headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`);
    canonical = [req.method, uri, query.map(q => q.join('=')).join('&'), headers.join(''), signed, hash].join('\n');
  } catch {
    return [400, 'InvalidURI', 'Could not parse the specified URI.'];
  }
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${date}\n${scope}\n${sha256(canonical)}`;
  const k = hmac(hmac(hmac(hmac('AWS4' + SECRET, day), region), service), 'aws4_request');
  if (hmac(k, toSign).toString('hex') === signature) return null;
  return [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'];
}

// --- Fault rules: state per rule line, forgotten when the file is rewritten shorter.
let ruleState = new Map(), faultSize = 0;
function faultFor(line) {
  let text = '';
  try {
    text = fs.readFileSync(faultFile, 'utf8');
  } catch {}
  if (text.length < faultSize) ruleState = new Map();
  faultSize = text.length;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    let rule;
    try {
      rule = JSON.parse(lines[i]);
    } catch {
      console.error(`s3-harness: ${faultFile}:${i + 1}: not JSON`);
      continue;
    }
    if (!new RegExp(rule.match ?? '').test(line)) continue;
    const id = `${i}:${lines[i]}`;
    const seen = ruleState.get(id) ?? 0;
    ruleState.set(id, seen + 1);
    if (seen < (rule.after ?? 0) || seen - (rule.after ?? 0) >= (rule.times ?? Infinity)) continue;
    return rule;
  }
  return null;
}

// --- Bucket filling (not through the proxy, not logged), in a worker started at the first upload:
// AWS's SDK takes half a second to load.
let uploads, jobs = 0;
const waiting = new Map();
function put(job) {
  if (!uploads) {
    uploads = new Worker(new URL('./s3-upload.mjs', import.meta.url));
    uploads.on('message', ({id, count, error}) => waiting.get(id)(count, error));
    uploads.unref();
  }
  const id = ++jobs;
  uploads.postMessage({...job, id, port: backPort});
  return new Promise((resolve, reject) =>
    waiting.set(id, (count, error) => (waiting.delete(id), error ? reject(new Error(error)) : resolve(count))));
}

// --- The proxy.
const sleep = ms => new Promise(r => setTimeout(r, ms));
function handle(req, res) {
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q), rawQuery = q < 0 ? '' : req.url.slice(q + 1);
  if (rawPath === '/__harness/put') return control(req, res);
  let shown = rawPath;
  try {
    shown = decodeURIComponent(rawPath);
  } catch {}
  const line = `${req.method} ${shown}${q < 0 ? '' : '?' + rawQuery}`;
  const entry = {req: line};
  if (req.headers.range) entry.range = req.headers.range;
  const log = (status, fault) => {
    fs.appendFileSync(logFile, JSON.stringify({...entry, status, ...(fault ? {fault} : {})}) + '\n');
    const range = entry.range ? ` range=${entry.range}` : '';
    fs.appendFileSync(textLog, `${line}${range} ${status}${fault ? ' fault=' + fault : ''}\n`);
  };
  const reply = (status, body, headers = {}, fault) => {
    log(status, fault);
    res.writeHead(status, {'content-type': 'application/xml', ...headers});
    res.end(body);
  };
  const bad = checkSignature(req, rawPath, rawQuery);
  if (bad) return reply(bad[0], s3error(bad[1], bad[2]));
  const rule = faultFor(line);
  (rule?.delay_ms ? sleep(rule.delay_ms) : Promise.resolve()).then(() => {
    if (rule?.drop) {
      log(0, 'drop');
      return req.socket.destroy();
    }
    if (rule?.status)
      return reply(rule.status, rule.body ?? s3error(defaultErrors[rule.status] ?? 'InternalError', 'injected'),
                   rule.headers, 'status');
    if (req.method === 'GET' && /(^|&)delimiter=/.test(rawQuery) && /(^|&)list-type=2/.test(rawQuery))
      return delimited(rawPath.slice(1).replace(/\/$/, ''), new URLSearchParams(rawQuery), reply);
    forward(req, res, rule?.reset_after_bytes, log);
  });
}

// s3rver 3.7.1 lists with a delimiter wrongly: its directory walk stops one folder below the
// prefix, so a CommonPrefix whose objects all sit deeper (AWSLogs/ACCOUNT/ above vpcflowlogs/...)
// is never found. Such listings are answered here, from a listing without a delimiter, as S3
// answers them (in one page).
let S3, lister;  // AWS's client, loaded at the first delimited listing
async function delimited(bucket, params, reply) {
  try {
    S3 ??= await import('@aws-sdk/client-s3');
    const client = lister ??= new S3.S3Client({endpoint: `http://127.0.0.1:${backPort}`, region: 'us-east-1',
                                               forcePathStyle: true, credentials: {accessKeyId: KEY, secretAccessKey: SECRET}});
    const prefix = params.get('prefix') ?? '', delim = params.get('delimiter');
    const contents = [], prefixes = new Set();
    let token;
    do {
      const page = await client.send(new S3.ListObjectsV2Command({Bucket: bucket, Prefix: prefix, ContinuationToken: token}));
      for (const o of page.Contents ?? []) {
        const i = o.Key.indexOf(delim, prefix.length);
        if (i >= 0) prefixes.add(o.Key.slice(0, i + delim.length));
        else contents.push(o);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const x = t => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    reply(200, '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
          `<Name>${x(bucket)}</Name><Prefix>${x(prefix)}</Prefix><Delimiter>${x(delim)}</Delimiter>` +
          `<KeyCount>${contents.length + prefixes.size}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>` +
          contents.map(o => `<Contents><Key>${x(o.Key)}</Key><LastModified>${o.LastModified.toISOString()}</LastModified>` +
                            `<ETag>${x(o.ETag)}</ETag><Size>${o.Size}</Size></Contents>`).join('') +
          [...prefixes].sort().map(p => `<CommonPrefixes><Prefix>${x(p)}</Prefix></CommonPrefixes>`).join('') +
          '</ListBucketResult>');
  } catch (e) {
    reply(500, `<Error><Code>InternalError</Code><Message>${e.name}: ${e.message}</Message></Error>`);
  }
}

function forward(req, res, cutAfter, log) {
  const up = http.request({host: '127.0.0.1', port: backPort, method: req.method, path: req.url,
                           headers: req.headers, agent}, back => {
    res.writeHead(back.statusCode, back.headers);
    let sent = 0, cut = false;
    back.on('data', chunk => {
      if (cut) return;
      if (cutAfter !== undefined && sent + chunk.length >= cutAfter) {
        cut = true;
        res.write(chunk.subarray(0, cutAfter - sent));
        log(back.statusCode, 'reset');
        back.destroy();
        // Let the bytes go out, then cut the connection as a broken network would.
        const socket = res.socket;
        return socket.end(() => socket.destroy());
      }
      sent += chunk.length;
      if (!res.write(chunk)) {
        back.pause();
        res.once('drain', () => back.resume());
      }
    });
    back.on('end', () => {
      if (cut) return;
      log(back.statusCode);
      res.end();
    });
  });
  up.on('error', e => {
    log(502, 'backend');
    res.destroy(e);
  });
  req.pipe(up);
}

function control(req, res) {
  let body = '';
  req.on('data', c => (body += c));
  req.on('end', () => {
    put(JSON.parse(body)).then(
      n => res.end(`${n}\n`),
      e => {
        res.writeHead(500);
        res.end(`${e.message}\n`);
      });
  });
}

const proxy = http.createServer(handle);
proxy.keepAliveTimeout = 30e3;
proxy.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${proxy.address().port}\n`);
});
process.on('SIGTERM', () => {
  proxy.closeAllConnections();
  proxy.close();
  agent.destroy();
  uploads?.terminate();
  lister?.destroy();
  s3rver.close().then(() => process.exit(0));
});
