# Sourced by .ci/run (and by developers: `source .ci/sbom-validators.sh`).
# Installs the official SBOM validators into a throwaway virtualenv and
# exports SBOM_VALIDATOR_PYTHON, which the sentrascan-sbom tests use to run
# crates/sbom/tests/validate.py on every document they generate:
#   - OWASP cyclonedx-python-lib with its JSON-validation extra (CycloneDX 1.5/1.6)
#   - spdx-tools (SPDX 2.3)
# Without the variable those checks are skipped with a message. Under CI a
# failed install fails the run; elsewhere it only warns.

sbom_validators_install() {
  local venv="${SBOM_VALIDATOR_VENV:-${TMPDIR:-/tmp}/sentrascan-sbom-validators}"
  local want="cyclonedx-python-lib[json-validation]==11.12.0 spdx-tools==0.8.5"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import cyclonedx.validation.json, spdx_tools' 2>/dev/null; then
    rm -rf "$venv"
    if ! python3 -m venv "$venv" 2>/dev/null; then
      # Debian splits ensurepip into python3-venv.
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq >/dev/null && apt-get install -y -qq python3-venv >/dev/null || return 1
        rm -rf "$venv"
        python3 -m venv "$venv" || return 1
      else
        return 1
      fi
    fi
    # shellcheck disable=SC2086
    "$venv/bin/pip" install --quiet --disable-pip-version-check $want || return 1
  fi
  "$venv/bin/python" -c 'import cyclonedx.validation.json, spdx_tools' || return 1
  export SBOM_VALIDATOR_PYTHON="$venv/bin/python"
  echo "SBOM validators: $SBOM_VALIDATOR_PYTHON (cyclonedx-python-lib 11.12.0, spdx-tools 0.8.5)"
}

if ! sbom_validators_install; then
  if [ "${CI:-}" = "true" ]; then
    echo "error: could not install the SBOM validators (cyclonedx-python-lib, spdx-tools)" >&2
    exit 1
  fi
  echo "warning: SBOM validators not installed; the official-validator checks will be skipped" >&2
fi
