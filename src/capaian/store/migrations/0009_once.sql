-- capaian store, schema version 9: unique constraints behind every "once" rule (duplicates stored
-- before were merged by version 8): a submission once per content hash, cut-off and scope; a run
-- once per identity (cut-off, rubric, target set, fact revision); one result row per run, region
-- and indicator.
CREATE UNIQUE INDEX submissions_once ON submissions (content_hash, cutoff, coalesce(scope_region, ''));
CREATE UNIQUE INDEX evaluation_runs_once ON evaluation_runs (cutoff, rubric, coalesce(target_set, ''), coalesce(fact_revision, -1));
CREATE UNIQUE INDEX results_indicators_once ON results_indicators (run_id, region_code, indicator);
CREATE UNIQUE INDEX results_regions_once ON results_regions (run_id, region_code);
