# Sourced by .ci/run: installs moto's S3 server (PyPI, pinned) into a
# virtualenv for the s3:// tests of crates/sources and exports
# MOTO_SERVER_BIN. Without Python or PyPI the S3 tests skip and say so.
_sources_venv="${SENTRASCAN_SOURCES_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/sentrascan-model-ci/venv-sources}"
if [ ! -x "$_sources_venv/bin/moto_server" ]; then
  if command -v python3 >/dev/null 2>&1 \
    && python3 -m venv "$_sources_venv" >/dev/null 2>&1 \
    && "$_sources_venv/bin/pip" install --quiet --disable-pip-version-check \
         -r "$(dirname "${BASH_SOURCE[0]}")/requirements-sources.txt"; then
    :
  else
    echo "warning: could not install moto[server]; the s3:// tests will be skipped" >&2
  fi
fi
if [ -x "$_sources_venv/bin/moto_server" ]; then
  export MOTO_SERVER_BIN="$_sources_venv/bin/moto_server"
fi
unset _sources_venv
