from tests.support.world import World


def test_world_builds_and_health_answers(world: World) -> None:
    reply = world.api.get("/api/health")
    assert reply.status == 200
    assert reply.json["storage"] == "ok"
