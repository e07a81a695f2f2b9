from tests.search.fixtures import *  # noqa: F401,F403
