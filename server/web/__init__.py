"""The web layer: the Flask app factory, the JSON API, the pages, auth and the consolidated and xlwings routes.

Routes are thin: they parse the request, call a domain service, shape the answer.
"""
