// The uploads of s3-harness.mjs, in a worker thread of their own: AWS's SDK then runs on one
// core and s3rver on the other. Each message {id, port, bucket, dir, prefix} uploads every file
// under dir (PutObject, 16 at a time, the bucket created first); the answer is {id, count} or
// {id, error}.
import {S3Client, CreateBucketCommand, PutObjectCommand} from '@aws-sdk/client-s3';
import fs from 'node:fs';
import path from 'node:path';
import {parentPort} from 'node:worker_threads';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';  // node 20 is Debian 12's
let sdk;

function filesUnder(root) {
  return fs.readdirSync(root, {recursive: true, withFileTypes: true})
    .filter(e => e.isFile())
    .map(e => path.relative(root, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/'))
    .sort();
}

async function put({port, bucket, dir, prefix = ''}) {
  sdk ??= new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: {accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER'},
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  try {
    await sdk.send(new CreateBucketCommand({Bucket: bucket}));
  } catch (e) {
    if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
  }
  const files = filesUnder(dir);
  let next = 0;
  const uploader = async () => {
    while (next < files.length) {
      const f = files[next++];
      await sdk.send(new PutObjectCommand({Bucket: bucket, Key: prefix + f, Body: fs.readFileSync(path.join(dir, f))}));
    }
  };
  await Promise.all(Array.from({length: 16}, uploader));
  return files.length;
}

parentPort.on('message', job =>
  put(job).then(count => parentPort.postMessage({id: job.id, count}),
                e => parentPort.postMessage({id: job.id, error: `${e.name}: ${e.message}`})));
