// AWS's own S3 client, for tests that check what a local S3 (s3-harness.mjs) serves:
//   node s3-client.mjs ls BUCKET [PREFIX [PAGE_SIZE]]   keys and sizes, every page
//   node s3-client.mjs get BUCKET KEY                   the object's bytes on stdout
// Several commands, separated by "+", run one after the other in one process (Node and the SDK
// take a second to start on a busy machine). Endpoint and credentials from the environment
// (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...). A command that fails prints "ERRORNAME: message"
// on stderr; the others still run, and the exit status is 1.
import {S3Client, ListObjectsV2Command, GetObjectCommand} from '@aws-sdk/client-s3';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';  // node 20 is Debian 12's
const s3 = new S3Client({endpoint: process.env.AWS_ENDPOINT_URL, forcePathStyle: true});

async function run([cmd, bucket, arg, pageSize]) {
  if (cmd === 'ls') {
    let token;
    do {
      const page = await s3.send(new ListObjectsV2Command(
          {Bucket: bucket, Prefix: arg, ContinuationToken: token, MaxKeys: pageSize && Number(pageSize)}));
      for (const o of page.Contents ?? []) process.stdout.write(`${o.Key} ${o.Size}\n`);
      token = page.NextContinuationToken;
    } while (token);
  } else if (cmd === 'get') {
    const o = await s3.send(new GetObjectCommand({Bucket: bucket, Key: arg}));
    process.stdout.write(await o.Body.transformToByteArray());
  } else {
    console.error('usage: s3-client.mjs ls BUCKET [PREFIX [PAGE_SIZE]] | get BUCKET KEY [+ ...]');
    process.exit(2);
  }
}

let status = 0;
const args = process.argv.slice(2);
for (let i = 0; i <= args.length;) {
  const end = args.indexOf('+', i) < 0 ? args.length : args.indexOf('+', i);
  try {
    await run(args.slice(i, end));
  } catch (e) {
    console.error(`${e.name}: ${e.message}`);
    status = 1;
  }
  i = end + 1;
}
s3.destroy();
process.exitCode = status;
