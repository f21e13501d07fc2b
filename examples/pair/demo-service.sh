#!/bin/sh
# Demo resource of the simulated pair (`npm start`): an OCF-style agent that
# edge-ha calls as `demo-service.sh start|stop|monitor`.
#
#   start    launch the background "service" (exit 0, also when already running)
#   stop     stop it (exit 0, also when it was not running)
#   monitor  exit 0 when it runs, 7 when it does not
#
# The service is a shell loop, or with DEMO_HTTP_PORT set a tiny HTTP server on
# 127.0.0.1:$DEMO_HTTP_PORT answering "demo served by <node>". Its pid goes to
# $EDGE_HA_STATE_DIR/demo.pid.
#
# The service stays in the caller's process group (no setsid) and its stdio is
# /dev/null: it must never hold the daemon's pipes open, and killing the
# group that started it (a simulated power-off) must kill it too.

set -u

OCF_SUCCESS=0
OCF_ERR_GENERIC=1
OCF_ERR_ARGS=2
OCF_ERR_UNIMPLEMENTED=3
OCF_ERR_CONFIGURED=6
OCF_NOT_RUNNING=7

# The background process carries this name as its $0, so a recycled pid that
# now belongs to some other program is not mistaken for the service.
TAG=edge-ha-demo-service

if [ -z "${EDGE_HA_STATE_DIR:-}" ]; then
  echo "demo-service: EDGE_HA_STATE_DIR is not set; it names the directory for demo.pid" >&2
  exit $OCF_ERR_CONFIGURED
fi
PIDFILE="$EDGE_HA_STATE_DIR/demo.pid"

# Prints the service's pid and succeeds when it is alive (a zombie is not).
service_pid() {
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  case "$pid" in '' | *[!0-9]*) return 1 ;; esac
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -r "/proc/$pid/stat" ]; then
    read -r stat <"/proc/$pid/stat" || return 1
    state=${stat##*) }
    case "$state" in Z* | X*) return 1 ;; esac
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$TAG" || return 1
  fi
  echo "$pid"
}

launch() {
  if [ -n "${DEMO_HTTP_PORT:-}" ]; then
    case "$DEMO_HTTP_PORT" in '' | *[!0-9]*)
      echo "demo-service: DEMO_HTTP_PORT must be a port number, got '$DEMO_HTTP_PORT'" >&2
      exit $OCF_ERR_CONFIGURED ;;
    esac
    node -e '
      const name = process.env.EDGE_HA_NODE || "this node";
      require("node:http")
        .createServer((req, res) => res.end("demo served by " + name + "\n"))
        .on("error", () => process.exit(1))
        .listen(Number(process.argv[1]), "127.0.0.1");
      process.on("SIGTERM", () => process.exit(0));
    ' "$DEMO_HTTP_PORT" "$TAG" </dev/null >/dev/null 2>&1 &
  else
    # `wait` lets the TERM trap run at once and take the current sleep along.
    sh -c 'trap "kill \$child 2>/dev/null; exit 0" TERM
      while :; do sleep 1 & child=$!; wait $child; done' "$TAG" </dev/null >/dev/null 2>&1 &
  fi
  echo $! >"$PIDFILE.tmp" && mv "$PIDFILE.tmp" "$PIDFILE"
}

do_start() {
  service_pid >/dev/null && exit $OCF_SUCCESS
  mkdir -p "$EDGE_HA_STATE_DIR" || exit $OCF_ERR_GENERIC
  launch
  # An HTTP server that cannot bind exits at once: give it a moment to fail.
  [ -n "${DEMO_HTTP_PORT:-}" ] && sleep 0.5
  if service_pid >/dev/null; then exit $OCF_SUCCESS; fi
  echo "demo-service: the service exited right after it was started" >&2
  exit $OCF_ERR_GENERIC
}

do_stop() {
  pid=$(service_pid) || { rm -f "$PIDFILE"; exit $OCF_SUCCESS; }
  kill -TERM "$pid" 2>/dev/null
  # Up to 5 s for a clean exit, then SIGKILL.
  n=0
  while [ $n -lt 50 ] && service_pid >/dev/null; do sleep 0.1; n=$((n + 1)); done
  if service_pid >/dev/null; then kill -KILL "$pid" 2>/dev/null; sleep 0.1; fi
  if service_pid >/dev/null; then
    echo "demo-service: pid $pid survived SIGKILL" >&2
    exit $OCF_ERR_GENERIC
  fi
  rm -f "$PIDFILE"
  exit $OCF_SUCCESS
}

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  monitor | status)
    if service_pid >/dev/null; then exit $OCF_SUCCESS; fi
    exit $OCF_NOT_RUNNING ;;
  '')
    echo "usage: demo-service.sh start|stop|monitor" >&2
    exit $OCF_ERR_ARGS ;;
  *)
    echo "demo-service: unknown action '$1'; expected start, stop or monitor" >&2
    exit $OCF_ERR_UNIMPLEMENTED ;;
esac
