"""The LEC Sheets server: accounts, rounds, uploads, the confirmation chain, audit trail and web pages."""
