"""Jinja2 rendering a report template: loops, conditionals, filters,
macros and inheritance over generated records."""

import random

import jinja2

NAME = "jinja2_render"
REQUIREMENTS = "jinja2==3.1.4\nmarkupsafe==3.0.2\n"

TEMPLATES = {
    "base.html": """<html><head><title>{% block title %}{% endblock %}</title></head>
<body>{% block body %}{% endblock %}</body></html>""",
    "report.html": """{% extends "base.html" %}
{% macro cell(value, warn) -%}
<td class="{{ 'warn' if value > warn else 'ok' }}">{{ value|round(2) }}</td>
{%- endmacro %}
{% block title %}{{ title|title }}{% endblock %}
{% block body %}
<h1>{{ title }}</h1>
<table>
{% for row in rows %}
<tr class="{{ loop.cycle('odd', 'even') }}"><td>{{ loop.index }}</td><td>{{ row.name|e }}</td>
{% for value in row['values'] %}{{ cell(value, 50) }}{% endfor %}
<td>{{ row['values']|sum|round(1) }}</td><td>{{ row.tags|join(', ')|upper }}</td></tr>
{% endfor %}
</table>
{% if rows|length > 10 %}<p>{{ rows|length }} rows, {{ rows|selectattr('flag')|list|length }} flagged</p>{% endif %}
{% endblock %}""",
}

ENV = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), autoescape=True)
TEMPLATE = ENV.get_template("report.html")
rng = random.Random(9)
ROWS = [{"name": "item <%d> & co" % i, "values": [rng.uniform(0, 100) for _ in range(8)],
         "tags": rng.sample(["a", "b", "c", "d", "e"], 3), "flag": rng.random() < 0.3} for i in range(300)]


def bench():
    html = TEMPLATE.render(title="quarterly figures", rows=ROWS)
    return len(html), html[-300:]
