#!/bin/sh
# `npm start`: the api and one worker in one terminal. Both apps' environment is checked
# before either starts, so every bad variable of both shows at once (concurrently would
# otherwise stop the api before it printed its own list).
api=dist/apps/api/main.js
worker=dist/apps/worker/main.js

bad=0
for app in api worker; do
  main=$api
  [ "$app" = worker ] && main=$worker
  if ! problems=$(node "$main" --check-env 2>&1); then
    printf '%s: %s\n' "$app" "$problems" >&2
    bad=1
  fi
done
if [ "$bad" -ne 0 ]; then
  echo 'Nothing was started: fix the variables above (see the Configuration table in README.md).' >&2
  exit 1
fi

exec concurrently --kill-others-on-fail --names api,worker \
  "node --initial-old-space-size=128 dist/apps/api/main.js" \
  "node --initial-old-space-size=64 dist/apps/worker/main.js"
