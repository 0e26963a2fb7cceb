"""Progress dashboards: region, municipality, school and roadmap.

- ``queries``: the figures, each one SQL aggregate over (deadline window, executor) pairs;
- ``page``: what a dashboard page shows (paginated tables, chart data);
- ``export``: the same figures as an XLSX workbook, one sheet per breakdown;
- ``forms``: the «as of» date, the academic year and a coordinator's own schools;
- ``views``, ``urls``: the pages and the export download.

The demo marks that give the demo dashboards something to show: ``monitoring.demo.dashboards``.
"""
