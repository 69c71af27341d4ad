"""Four small measures behind decisions of the speed layer (issue 14), each printed as figures:

  posts     reading N posts into a garden with an empty cache: one by one in this process,
            against parsed ahead in forked workers (`garden.speed.memo.PostReader.ahead`)
  markdown  constructing a Markdown instance with the site's extensions, against `reset()` of
            one, against constructing and converting one essay: what reusing an instance per
            page could save
  cache     writing N cache-sized entries one file each (as `garden.speed.cache.Cache` did), as
            rows of its SQLite database (as it does now), and appended to one file (the floor)
  smarty    converting 200 essays with the site's extensions, with Python-Markdown's `smarty`
            and with `garden.markdown.smarty` in its place (the HTML is checked to be the same),
            and with neither: what smart typography costs each way

Usage: python bench/micro.py [posts|markdown|cache|smarty ...] [--corpus DIR] [--runs K]. The corpus
defaults to bench/.work/corpus-1000 (written by `python bench/generate.py 1000 bench/.work/corpus-1000`
or by bench/scale.py). Temporary files go to the system's temporary folder and are deleted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR / "hooks"))

from garden.model.index import Garden  # noqa: E402
from garden.speed.cache import Cache, digest  # noqa: E402
from garden.speed.memo import PostReader  # noqa: E402


def posts(corpus: Path, runs: int) -> None:
    paths = sorted(corpus.rglob("*.md"))
    for _ in range(runs):
        for mode in ("one by one", "ahead, in workers"):
            with tempfile.TemporaryDirectory() as folder:
                reader = PostReader(Cache(Path(folder)), {})
                start = time.perf_counter()
                garden = Garden.load(corpus, paths, read=reader, ahead=reader.ahead if mode != "one by one" else None)
                print(f"posts: {len(garden.posts)} read {mode}: {time.perf_counter() - start:.2f} s")


def markdown_instances(corpus: Path, runs: int) -> None:
    import markdown
    from mkdocs.config import load_config

    config = load_config(str(PROJECT_DIR / "mkdocs.yml"))
    extensions, settings = config["markdown_extensions"], config["mdx_configs"]
    essay = sorted(corpus.glob("*.md"))[len(list(corpus.glob("*.md"))) // 2]
    text = essay.read_text(encoding="utf-8")
    markdown.Markdown(extensions=extensions, extension_configs=settings).convert(text)  # imports, first-use caches
    for _ in range(runs):
        count = 200
        start = time.perf_counter()
        for _ in range(count):
            markdown.Markdown(extensions=extensions, extension_configs=settings)
        construct = (time.perf_counter() - start) / count
        md = markdown.Markdown(extensions=extensions, extension_configs=settings)
        start = time.perf_counter()
        for _ in range(count):
            md.reset()
        reset = (time.perf_counter() - start) / count
        start = time.perf_counter()
        for _ in range(20):
            markdown.Markdown(extensions=extensions, extension_configs=settings).convert(text)
        convert = (time.perf_counter() - start) / 20
        print(
            f"markdown: construct {construct * 1000:.2f} ms, reset {reset * 1000:.3f} ms, "
            f"construct and convert {essay.name} {convert * 1000:.1f} ms (construction {construct / convert:.1%} of it)"
        )


def one_file_each(folder: Path, kind: str, key: str, data: bytes) -> None:
    """How `Cache.put_bytes` wrote an entry before 2026-12-03: a temporary file, renamed into
    place, in a folder per kind and key prefix."""
    path = folder / kind / key[:2] / key
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def cache_writes(count: int, runs: int) -> None:
    data = os.urandom(8000)
    keys = [digest(n) for n in range(count)]
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            timings = {}
            start = time.perf_counter()
            for key in keys:
                one_file_each(Path(folder) / "files", "render", key, data)
            timings["one file each"] = time.perf_counter() - start
            cache = Cache(Path(folder) / "cache")
            start = time.perf_counter()
            for key in keys:
                cache.put_bytes("render", key, data)
            cache.close()
            timings["rows of the cache's database"] = time.perf_counter() - start
            start = time.perf_counter()
            with open(Path(folder) / "pack", "wb") as pack:
                for _ in keys:
                    pack.write(data)
            timings["appended to one file"] = time.perf_counter() - start
            print(f"cache: {count} entries of {len(data)} bytes: " + ", ".join(f"{how} {seconds:.3f} s" for how, seconds in timings.items()))


def smarty(corpus: Path, runs: int) -> None:
    import frontmatter
    import markdown
    from mkdocs.config import load_config

    config = load_config(str(PROJECT_DIR / "mkdocs.yml"))
    names, settings = list(config["markdown_extensions"]), dict(config["mdx_configs"])
    ours = names.index("garden.markdown.smarty")
    variants = {}
    for label, name in (("stock smarty", "smarty"), ("garden.markdown.smarty", "garden.markdown.smarty"), ("no smarty", None)):
        extensions = names[:ours] + ([name] if name else []) + names[ours + 1 :]
        options = {**settings, **({name: settings.get("garden.markdown.smarty", {})} if name else {})}
        variants[label] = markdown.Markdown(extensions=extensions, extension_configs=options)
    essays = sorted(corpus.rglob("*.md"))[:200]
    texts = [frontmatter.loads(essay.read_text(encoding="utf-8")).content for essay in essays]
    for text in texts[:3]:
        for md in variants.values():
            md.reset().convert(text)  # imports, first-use caches
    for _ in range(runs):
        timings, outputs = {}, {}
        for label, md in variants.items():
            start = time.perf_counter()
            outputs[label] = [md.reset().convert(text) for text in texts]
            timings[label] = (time.perf_counter() - start) / len(texts)
        same = outputs["stock smarty"] == outputs["garden.markdown.smarty"]
        print(
            f"smarty: {len(texts)} essays, ms each: "
            + ", ".join(f"{label} {seconds * 1000:.1f}" for label, seconds in timings.items())
            + f"; same HTML with both smarty: {'yes' if same else 'NO'}"
        )


MEASURES = ("posts", "markdown", "cache", "smarty")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("measures", nargs="*", metavar="MEASURE", help="posts, markdown, cache or smarty (default: all four)")
    parser.add_argument("--corpus", type=Path, default=PROJECT_DIR / "bench" / ".work" / "corpus-1000", help="a folder of essays")
    parser.add_argument("--runs", type=int, default=2, help="times each measure is repeated (default: 2)")
    parser.add_argument("--entries", type=int, default=5000, help="cache entries written (default: 5000)")
    args = parser.parse_args(argv)
    measures = args.measures or list(MEASURES)
    if unknown := [name for name in measures if name not in MEASURES]:
        parser.error(f"unknown measure {', '.join(unknown)}: choose from {', '.join(MEASURES)}")
    if {"posts", "markdown", "smarty"} & set(measures) and not args.corpus.is_dir():
        parser.exit(2, f"micro.py: no corpus at {args.corpus}: run `python bench/generate.py 1000 {args.corpus}`, or pass --corpus\n")
    if "posts" in measures:
        posts(args.corpus.resolve(), args.runs)
    if "markdown" in measures:
        markdown_instances(args.corpus, args.runs)
    if "cache" in measures:
        cache_writes(args.entries, args.runs)
    if "smarty" in measures:
        smarty(args.corpus, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
