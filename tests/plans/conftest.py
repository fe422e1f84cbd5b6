from tests.shop_fixture import shop  # noqa: F401
