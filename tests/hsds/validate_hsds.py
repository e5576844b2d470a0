#!/usr/bin/env python3
"""Validates ibasho's HSDS output against the HSDS 3.0 JSON schemas (offline).

usage: validate_hsds.py SCHEMA_DIR KIND=FILE [KIND=FILE ...]

KIND is one of
  organization, service, service_at_location, taxonomy, taxonomy_term  one object
  export                              {"organizations": [...]}: every organization and its services
  page:services, page:organizations, page:service_at_locations,
  page:taxonomies, page:taxonomy_terms  an HSDA Page envelope and every item in it
Exits 1 with one line per problem when anything is invalid.
"""
import json
import pathlib
import sys

import jsonschema

try:  # jsonschema >= 4.18
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError:  # Debian 12's 4.10: RefResolver
    Registry = None

BASE = "https://hsds.invalid/schema/"
PAGE_KEYS = {"total_items": int, "total_pages": int, "page_number": int, "size": int,
             "first_page": bool, "last_page": bool, "empty": bool, "contents": list}
# What each HSDA list holds: the compiled one-to-one schema where the spec has one.
PAGE_ITEM = {"services": "compiled/service_list.json", "organizations": "compiled/organization_list.json",
             "service_at_locations": "compiled/service_at_location_list.json",
             "taxonomies": "taxonomy.json", "taxonomy_terms": "taxonomy_term.json"}


def load_store(schema_dir):
    store = {}
    for path in sorted(schema_dir.rglob("*.json")):
        rel = path.relative_to(schema_dir).as_posix()
        if rel != "openapi.json":
            # Each schema gets its own location as $id, so its relative $refs resolve beside it.
            store[BASE + rel] = {"$id": BASE + rel, **json.loads(path.read_text())}
    return store


class Checker:
    def __init__(self, schema_dir):
        self.store = load_store(schema_dir)
        if Registry is not None:
            self.registry = Registry().with_resources(
                (uri, Resource.from_contents(c, default_specification=DRAFT202012)) for uri, c in self.store.items())
        self.problems = []
        self.checked = 0

    def validator(self, schema):
        uri = BASE + schema
        checker = jsonschema.FormatChecker()
        if Registry is not None:
            return jsonschema.Draft202012Validator(self.store[uri], registry=self.registry, format_checker=checker)
        resolver = jsonschema.RefResolver(base_uri=uri, referrer=self.store[uri], store=self.store)
        return jsonschema.Draft202012Validator(self.store[uri], resolver=resolver, format_checker=checker)

    def check(self, schema, doc, where):
        validator = self.validator(schema)
        for error in validator.iter_errors(doc):
            path = "/".join(str(p) for p in error.absolute_path)
            self.problems.append(f"{where}: {schema} at /{path}: {error.message}")
        self.checked += 1

    def organization(self, org, where):
        self.check("organization.json", org, where)
        for i, svc in enumerate(org.get("services", [])):
            self.check("service.json", svc, f"{where}.services[{i}]")

    def run(self, kind, doc, where):
        if kind == "export":
            orgs = doc.get("organizations")
            if not isinstance(orgs, list):
                self.problems.append(f"{where}: no organizations array")
                return
            for i, org in enumerate(orgs):
                self.organization(org, f"{where}.organizations[{i}]")
        elif kind == "organization":
            self.organization(doc, where)
        elif kind.startswith("page:"):
            what = kind[len("page:"):]
            for key, typ in PAGE_KEYS.items():
                if not isinstance(doc.get(key), typ):
                    self.problems.append(f"{where}: Page field {key} missing or not {typ.__name__}")
            for i, item in enumerate(doc.get("contents", [])):
                self.check(PAGE_ITEM[what], item, f"{where}.contents[{i}]")
        else:
            self.check(f"{kind}.json", doc, where)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    checker = Checker(pathlib.Path(argv[1]))
    for arg in argv[2:]:
        kind, _, file = arg.partition("=")
        checker.run(kind, json.loads(pathlib.Path(file).read_text()), file)
    for p in checker.problems[:50]:
        print(p)
    print(f"{checker.checked} objects checked, {len(checker.problems)} problems")
    return 1 if checker.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
