"""The xlwings add-in: validate, upload, status and confirm from inside Excel."""
