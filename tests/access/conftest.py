from tests.search.fixtures import embedder, vector_cache  # noqa: F401 - the session model and its vector cache
