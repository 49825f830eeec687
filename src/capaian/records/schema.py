"""The one description of the rows people read (`schema.yaml`, a Frictionless Table Schema).

    fields("indicator")            # names of one group, in order
    table_schema(["ktp_el", ...])  # the Frictionless schema of a results CSV/Parquet file

Every surface names its fields from here: the record set (`capaian.records.build`), its renderers
(`capaian.records.render`) and the OpenAPI response models (`capaian.records.models`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent
GROUPS = ("run", "region", "indicator")
SEPARATOR = "."  # CSV column of an indicator field: `<indicator id>.<field>`


@lru_cache(maxsize=1)
def schema() -> dict:
    """The schema file as a dict (fields with `name`, `group`, `type`, `description`)."""
    import yaml

    return yaml.safe_load((HERE / "schema.yaml").read_text(encoding="utf-8"))


def fields(group: str) -> tuple[str, ...]:
    return tuple(f["name"] for f in schema()["fields"] if f["group"] == group)


def field_types(group: str) -> dict[str, str]:
    return {f["name"]: f["type"] for f in schema()["fields"] if f["group"] == group}


def columns(indicator_ids) -> list[str]:
    """The columns of a results table: run, region, then every indicator field per indicator."""
    out = list(fields("run")) + list(fields("region"))
    for ind in indicator_ids:
        out += [f"{ind}{SEPARATOR}{name}" for name in fields("indicator") if name != "indicator"]
    return out


def table_schema(indicator_ids) -> dict:
    """A Frictionless Table Schema of a results file whose rubric has `indicator_ids`."""
    base = schema()
    out = []
    for f in base["fields"]:
        plain = {k: v for k, v in f.items() if k != "group"}
        if f["group"] != "indicator":
            out.append(plain)
    for ind in indicator_ids:
        for f in base["fields"]:
            if f["group"] == "indicator" and f["name"] != "indicator":
                out.append({**{k: v for k, v in f.items() if k != "group"}, "name": f"{ind}{SEPARATOR}{f['name']}"})
    return {"fields": out, "missingValues": base.get("missingValues", [""]), "primaryKey": ["run_id", "code"]}
