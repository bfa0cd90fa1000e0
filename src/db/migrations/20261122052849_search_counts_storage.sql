-- Custom SQL migration file, put your code below! --
-- dataset_facet_counts is a small table of hot counters: every change of a dataset's facets rewrites a
-- few dozen of its rows. Half-full pages keep those updates HOT (no index entry, the old version pruned
-- on the page), and vacuuming after a fixed number of dead rows, rather than a fraction of a table this
-- small, keeps it from bloating under steady writes.
ALTER TABLE "dataset_facet_counts" SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);
