#!/usr/bin/env bash
# Starts the action server and the Rasa server together; Ctrl-C stops both.
# Used by `make run` (REST channel) and `make shell` (terminal chat).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
RASA_PORT="${RASA_PORT:-5005}"
ACTION_PORT="${ACTION_PORT:-5055}"
MODEL="${MODEL:-models/current.tar.gz}"

mkdir -p var
SANIC_HOST="${ACTION_HOST:-127.0.0.1}" "$VENV/bin/rasa" run actions --actions actions --port "$ACTION_PORT" --quiet &
actions_pid=$!
trap 'kill "$actions_pid" 2>/dev/null; wait "$actions_pid" 2>/dev/null || true' EXIT INT TERM

if [[ "${1:-}" == "--shell" ]]; then
  "$VENV/bin/rasa" shell --model "$MODEL" --endpoints endpoints.yml --quiet
  exit 0
fi

cat <<INFO

  De assistent start. Praat ermee via het REST-kanaal:
    curl -s -X POST http://localhost:${RASA_PORT}/webhooks/rest/webhook \\
         -H 'Content-Type: application/json' \\
         -d '{"sender": "test", "message": "Wat is mensenhandel?"}'
  of in de terminal met: make shell.  Stoppen: Ctrl-C.

INFO
"$VENV/bin/rasa" run --model "$MODEL" --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml
