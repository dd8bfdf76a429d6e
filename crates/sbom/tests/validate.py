#!/usr/bin/env python3
"""Validates an SBOM with the official validators.

    validate.py cyclonedx FILE [1.5|1.6]   OWASP cyclonedx-python-lib, strict JSON schema
    validate.py spdx FILE                  spdx-tools: parse, then full SPDX 2.3 validation

Prints the problems and exits 1 when the document is invalid, 0 when valid.
Run by the sentrascan-sbom tests through $SBOM_VALIDATOR_PYTHON (set up by
.ci/sbom-validators.sh).
"""
import sys


def cyclonedx(path: str, version: str) -> int:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    schema = {"1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6}[version]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    error = JsonStrictValidator(schema).validate_str(text)
    if error is not None:
        print(f"{path}: invalid CycloneDX {version}: {error}")
        return 1
    return 0


def spdx(path: str) -> int:
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    document = parse_file(path)
    messages = validate_full_spdx_document(document)
    for m in messages:
        print(f"{path}: {m.validation_message} ({m.context})")
    return 1 if messages else 0


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "cyclonedx":
        return cyclonedx(path, sys.argv[3] if len(sys.argv) > 3 else "1.6")
    if kind == "spdx":
        return spdx(path)
    print(f"unknown kind {kind}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
