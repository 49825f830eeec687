"""The record set: the rows people read of a run and scope, named once (`schema.yaml`), and one
renderer per data format over it (`render`). Pages, their twins, the API and the CLI all read it."""

from capaian.records.build import (
    clean, flag_items, region_record, region_set, records, results_set, run_record,
)
from capaian.records.render import FORMATS, Table, csv_text, plain_table, render, results_table
from capaian.records.schema import fields, table_schema

__all__ = ["FORMATS", "Table", "clean", "csv_text", "plain_table", "fields", "flag_items", "region_record", "region_set", "records",
           "render", "results_set", "results_table", "run_record", "table_schema"]
