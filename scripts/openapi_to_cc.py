#!/usr/bin/env python3
"""Turns docs/openapi.yaml into a C++ source holding it as JSON (served at /v1/openapi.json).

usage: openapi_to_cc.py IN.yaml OUT.cc
Fails when the document is not OpenAPI 3.1 or an operation has no responses.
"""
import json
import sys

import yaml

METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def main(source, target):
    with open(source, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not str(doc.get("openapi", "")).startswith("3.1"):
        sys.exit(f"{source}: not an OpenAPI 3.1 document")
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            if method in METHODS and not op.get("responses"):
                sys.exit(f"{source}: {method.upper()} {path} has no responses")
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    if ")openapi\"" in text:
        sys.exit(f"{source}: holds the raw-string delimiter")
    with open(target, "w", encoding="utf-8") as f:
        f.write("// Generated from docs/openapi.yaml by scripts/openapi_to_cc.py; do not edit.\n")
        f.write('#include "services/gateway/openapi.h"\n\n')
        f.write("namespace ibasho::gateway {\n\n")
        f.write('const char kOpenApiJson[] = R"openapi(' + text + ')openapi";\n\n')
        f.write("}  // namespace ibasho::gateway\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
