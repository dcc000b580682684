#!/usr/bin/env bash
# Installs n8n 1.123.81 on Node 22 for the 1.x e2e suite (test/e2e/v1): install.sh's 1.x line.
exec bash "$(dirname "$0")/install.sh" 1x "$@"
