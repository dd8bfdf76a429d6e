# Sourced by .ci/run (and by developers: `source .ci/sarif.sh`).
# Installs Microsoft's SARIF multitool from npm into a throwaway prefix and
# exports SARIF_MULTITOOL, which crates/report/tests/encoders.rs uses to run
# `sarif-multitool validate` on the SARIF the encoder writes (the tests also
# check it against the 2.1.0 schema in ../shared/schemas when present).
# Without the variable the multitool checks are skipped with a message.
# Under CI a failed install fails the run; elsewhere it only warns.

sarif_multitool_install() {
  local prefix="${SARIF_MULTITOOL_PREFIX:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/sentrascan-sarif-multitool}"
  local version="5.7.0"
  local bin="$prefix/node_modules/.bin/sarif-multitool"
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq >/dev/null && apt-get install -y -qq nodejs npm >/dev/null || return 1
    else
      return 1
    fi
  fi
  if ! "$bin" --version 2>/dev/null | grep -q "$version"; then
    rm -rf "$prefix"
    mkdir -p "$prefix"
    npm install --silent --no-audit --no-fund --prefix "$prefix" "@microsoft/sarif-multitool@$version" >/dev/null || return 1
    # The package ships a native binary per platform; its postinstall only
    # makes it executable, which newer npm may skip.
    chmod u+x "$prefix"/node_modules/@microsoft/sarif-multitool-*/Sarif.Multitool 2>/dev/null || true
  fi
  "$bin" --version >/dev/null 2>&1 || return 1
  export SARIF_MULTITOOL="$bin"
  echo "SARIF multitool: $SARIF_MULTITOOL ($version)"
}

if ! sarif_multitool_install; then
  if [ "${CI:-}" = "true" ]; then
    echo "error: could not install the SARIF multitool (npm @microsoft/sarif-multitool)" >&2
    exit 1
  fi
  echo "warning: SARIF multitool not installed; its validation of the SARIF report will be skipped" >&2
fi
