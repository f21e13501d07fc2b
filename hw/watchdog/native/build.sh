#!/bin/sh
# Build the optional watchdog ioctl helper. Output: hw/watchdog/native/build/edge-ha-wdctl
# (the build/ directory is not tracked by git). Exit 0 with the path on stdout; exit 1 with
# the reason on stderr when no C compiler is found or the build fails; the daemon then runs
# without the helper (keepalive and sysfs reads still work).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/build"
cc_bin=${CC:-cc}
if ! command -v "$cc_bin" >/dev/null 2>&1; then
  echo "edge-ha-wdctl: no C compiler ($cc_bin) on PATH; the watchdog helper is not built" >&2
  exit 1
fi
mkdir -p "$out"
# Build to a temporary name and rename, so a half-written binary is never picked up.
"$cc_bin" -std=c11 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -o "$out/edge-ha-wdctl.tmp" "$here/edge-ha-wdctl.c"
mv -f "$out/edge-ha-wdctl.tmp" "$out/edge-ha-wdctl"
echo "$out/edge-ha-wdctl"
