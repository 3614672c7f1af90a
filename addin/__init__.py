"""The xlwings add-in: validate, upload, status and confirm from inside Excel.

- `actions`: the four actions on an xlwings `Book` (any engine), writing marks and sheets back;
- `book_io` / `sheets`: reading the Book's values, writing the findings/status/settings sheets;
- `client`: the HTTP client and the token cache (`~/.lec-sheets`); `Backend` is what actions need;
- `macros`: RunPython entry points of the classic add-in; `server/web/xlwings_route.py` serves the same
  actions over xlwings' server protocol; `remote`: loading xlwings' remote engine;
- `merge`: the LAO's folder merge; `vba` / `xlsm`: the buttons' VBA module and the .xlsm template.
"""
