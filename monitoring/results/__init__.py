"""School results: ВПР, ОГЭ and ЕГЭ per school, subject, grade and year against the municipal
average; olympiad participation; the XLSX imports with their preview and the blank templates.

- ``queries``: reading (a school's series, the municipal averages, the municipality's schools);
- ``services``: entering, correcting and deleting one result, and what a result may be;
- ``importer``: what the imports share (the safe reading of a workbook, the school matcher, the
  all-or-nothing save); ``exam_import`` and ``olympiad_import``: the two tables;
- ``template``: the blank workbooks;
- ``forms``, ``views``, ``urls``: the pages.
"""
