"""The cycle collector paused while `mkdocs serve` rebuilds (garden.speed.collector): off during a
serve build, on again after it (or after a failed one), never paused by `mkdocs build`, and on
in the forked workers of a paused build."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

import pytest
from conftest import ENV, post, write_project

from garden.speed import collector
from garden.speed.parallel import forked_map


@pytest.fixture
def restored_collector():
    enabled = gc.isenabled()
    yield
    collector.resume()
    (gc.enable if enabled else gc.disable)()


def test_resume_turns_on_only_a_collector_that_pause_turned_off(restored_collector):
    gc.enable()
    collector.pause()
    assert not gc.isenabled()
    collector.resume()
    assert gc.isenabled()
    gc.disable()  # turned off by someone else: not the garden's to turn on
    collector.pause()
    collector.resume()
    assert not gc.isenabled()


def test_the_workers_of_a_paused_build_collect_garbage(restored_collector):
    gc.enable()
    collector.pause()
    found = [enabled for chunk in forked_map(lambda items: [gc.isenabled() for _ in items], list(range(32)), 2) for enabled in chunk]
    assert found and all(found)
    assert not gc.isenabled()  # the build itself is still paused


# The build's own process, as `mkdocs serve` (or `mkdocs build`) runs it: a hook after the
# garden's notes whether the collector runs while pages are read; the script prints that and
# whether it runs after the build.
SCRIPT = textwrap.dedent(
    """
    import gc, sys
    from pathlib import Path

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config_file, site_dir, command = sys.argv[1:]
    for attempt in ("first", "second"):
        config = load_config(config_file=config_file, site_dir=site_dir)
        if attempt == "first":
            config.plugins.on_startup(command=command, dirty=False)
        try:
            build(config, serve_url="http://127.0.0.1:8000/" if command == "serve" else None)
        except Exception as error:
            print(attempt, "failed:", type(error).__name__)
        print(attempt, "after:", gc.isenabled())
        (Path(config_file).parent / "fail").unlink(missing_ok=True)
    """
)
PROBE = textwrap.dedent(
    """
    import gc
    from pathlib import Path

    def on_nav(nav, config, files):
        print("during:", gc.isenabled())
        if (Path(config.config_file_path).parent / "fail").exists():
            raise RuntimeError("a plugin fails the build")
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["serve", "build"])
def test_a_serve_build_pauses_the_collector_and_every_build_ends_with_it_on(tmp_path, command):
    import yaml

    config = write_project(tmp_path, {"index.md": post("Home", "Welcome.\n"), "essay.md": post("Essay", "Words.\n", permalink="essay")})
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    (tmp_path / "probe.py").write_text(PROBE, encoding="utf-8")
    settings["hooks"].append(str(tmp_path / "probe.py"))
    config.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    (tmp_path / "script.py").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "fail").touch()  # the first build fails halfway, the second does not
    env = {**ENV, "GARDEN_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, str(tmp_path / "script.py"), str(config), str(tmp_path / "site"), command],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    lines = [line for line in result.stdout.splitlines() if line.startswith(("during", "first", "second"))]
    paused = command == "serve"
    assert lines[:3] == [f"during: {not paused}", "first failed: RuntimeError", "first after: True"], result.stdout + result.stderr
    assert lines[3:] == [f"during: {not paused}", "second after: True"], result.stdout + result.stderr
