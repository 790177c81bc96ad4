#!/usr/bin/env bash
# Two gunicorn app servers on loopback behind nginx (Debian's package) as the load balancer.
#
#   scripts/scale_out.sh start|stop|status
#
# Needs DATABASE_URL, REDIS_URL (sessions and cache, shared by both servers) and SECRET_KEY in the
# environment; DEBUG stays off. Everything lives in STATE_DIR (nginx.conf, pid files, logs): no
# system configuration is read or changed, and `stop` ends only the processes whose pids it wrote.
set -euo pipefail
cd "$(dirname "$0")/.."

STATE_DIR="${STATE_DIR:-${TMPDIR:-/tmp}/diplocourse-scale-out}"
APP_PORTS="${APP_PORTS:-8701 8702}"
LB_PORT="${LB_PORT:-8700}"
WORKERS="${WORKERS:-1}"
GUNICORN="${GUNICORN:-.venv/bin/gunicorn}"

wait_port() {
  for _ in $(seq 1 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "nothing answers on 127.0.0.1:$1 (see $STATE_DIR)" >&2
  return 1
}

start() {
  : "${DATABASE_URL:?DATABASE_URL is required}" "${REDIS_URL:?REDIS_URL is required (sessions shared by the servers)}"
  : "${SECRET_KEY:?SECRET_KEY is required}"
  command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install -y nginx)" >&2; return 2; }
  mkdir -p "$STATE_DIR/nginx-temp"
  export DEBUG=0
  upstream=""
  for port in $APP_PORTS; do
    "$GUNICORN" diplocourse.wsgi --bind "127.0.0.1:$port" --workers "$WORKERS" --daemon \
      --pid "$STATE_DIR/app-$port.pid" --error-logfile "$STATE_DIR/app-$port.log" --graceful-timeout 5
    upstream+="    server 127.0.0.1:$port max_fails=1 fail_timeout=2s;"$'\n'
  done
  user_line=""
  if [ "$(id -u)" = 0 ]; then user_line="user root;"; fi
  cat >"$STATE_DIR/nginx.conf" <<CONF
$user_line
worker_processes 1;
pid $STATE_DIR/nginx.pid;
error_log $STATE_DIR/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $STATE_DIR/nginx-temp/body;
  proxy_temp_path $STATE_DIR/nginx-temp/proxy;
  fastcgi_temp_path $STATE_DIR/nginx-temp/fastcgi;
  uwsgi_temp_path $STATE_DIR/nginx-temp/uwsgi;
  scgi_temp_path $STATE_DIR/nginx-temp/scgi;
  upstream diplocourse {
$upstream    keepalive 16;
  }
  server {
    listen 127.0.0.1:$LB_PORT;
    location / {
      proxy_pass http://diplocourse;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host:\$server_port;
      # Only idempotent requests move to the other server: a POST is never sent twice.
      proxy_next_upstream error timeout;
      proxy_connect_timeout 1s;
    }
  }
}
CONF
  nginx -p "$STATE_DIR" -c "$STATE_DIR/nginx.conf" -e "$STATE_DIR/nginx-error.log"
  for port in $APP_PORTS "$LB_PORT"; do wait_port "$port"; done
  echo "app servers on $APP_PORTS, nginx on 127.0.0.1:$LB_PORT (state in $STATE_DIR)"
}

stop() {
  for pidfile in "$STATE_DIR"/nginx.pid "$STATE_DIR"/app-*.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$pidfile"
  done
}

status() {
  for pidfile in "$STATE_DIR"/nginx.pid "$STATE_DIR"/app-*.pid; do
    [ -f "$pidfile" ] && echo "$(basename "$pidfile" .pid): $(cat "$pidfile")"
  done
  return 0
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
