"""Domain services: accounts, registry, rounds, the confirmation chain, uploads, conflicts, audit, scope.

Plain functions `f(db, actor, ...)` over `server.storage`; they know nothing of HTTP, pages or the CLI.
"""
