"""`daoshou demo`: the whole product on a fresh, throw-away database, offline."""
