"""sqlparse formatting generated SQL: lexing, grouping and reindenting
SELECTs with joins, subqueries, CASE and window functions."""

import random

import sqlparse

NAME = "sqlparse_format"
REQUIREMENTS = "sqlparse==0.5.1\n"

TABLES = ("orders", "customers", "items", "stock", "regions")
COLUMNS = ("id", "name", "price", "amount", "created_at", "region_id", "customer_id", "status")


def query(rng, depth=0):
    cols = ", ".join("%s.%s" % (rng.choice("abc"), rng.choice(COLUMNS)) for _ in range(rng.randint(2, 6)))
    case = "case when a.price > %d then 'high' when a.price > %d then 'mid' else 'low' end as band" % (
        rng.randint(50, 99), rng.randint(1, 49))
    window = "sum(a.amount) over (partition by a.region_id order by a.created_at) as running"
    sub = "(%s)" % query(rng, depth + 1) if depth < 2 and rng.random() < 0.5 else rng.choice(TABLES)
    return ("select %s, %s, %s from %s a join %s b on a.id = b.%s left join %s c on c.id = a.%s "
            "where a.status in ('open', 'paid') and b.price between %d and %d group by %s order by %s desc limit %d"
            % (cols, case, window, sub, rng.choice(TABLES), rng.choice(COLUMNS), rng.choice(TABLES),
               rng.choice(COLUMNS), rng.randint(1, 50), rng.randint(51, 500), rng.choice(COLUMNS),
               rng.choice(COLUMNS), rng.randint(1, 100)))


rng = random.Random(3)
SQL = ";\n".join(query(rng) for _ in range(25))


def bench():
    text = sqlparse.format(SQL, reindent=True, keyword_case="upper")
    return len(text), text[:300]
