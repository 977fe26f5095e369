-- app list --search scans this index instead of the whole table: the rows
-- carry their documents, the index only the search text.
CREATE INDEX applications_search ON applications (search);
