from tests.plans.conftest import engine, world  # noqa: F401 - the plans world and its search engine
from tests.search.fixtures import embedder, vector_cache  # noqa: F401
