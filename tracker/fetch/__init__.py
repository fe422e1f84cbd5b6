"""Fetching shop pages: the polite httpx fetcher and the user's signed-in browser.

    fetcher.py     Fetcher: conditional requests, size caps, backoff, what happened
    policy.py      FetchPolicy: what a fetcher may do, built from the user's settings
    result.py      FetchResult / FetchOutcome, shared by both fetchers
    politeness.py  per-host concurrency, spacing and backing off on 429/503
    robots.py      robots.txt read the RFC 9309 way, remembered per origin
    cookies.py     the cookies the user chose to give, kept like a password
    loginwall.py   where shops send a visitor they will not serve
    browser.py     browser mode: render a page in the user's own Chrome/Chromium

Bytes come out of here; what the bytes say is `tracker.extract`'s business.
"""
