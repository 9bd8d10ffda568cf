# Sourced by cases that read from S3: a local S3 (tests/node/s3-harness.mjs: s3rver behind a
# proxy that checks Signature V4, logs every request and injects faults) on a free loopback
# port, its data under $WORK/s3, stopped by the EXIT trap. Credentials S3RVER/S3RVER; nothing
# from the host's AWS configuration can leak in.
#
#   s3_start                       starts it; exports AWS_ENDPOINT_URL and the credentials
#   s3_put BUCKET DIR [PREFIX]     uploads every file under DIR as PREFIX + its relative path
#   s3_requests [-c] [ERE]         requests so far, one a line: "GET /bucket/key?query 200"
#                                  (" range=bytes=0-9" before the status, " fault=reset" after);
#                                  only those matching ERE; -c: their count. Clients send in
#                                  parallel: sort before comparing.
#   s3_fault JSON                  adds a fault rule (see s3-harness.mjs), e.g.
#                                  s3_fault '{"match":"^GET /b/k","status":503,"times":2}'
#   s3_fault_clear                 removes every rule
#   s3_stop                        stops it and shows its stderr (the EXIT trap calls it; a case
#                                  with a trap of its own calls s3_stop from it)

S3_NODE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../node" && pwd)

s3_start() {
  if ! command -v node >/dev/null || [ ! -d "$S3_NODE_DIR/node_modules/s3rver" ] ||
    [ ! -d "$S3_NODE_DIR/node_modules/@aws-sdk/client-s3" ]; then
    echo "s3_start: Node.js and the test packages are missing: run scripts/install-node-deps.sh" >&2
    exit 1
  fi
  mkdir -p "$WORK/s3"
  node --openssl-legacy-provider "$S3_NODE_DIR/s3-harness.mjs" "$WORK/s3" >"$WORK/s3/endpoint" 2>"$WORK/s3/stderr" &
  S3_PID=$!
  trap s3_stop EXIT
  for _ in $(seq 200); do
    [ -s "$WORK/s3/endpoint" ] && break
    kill -0 "$S3_PID" 2>/dev/null || break
    sleep 0.05
  done
  if [ ! -s "$WORK/s3/endpoint" ]; then
    echo "s3_start: the local S3 did not start:" >&2
    cat "$WORK/s3/stderr" >&2
    exit 1
  fi
  unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ENDPOINT_URL_S3 \
    AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
    AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \
    AWS_CA_BUNDLE AWS_S3_US_EAST_1_REGIONAL_ENDPOINT AWS_USE_FIPS_ENDPOINT AWS_USE_DUALSTACK_ENDPOINT \
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
  AWS_ENDPOINT_URL=$(head -1 "$WORK/s3/endpoint")
  export AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 \
    AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null \
    AWS_SHARED_CREDENTIALS_FILE=/dev/null NO_PROXY=127.0.0.1,localhost
}

s3_put() {
  local dir
  dir=$(cd "$2" && pwd) || exit 1
  curl -sS --max-time 60 -o "$WORK/s3/put.out" -w '%{http_code}' "$AWS_ENDPOINT_URL/__harness/put" \
    --data-binary "$(printf '{"bucket":"%s","dir":"%s","prefix":"%s"}' "$1" "$dir" "${3:-}")" >"$WORK/s3/put.status"
  [ "$(cat "$WORK/s3/put.status")" = 200 ] || { echo "s3_put $1 $2: $(cat "$WORK/s3/put.out")" >&2; exit 1; }
}

s3_requests() {
  if [ "${1:-}" = -c ]; then
    grep -cE -- "${2:-.}" "$WORK/s3/requests.log"
  else
    grep -E -- "${1:-.}" "$WORK/s3/requests.log"
  fi
  return 0
}

s3_fault() { printf '%s\n' "$1" >>"$WORK/s3/faults.jsonl"; }
s3_fault_clear() { : >"$WORK/s3/faults.jsonl"; }

s3_stop() {
  [ -n "${S3_PID:-}" ] || return 0
  kill -TERM "$S3_PID" 2>/dev/null
  wait "$S3_PID" 2>/dev/null
  S3_PID=
  cat "$WORK/s3/stderr" >&2 # the harness's own errors, so that a case shows them
}
