"""`field__any=ids`: one array parameter instead of an IN list of thousands of placeholders (issue 15).

On PostgreSQL `field = ANY(%s)` with the ids as one array: building and planning the SQL of a 5,000-item
`IN (...)` took two-thirds of the eligibility evaluation's time; the array did the same reads 3.9x faster.
Other databases (SQLite in tests) get the plain IN list.
"""

from django.db.models import Field, ForeignObject, Lookup


@ForeignObject.register_lookup  # relations do not inherit Field's lookups
@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def _ids(self) -> list:
        return list(self.rhs)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, self._ids()]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = self._ids()
        if not ids:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]
