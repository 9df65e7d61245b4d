"""Roster and training imports (guideline G13): one converter per file format (csv.py, xlsx.py)
turns a file into a table of cells; convert.py turns cells into canonical rows (rows.py) with
errors naming row and column; diff.py compares the rows with the agency's data; the services in
mhr/campaigns/services/imports.py preview and commit through the roster services."""
