# Sourced by the network cases of tests/cli/flowcat/: a flowcat --listen on a free loopback port,
# stopped by SIGTERM (and killed by the EXIT trap if a case ends early). Never a fixed port.

# listen_start OUT ERR [OPTION...]: starts the receiver; sets LISTEN_PID and PORT.
listen_start() {
  local out=$1 err=$2
  shift 2
  rm -f "$WORK/port"
  timeout 60 flowcat --listen 127.0.0.1:0 --port-file "$WORK/port" "$@" >"$out" 2>"$err" &
  LISTEN_PID=$!
  trap 'kill $LISTEN_PID 2>/dev/null' EXIT
  for _ in $(seq 200); do
    [ -s "$WORK/port" ] && break
    sleep 0.05
  done
  PORT=$(cat "$WORK/port")
}

# listen_stop: SIGTERM, then the receiver's exit status.
listen_stop() {
  kill -TERM "$LISTEN_PID"
  wait "$LISTEN_PID"
  echo "listener: exit $?"
}

# Messages with the port and times taken out, so that the output compares.
no_port() { sed -e "s/:$PORT\b/:PORT/g" -e 's/"timestamp":[0-9]*/"timestamp":T/g'; }

# curl with timeouts; prints the status and the body.
post() { curl -sS --max-time 20 -w ' -> %{http_code}\n' "$@"; }

# listen_kill: SIGKILL to the receiver itself (not to the timeout around it), as a crash or the
# OOM killer would end it; then its exit status.
listen_kill() {
  kill -KILL "$(pgrep -P "$LISTEN_PID" flowcat)"
  wait "$LISTEN_PID" 2>/dev/null # not bash's "Killed" notice
  echo "listener: exit $?"
}
