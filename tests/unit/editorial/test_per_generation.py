"""Process caches per content generation: a request still on an older generation never evicts
the values of a newer one, and only the newest two generations are kept."""

from __future__ import annotations

from carechoices.editorial import generation


def _on(value: int):
    return generation.request_scope(value)


def test_a_request_on_the_old_generation_does_not_wipe_the_new_one():
    builds: list[tuple[int, str]] = []
    cache: generation.PerGenerationMap[str] = generation.PerGenerationMap()

    def built(gen: int, key: str):
        def build():
            builds.append((gen, key))
            return f"{key}@{gen}"

        return build

    with _on(2):
        assert cache.get("ldn", built(2, "ldn")) == "ldn@2"
    with _on(1):  # began before the publish that raised the generation to 2
        assert cache.get("ldn", built(1, "ldn")) == "ldn@1"
    with _on(2):
        assert cache.get("ldn", built(2, "ldn")) == "ldn@2"

    assert builds == [(2, "ldn"), (1, "ldn")]  # the newer value was kept, not rebuilt


def test_only_the_two_newest_generations_are_kept():
    values: list[int] = []
    cache: generation.PerGeneration[int] = generation.PerGeneration(lambda: values.append(1) or len(values))

    for gen in (1, 2, 3):
        with _on(gen):
            cache.get()
    with _on(3):
        cache.get()
    with _on(2):
        cache.get()
    with _on(1):  # dropped when 3 arrived: built again
        cache.get()

    assert len(values) == 4


def test_keep_newest_drops_all_but_the_two_highest():
    kept = {(5,): "e", (1,): "a", (3,): "c"}
    generation.keep_newest(kept)
    assert kept == {(5,): "e", (3,): "c"}
