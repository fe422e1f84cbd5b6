"""The fixture shop: a real HTTP shop on loopback for the demo, the tests and benchmarks.

    server.py   the shop's routes, faults and state; `python -m tracker.shop.server`
    handler.py  how the shop answers one request
    pages.py    the catalogue and how its product pages look
    client.py   start the shop as a subprocess and drive it over its admin endpoints

Nothing else in `tracker` imports this package.
"""
