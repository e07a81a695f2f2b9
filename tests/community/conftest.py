import pytest

from tests.community.fixtures import seed_community_graph, seed_community_users


@pytest.fixture
def world(store, tmp_path):
    """The small graph with its users, and a data folder for photos."""
    seed_community_graph(store)
    seed_community_users(store)
    return {"store": store, "data_dir": str(tmp_path)}
