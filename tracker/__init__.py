"""Prices in, alerts out, in rooms named for what they own.

    fetch/     shop pages in: the polite fetcher, robots, cookies, the user's browser
    extract/   page text in, a price with its evidence out (pure, no network, no store)
    store/     tables, engine, migrations, repository, frozen views
    checks/    one check, its lease and outcome, the scheduler and its explicit jobs
    alerts/    rules, outbox, channels, price protection
    queries/   read models for the app and the CLI (never write)
    shop/      the loopback shop used by the demo and the tests

At the root: `errors` (this package's branch of the error tree), `locations` (every file
daoshou reads or writes), `platforms` (which platform a URL belongs to, and its names),
`settings` (the user's settings file).

`tracker` never imports `tui` (nor Textual or Rich); it may use `planner`'s pure values.
"""
