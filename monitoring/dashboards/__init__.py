"""Progress dashboards: region, municipality, school and roadmap.

- ``queries``: the figures, each one SQL aggregate over (deadline window, executor) pairs;
- ``page``: what a dashboard page shows (paginated tables, chart data);
- ``export``: the same figures as an XLSX workbook, one sheet per breakdown;
- ``forms``: the «as of» date, the academic year and a coordinator's own schools;
- ``demo``: marks for the Таганрог roadmap, so that the demo dashboards have something to show.
"""
