"""Security headers on every response, HTTPS behind a reverse proxy (issue 10, item 4).

Why these headers: the pages show citizen IDs and let officers confirm data that decides subsidies, so
a page must not run script it did not ship (CSP: scripts only from /static, no inline script, no
`eval`), must not be framed by another site (frame-ancestors 'none' and X-Frame-Options DENY, for old
browsers), must not be content-sniffed into HTML (nosniff), and must not leak its URLs (which name
units and rounds) to other sites (Referrer-Policy). Six fixed headers need no library; flask-talisman
would also force HTTPS redirects, which a server on a LAN without TLS must not do.

HTTPS: `LEC_HTTPS=1` says the site is served over HTTPS: cookies are always Secure and browsers are
told to stay on HTTPS (HSTS). Behind a reverse proxy that terminates TLS, `LEC_PROXY_HOPS=N` (N proxies,
usually 1) makes werkzeug's ProxyFix trust N `X-Forwarded-For/-Proto/-Host` headers, so the login
guard sees the clerk's address rather than the proxy's, and a request that came in over HTTPS is known
as such (its cookie is Secure even without LEC_HTTPS). Never set it without a proxy: anyone could
then claim any address.

    install(app)    after_request headers, ProxyFix, Secure cookies
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self';"
    " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"


def install(app: Flask) -> None:
    """Headers on every response (errors and static files too), and the HTTPS / proxy settings."""
    https = bool(app.config.get("HTTPS"))
    if https:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    @app.after_request
    def _headers(resp: Response) -> Response:
        for name, value in HEADERS.items():
            resp.headers.setdefault(name, value)
        if https:
            resp.headers.setdefault("Strict-Transport-Security", HSTS)
        return resp
