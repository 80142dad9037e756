"""The province-scale benchmark suite (issue 15): `python manage.py bench --scale N` / `make bench`.

data.py builds the data with PostgreSQL COPY, endpoints.py discovers the list pages and API lists from
the URL configuration, wrk.py drives wrk against gunicorn and parses its output, measures.py times the
jobs, imports and exports beside their physical references, report.py prints the table and writes JSON
under bench/results/.
"""
