"""Price-drop alerts: rules on recorded prices, an outbox in the database, Apprise delivery.

rules.py       the rule kinds (target, drop, lowest, in_stock) and their contract
protection.py  price protection (价保): windows per platform and its rule kind
kinds.py       the table of every kind, built in one place: rule_kind(name)
history.py     the price-history questions rules ask
messages.py    the one-line message in Chinese and English
engine.py      raise_alerts(session, observation): rules -> outbox rows, in the
               caller's transaction; record_plan_change for a cart whose total moved
outbox.py      deliver_pending(engine): claim, send, retry with backoff
channels.py    Apprise URLs in an owner-only file, masked labels in the database
rulebook.py    the use-cases behind `daoshou alerts ...` and `daoshou bought`
"""
