#!/usr/bin/env bash
# Starts the action server, the Rasa server and the demo page together; Ctrl-C stops all.
# Used by `make run` (website + REST channel) and `make shell` (terminal chat).
#
# Options (environment):
#   PROFILE=production   PostgreSQL tracker store + Redis locks + only server-issued ids
#                        (several replicas: make scale-up, see docs/deploy.md)
#   RASA_API_TOKEN=...   also open Rasa's HTTP API, protected by this token
#   SITE_ORIGIN=...      the only origin allowed by CORS (default http://localhost:8000)
#   RASA_HOST=...        the interface Rasa listens on (default 127.0.0.1: the page server
#                        and local tools reach it there; a proxy in front publishes it)
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
RASA_PORT="${RASA_PORT:-5005}"
RASA_HOST="${RASA_HOST:-127.0.0.1}"
ACTION_PORT="${ACTION_PORT:-5055}"
WEB_PORT="${WEB_PORT:-8000}"
MODEL="${MODEL:-models/current.tar.gz}"
SITE_ORIGIN="${SITE_ORIGIN:-http://localhost:${WEB_PORT}}"
export BOT_ACTION_URL="${BOT_ACTION_URL:-http://127.0.0.1:${ACTION_PORT}/webhook}"

if [[ "${PROFILE:-local}" == "production" ]]; then
  CONFIG_DIR=deploy/production
  # The BOT_* settings with their defaults (bot/preflight.py), then the stores
  # are checked: a missing database or Redis stops here with a clear message.
  eval "$("$VENV/bin/python" -m bot.preflight --shell-env)"
  checks="$(mktemp)"
  if ! "$VENV/bin/python" -W ignore -m bot.preflight --endpoints "$CONFIG_DIR/endpoints.yml" \
       >"$checks" 2>&1; then
    grep -E '^ERROR' "$checks" >&2 || cat "$checks" >&2
    rm -f "$checks"; exit 1
  fi
  grep -E '^ok' "$checks" || true; rm -f "$checks"
else
  CONFIG_DIR=.
  mkdir -p var && chmod 700 var
  # Keep the promise of the privacy notice: nothing older than 30 days stays stored.
  # (Production runs the same command daily from cron, see README.)
  "$VENV/bin/python" -m bot.retention --days "${RETENTION_DAYS:-30}" || true
fi

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# The action server only listens on localhost: nothing outside needs to reach it.
action_log=/dev/stdout
if [[ "${1:-}" == "--shell" ]]; then
  mkdir -p var && chmod 700 var && : >var/shell.log && chmod 600 var/shell.log
  action_log=var/shell.log
fi
SANIC_HOST="${ACTION_HOST:-127.0.0.1}" "$VENV/bin/rasa" run actions --actions actions \
  --port "$ACTION_PORT" --quiet >>"$action_log" 2>&1 &
pids+=($!)

if [[ "${1:-}" == "--shell" ]]; then
  # The terminal chat goes through the same web channel as the website (input guard,
  # redaction before storage, limits), not through `rasa shell`, which would store
  # raw text. Server output goes to a private log so the chat stays readable.
  echo "De assistent start (dat duurt ongeveer een halve minuut; logboek: var/shell.log)."
  "$VENV/bin/rasa" run --model "$MODEL" --interface "$RASA_HOST" --port "$RASA_PORT" \
    --credentials "$CONFIG_DIR/credentials.yml" --endpoints "$CONFIG_DIR/endpoints.yml" \
    >>var/shell.log 2>&1 &
  pids+=($!)
  "$VENV/bin/python" -m bot.shell --url "http://127.0.0.1:${RASA_PORT}"
  exit $?
fi

api_args=()
if [[ -n "${RASA_API_TOKEN:-}" ]]; then
  api_args=(--enable-api --auth-token "$RASA_API_TOKEN")
fi

"$VENV/bin/python" -m bot.web --port "$WEB_PORT" --rasa-url "http://127.0.0.1:${RASA_PORT}" &
pids+=($!)

cat <<INFO

  De assistent start (dat duurt ongeveer een halve minuut).
    Website met chatvenster:  http://localhost:${WEB_PORT}
    REST-kanaal:              http://localhost:${RASA_PORT}/webhooks/rest/webhook
      curl -s -X POST http://localhost:${RASA_PORT}/webhooks/rest/webhook \\
           -H 'Content-Type: application/json' \\
           -d '{"sender": "test-gesprek", "message": "Wat is mensenhandel?"}'
    In de terminal chatten:   make shell
  Stoppen: Ctrl-C.

INFO
"$VENV/bin/rasa" run --model "$MODEL" --interface "$RASA_HOST" --port "$RASA_PORT" \
  --credentials "$CONFIG_DIR/credentials.yml" --endpoints "$CONFIG_DIR/endpoints.yml" \
  --cors "$SITE_ORIGIN" "${api_args[@]}" &
pids+=($!)
wait -n "${pids[@]}"
