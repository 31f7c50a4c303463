#!/bin/sh
# Healthy only when traffic leaves through the tunnel: gluetun's own check passes (tunnel up), and a request through
# the HTTP proxy reaches the outside. gluetun's firewall drops everything that is not the tunnel, so that request can
# only have gone out through it. With EGRESS_EXPECTED_IP set, the address the outside sees must be that exit.
set -eu
/gluetun-entrypoint healthcheck
seen="$(http_proxy=http://127.0.0.1:8888 https_proxy=http://127.0.0.1:8888 wget -q -T 8 -O - "$EGRESS_CHECK_URL")"
if [ -z "$seen" ]; then
  echo "no answer through the proxy" >&2
  exit 1
fi
if [ -n "${EGRESS_EXPECTED_IP:-}" ] && [ "$seen" != "$EGRESS_EXPECTED_IP" ]; then
  echo "traffic leaves as $seen, not the tunnel exit $EGRESS_EXPECTED_IP" >&2
  exit 1
fi
