"""Write a synthetic essay garden of N posts, for timing the build (see bench/README.md).

The corpus imitates the sample posts in content/: LessWrong-export frontmatter with its quoted
booleans, `None` nulls, bare-string tags and aliases and mixed date styles, and bodies of
~800-2500 words that use every Markdown feature the garden configures (footnotes defined in the
middle and at the end, Obsidian callouts, math, code, tables, relative links between posts, some
of them into subfolders). A build of it therefore exercises the same code paths as a real garden.

Everything comes from one seeded `random.Random` (one per essay, derived from the seed), never
from the clock or the network, so the same N and seed always give byte-identical files and
timings from different days compare like with like.

    python bench/generate.py 1000 bench/.work/corpus-1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import posixpath
import random
import re
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SEED = 2024
# The hidden file that marks a folder as a generated corpus; MkDocs skips dot-files in docs_dir.
MANIFEST_NAME = ".bench-corpus.json"
PROJECT_DIR = Path(__file__).resolve().parent.parent
PROTECTED_DIR = PROJECT_DIR / "content"  # the real garden: never written to
SUBFOLDERS = ("archive", "archive/early")
SUBFOLDER_SHARE = 0.05
# Slugs an alias must not take: pages and folders every built site has.
RESERVED_SLUGS = frozenset({"index", "tags", "search", "assets", "archive", "404.html", "sitemap.xml"})
WRAP = 96
NBSP = "\u00a0"  # keeps an inline span (math, link, code) on one line while wrapping

NOUNS = (
    "garden", "essay", "river", "argument", "habit", "lantern", "question", "map", "seed",
    "orchard", "letter", "bridge", "memory", "compass", "reader", "margin", "draft", "harvest",
    "window", "theory", "ledger", "signal", "pattern", "season", "archive", "path", "claim",
    "model", "wager", "forecast", "meadow", "library", "promise", "mirror", "engine", "ritual",
    "boundary", "hedge", "workshop", "notebook", "footpath", "experiment", "village", "thread",
    "decision", "estimate", "proof", "story", "tool", "channel", "prior", "incentive", "trellis",
    "compost", "ladder", "puzzle", "border", "chorus", "kettle", "canal", "beacon", "quarry",
    "frontier", "harbour", "sketch", "index", "outline", "fable", "tide", "root", "branch",
)
ADJECTIVES = (
    "quiet", "careful", "stubborn", "small", "patient", "uncertain", "bright", "hidden", "early",
    "slow", "honest", "crooked", "generous", "narrow", "ordinary", "distant", "useful", "fragile",
    "steady", "curious", "modest", "wild", "familiar", "strange", "late", "broad", "tidy",
    "tangled", "reliable", "forgotten", "plain", "local", "costly", "gentle", "sharp", "hollow",
)
VERBS = (
    "keeps", "shapes", "follows", "explains", "hides", "tests", "survives", "changes", "outlives",
    "measures", "weighs", "rewards", "predicts", "invites", "resists", "mends", "borrows",
    "questions", "gathers", "divides", "reflects", "carries", "softens", "replaces", "anchors",
    "reveals", "trims", "feeds", "guides", "unsettles", "remembers", "tends", "revises",
)
ADVERBS = (
    "quietly", "rarely", "often", "slowly", "always", "eventually", "gently", "openly",
    "mostly", "seldom", "patiently", "almost", "usually", "suddenly", "plainly",
)
PREPOSITIONS = ("of", "beside", "under", "after", "without", "through", "against", "beyond", "near", "within")
CONJUNCTIONS = ("and", "but", "so", "while", "because", "although", "until", "since")
DETERMINERS = ("the", "the", "the", "a", "every", "this", "that", "one", "no", "some")
TAGS = (
    "rationality", "writing", "epistemics", "forecasting", "gardening", "decision-theory",
    "history", "ethics", "economics", "psychology", "mathematics", "probability", "ai-alignment",
    "coordination", "institutions", "language", "memory", "habits", "learning", "teaching",
    "science", "philosophy", "software", "statistics", "biology", "meta", "book-review",
    "fiction", "productivity", "community",
)
CALLOUT_TYPES = ("note", "tip", "info", "example", "abstract", "question", "success", "danger", "bug")
INLINE_MATH = (
    r"$x^2$", r"$e^{i\pi}+1=0$", r"$p(A\mid B)$", r"$\sum_{k=1}^{n}k$", r"$\alpha+\beta$",
    r"$O(n\log n)$", r"$\sqrt{2}$", r"$\lambda_1$", r"$\mathbb{E}[X]$", r"$n^2-1$",
)
DISPLAY_MATH = (
    r"\sum_{k=1}^{n} k = \frac{n(n+1)}{2}",
    r"A = \int_0^r 2\pi s \, ds = \pi r^2",
    r"P(H \mid E) = \frac{P(E \mid H)\,P(H)}{P(E)}",
    r"\mathbb{E}[X] = \sum_{x} x \, p(x)",
    r"e^{x} = \sum_{n=0}^{\infty} \frac{x^n}{n!}",
    "\\begin{aligned}\n  a &= b + c \\\\\n  d &= e - f\n\\end{aligned}",
)
CODE_LANGUAGES = ("python", "bash", "text", "yaml")

Renderer = Callable[[random.Random], str]  # writes one non-prose block: a callout, code, a table


# --------------------------------------------------------------------------------------------
# Planning: every essay's place, title, URL and headings, decided before any body is written,
# because bodies link to other essays (and to their sections).


@dataclass(frozen=True)
class EssayPlan:
    number: int
    path: str  # posix path relative to the corpus folder, e.g. "archive/essay-0042.md"
    title: str
    permalink: str
    aliases: tuple[str, ...]
    headings: tuple[str, ...]


def plan_corpus(count: int, seed: int) -> list[EssayPlan]:
    rng = random.Random(f"plan:{seed}")
    width = max(4, len(str(count)))
    in_subfolder = set(rng.sample(range(1, count + 1), subfolder_count(count)))
    taken: set[str] = set(RESERVED_SLUGS)  # lowercased permalinks and aliases so far
    drafts = []
    for number in range(1, count + 1):
        folder = rng.choice(SUBFOLDERS) if number in in_subfolder else ""
        title = make_title(rng)
        permalink = claim(slugify(title), taken)
        headings = make_headings(rng, rng.randint(3, 8))
        drafts.append((number, posixpath.join(folder, f"essay-{number:0{width}d}.md"), title, permalink, headings))
    # Aliases come second so that none can shadow a permalink of a later essay.
    return [
        EssayPlan(number, path, title, permalink, make_aliases(rng, title, taken), headings)
        for number, path, title, permalink, headings in drafts
    ]


def subfolder_count(count: int) -> int:
    """About 5% of the essays, and at least one once there are a few, so nested links occur."""
    return min(count, max(1 if count >= 10 else 0, round(count * SUBFOLDER_SHARE)))


def claim(slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-2`, `slug-3`... whichever is free (compared without case, as the garden does)."""
    candidate, suffix = slug, 1
    while candidate.lower() in taken:
        suffix += 1
        candidate = f"{slug}-{suffix}"
    taken.add(candidate.lower())
    return candidate


def make_aliases(rng: random.Random, title: str, taken: set[str]) -> tuple[str, ...]:
    """Old addresses, as imports have them: none mostly, sometimes one or two, some upper-case."""
    if rng.random() >= 0.3:
        return ()
    styles = [
        lambda: "lw-" + slugify(f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"),
        lambda: "".join(word[0] for word in title.split() if word[0].isalpha()).upper() or "OLD",
        lambda: slugify(title) + "-old",
        lambda: f"{rng.choice(NOUNS)}-{rng.randint(2010, 2019)}",
    ]
    return tuple(claim(rng.choice(styles)(), taken) for _ in range(rng.choice((1, 1, 2))))


def make_title(rng: random.Random) -> str:
    noun, other = rng.sample(NOUNS, 2)
    adjective = rng.choice(ADJECTIVES)
    patterns = (
        f"The {adjective} {noun}",
        f"On {plural(noun)} and {plural(other)}",
        f"Why the {noun} {rng.choice(VERBS)} the {other}",
        f"A {adjective} theory of the {noun}",
        f"{noun} as {other}".capitalize(),
        f"Notes on the {adjective} {noun}, part {rng.randint(2, 5)}: the {other}",
        f"What the {noun} {rng.choice(VERBS)}",
    )
    return rng.choice(patterns)


def make_headings(rng: random.Random, count: int) -> tuple[str, ...]:
    """Section headings, distinct within the essay so their anchors are predictable."""
    headings: list[str] = []
    while len(headings) < count:
        noun = rng.choice(NOUNS)
        heading = rng.choice(
            (
                f"The {rng.choice(ADJECTIVES)} {noun}",
                f"Why {plural(noun)} {base_form(rng.choice(VERBS))}",
                f"On the {noun}",
                f"{rng.choice(ADJECTIVES).capitalize()} {plural(noun)} and {plural(rng.choice(NOUNS))}",
                f"What {rng.choice(('the', 'every', 'this', 'one'))} {noun} {rng.choice(VERBS)}",
            )
        )
        if anchor(heading) not in {anchor(h) for h in headings}:
            headings.append(heading)
    return tuple(headings)


def plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def base_form(verb: str) -> str:
    """'keeps' -> 'keep', 'carries' -> 'carry': the verb lists hold third-person forms only."""
    return verb[:-3] + "y" if verb.endswith("ies") else verb[:-1]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def anchor(heading: str) -> str:
    """The id Python-Markdown's toc extension gives a heading made of plain ASCII words."""
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", heading).strip().lower())


# --------------------------------------------------------------------------------------------
# Prose: a tiny grammar over the word lists, so paragraphs read like sentences and wrap like them.


def noun_phrase(rng: random.Random) -> str:
    words = [rng.choice(DETERMINERS)]
    if rng.random() < 0.45:
        words.append(rng.choice(ADJECTIVES))
    words.append(rng.choice(NOUNS))
    if words[0] == "a" and words[1][0] in "aeiou":
        words[0] = "an"
    return " ".join(words)


def clause(rng: random.Random) -> str:
    words = [noun_phrase(rng)]
    if rng.random() < 0.3:
        words.append(rng.choice(ADVERBS))
    words += [rng.choice(VERBS), noun_phrase(rng)]
    if rng.random() < 0.4:
        words += [rng.choice(PREPOSITIONS), noun_phrase(rng)]
    return " ".join(words)


def sentence(rng: random.Random, decorated: bool = True) -> str:
    text = clause(rng)
    if rng.random() < 0.35:
        text += f", {rng.choice(CONJUNCTIONS)} {clause(rng)}"
    if decorated:
        text = decorate(rng, text)
    return text[0].upper() + text[1:] + "."


def decorate(rng: random.Random, text: str) -> str:
    """Now and then a word in emphasis, a code span or inline math, as essays have them."""
    words = text.split(" ")
    roll = rng.random()
    spot = rng.randrange(1, len(words))
    if roll < 0.08:
        words[spot] = f"*{words[spot]}*"
    elif roll < 0.12:
        words[spot] = f"`{words[spot]}_{rng.choice(NOUNS)}`"
    elif roll < 0.17:
        words.insert(spot, f"like{NBSP}{rng.choice(INLINE_MATH)}".replace(" ", NBSP))
    return " ".join(words)


def sentences(rng: random.Random, low: int, high: int) -> list[str]:
    return [sentence(rng) for _ in range(rng.randint(low, high))]


def wrap(parts: Sequence[str], width: int = WRAP, first: str = "", rest: str = "") -> str:
    """Fill sentences into lines; spans joined with NBSP stay whole, so no line starts mid-span."""
    lines = textwrap.wrap(
        " ".join(parts),
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(lines).replace(NBSP, " ")


def word_count(text: str) -> int:
    return len(text.split())


# --------------------------------------------------------------------------------------------
# Essays: frontmatter and body.


@dataclass
class Footnote:
    label: str
    paragraphs: list[str]
    at_end: bool

    def definition(self) -> str:
        first, *more = self.paragraphs
        text = wrap([first], first=f"[^{self.label}]: ", rest="    ")
        return "\n\n".join([text, *(wrap([p], first="    ", rest="    ") for p in more)])


def render_essay(plan: EssayPlan, corpus: Sequence[EssayPlan], seed: int) -> str:
    rng = random.Random(f"essay:{seed}:{plan.number}")
    return "---\n" + render_frontmatter(rng, plan) + "---\n\n" + render_body(rng, plan, corpus)


def render_frontmatter(rng: random.Random, plan: EssayPlan) -> str:
    published = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(3000))  # updates end by 2025
    post_id = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789") for _ in range(17))
    url = f"https://www.lesswrong.com/posts/{post_id}/{plan.permalink}"
    fields: dict[str, str] = {
        "permalink": plan.permalink,
        "description": yaml_text(description(rng)),
        "tags": yaml_list([*rng.sample(TAGS, rng.randint(1, 4))], rng),
        "date_published": yaml_date(rng, published),
        "lw-page-url": url,
        "original_url": url,
        "lw-base-score": str(rng.randint(-3, 240)),
        "lw-num-comments-on-upload": str(rng.randint(0, 90)),
        "lw-is-af": rng.choice(("'true'", "'false'", "'false'")),
        "lw-posted-at": f"{published.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00.000Z",
    }
    if plan.aliases:
        fields["aliases"] = yaml_list(list(plan.aliases), rng)
    if rng.random() < 0.6:
        fields["date_updated"] = yaml_date(rng, published + dt.timedelta(days=rng.randrange(900)))
    optional = {
        "lw-sequence-title": "None",
        "lw-curation-date": "None",
        "lw-was-draft-post": "'false'",
        "lw-is-question": "'false'",
        "lw-reward-post-warning": "'false'",
        "card_image": "",
    }
    fields.update({key: value for key, value in optional.items() if rng.random() < 0.4})
    keys = list(fields)
    rng.shuffle(keys)  # exports list keys in no particular order; the title still comes first
    lines = [f"title: {yaml_text(plan.title)}"] + [yaml_field(key, fields[key]) for key in keys]
    return "\n".join(lines) + "\n"


def yaml_field(key: str, value: str) -> str:
    return f"{key}:{value}" if not value or value.startswith("\n") else f"{key}: {value}"


def description(rng: random.Random) -> str:
    text = sentence(rng, decorated=False)
    if rng.random() < 0.2:
        text = f"{rng.choice(NOUNS).capitalize()}: {text[0].lower()}{text[1:]}"
    return text


def yaml_text(text: str) -> str:
    """Plain when YAML reads it back unchanged, else double-quoted (JSON strings are YAML)."""
    return json.dumps(text) if ":" in text or "#" in text else text


def yaml_list(items: list[str], rng: random.Random) -> str:
    """A lone item sometimes as a bare string, else a flow list or a block list."""
    style = rng.random()
    if len(items) == 1 and style < 0.4:
        return items[0]
    if style < 0.7:
        return "[" + ", ".join(items) + "]"
    return "".join(f"\n  - {item}" for item in items)


def yaml_date(rng: random.Random, day: dt.date) -> str:
    """A YAML date, a quoted date or a full timestamp: exports mix all three."""
    return rng.choice((day.isoformat(), f"'{day.isoformat()}'", f"{day.isoformat()}T09:30:00Z"))


def render_body(rng: random.Random, plan: EssayPlan, corpus: Sequence[EssayPlan]) -> str:
    target_words = rng.randint(800, 2500)
    sections = plan_sections(rng, target_words, len(plan.headings))
    footnotes = plan_footnotes(rng, sum(sections))
    links = plan_links(rng, plan, corpus)
    features = plan_features(rng, len(plan.headings))

    blocks: list[str] = []
    if rng.random() < 0.15:
        blocks.append(f"# {plan.title}")  # exports often repeat the title; the garden drops it
    blocks.append(wrap(sentences(rng, 3, 5)))
    slot = 0  # the paragraph's number in the essay, which is what notes and links are planned by
    for number, (heading, paragraphs) in enumerate(zip(plan.headings, sections)):
        blocks.append(f"## {heading}")
        for _ in range(paragraphs):
            parts = sentences(rng, 3, 7)
            for link in links.get(slot, []):
                parts.insert(rng.randrange(len(parts) + 1), link)
            mid_notes = []
            for note in footnotes.get(slot, []):
                position = rng.randrange(len(parts))
                parts[position] += f"[^{note.label}]"
                if not note.at_end:
                    mid_notes.append(note.definition())
            blocks.append(wrap(parts))
            blocks += mid_notes
            slot += 1
        blocks += [render(rng) for render in features.get(number, [])]
    blocks += [note.definition() for notes in footnotes.values() for note in notes if note.at_end]
    return "\n\n".join(blocks) + "\n"


def plan_sections(rng: random.Random, target_words: int, count: int) -> list[int]:
    """How many paragraphs each of `count` sections gets, so the body lands near `target_words`.

    A paragraph averages 5 sentences of ~11 words; notes, callouts and code make up the rest."""
    sections = [1] * count
    for _ in range(max(count, round(target_words / 70)) - count):
        sections[rng.randrange(count)] += 1
    return sections


def plan_footnotes(rng: random.Random, paragraph_count: int) -> dict[int, list[Footnote]]:
    """2-5 notes, numbered and named; some defined under their paragraph, the rest at the end."""
    count = rng.randint(2, 5)
    notes = []
    for index in range(count):
        label = str(index + 1) if rng.random() < 0.5 else f"{rng.choice(NOUNS)}-{index + 1}"
        extra = rng.randint(1, 2) if rng.random() < 0.3 else 0
        body = [" ".join(sentences(rng, 1, 3)) for _ in range(1 + extra)]
        notes.append(Footnote(label, body, at_end=rng.random() < 0.5))
    notes[0].at_end, notes[-1].at_end = False, True  # always both placements
    placed: dict[int, list[Footnote]] = {}
    for note in notes:
        placed.setdefault(rng.randrange(paragraph_count), []).append(note)
    return placed


def plan_links(rng: random.Random, plan: EssayPlan, corpus: Sequence[EssayPlan]) -> dict[int, list[str]]:
    """1-3 links to other essays, as relative paths from this file; some to a section there."""
    others = [other for other in corpus if other.number != plan.number]
    if not others:
        return {}
    chosen = rng.sample(others, min(len(others), rng.randint(1, 3)))
    paragraphs = 4  # links go into the first few paragraphs, where essays set up their context
    links: dict[int, list[str]] = {}
    for target in chosen:
        href = posixpath.relpath(target.path, posixpath.dirname(plan.path) or ".")
        if rng.random() < 0.25:
            href += "#" + anchor(rng.choice(target.headings))
        text = rng.choice((target.title, f"the essay on the {rng.choice(NOUNS)}", "this one"))
        lead = rng.choice(("See", "Compare", "Read more in", "Contrast this with")).replace(" ", NBSP)
        link = f"{lead}{NBSP}[{text.replace(' ', NBSP)}]({href})."
        links.setdefault(rng.randrange(paragraphs), []).append(link)
    return links


def plan_features(rng: random.Random, section_count: int) -> dict[int, list[Renderer]]:
    """Which non-prose blocks follow which section: callouts, math, code, a table."""
    renderers = [render_callout for _ in range(rng.randint(1, 3))]
    renderers.append(render_collapsed_warning)
    renderers.append(render_code)
    if rng.random() < 0.3:
        renderers.append(render_nested_quote)
    if rng.random() < 0.5:
        renderers.append(render_display_math)
    if rng.random() < 0.4:
        renderers.append(render_table)
    features: dict[int, list[Renderer]] = {}
    for renderer in renderers:
        features.setdefault(rng.randrange(section_count), []).append(renderer)
    return features


def callout_lines(text: str, depth: int = 1) -> str:
    prefix = "> " * depth
    return wrap([text], width=WRAP - 2 * depth, first=prefix, rest=prefix)


def render_callout(rng: random.Random) -> str:
    kind = rng.choice(CALLOUT_TYPES)
    fold = rng.choice(("", "", "+", "-"))
    title = f" The {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}" if rng.random() < 0.7 else ""
    return f"> [!{kind}]{fold}{title}\n" + callout_lines(" ".join(sentences(rng, 1, 4)))


def render_collapsed_warning(rng: random.Random) -> str:
    return "> [!warning]-\n" + callout_lines(" ".join(sentences(rng, 1, 3)))


def render_nested_quote(rng: random.Random) -> str:
    outer = callout_lines(" ".join(sentences(rng, 1, 2)))
    inner = callout_lines(" ".join(sentences(rng, 1, 2)), depth=2)
    return f"> [!note] On the {rng.choice(NOUNS)}\n{outer}\n>\n> > [!quote] An old saying\n{inner}"


def render_display_math(rng: random.Random) -> str:
    return f"$$\n{rng.choice(DISPLAY_MATH)}\n$$"


def render_code(rng: random.Random) -> str:
    language = rng.choice(CODE_LANGUAGES)
    noun, other = rng.sample(NOUNS, 2)
    verb = base_form(rng.choice(VERBS))
    if language == "python":
        code = (
            f"def {verb}_{noun}({plural(other)}: list[str]) -> int:\n"
            f'    """{sentence(rng, decorated=False)}"""\n'
            f"    total = 0\n"
            f"    for {other} in {plural(other)}:\n"
            f'        if {other}.startswith("{noun[0]}"):\n'
            f"            total += len({other})\n"
            f"    return total\n"
        )
    elif language == "bash":
        code = f"mkdir -p {noun}/{other}\ncp {noun}.md {noun}/{other}/\ngarden check {noun}/\n"
    elif language == "yaml":
        code = f"title: The {rng.choice(ADJECTIVES)} {noun}\ntags: [{other}, {noun}]\npublish: false\n"
    else:
        code = "\n".join(wrap(sentences(rng, 2, 3), width=72).splitlines()) + "\n"
    return f"```{language}\n{code}```"


def render_table(rng: random.Random) -> str:
    rows = [
        f"| {noun} | {rng.randint(1, 99)} | {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} |"
        for noun in rng.sample(NOUNS, rng.randint(3, 5))
    ]
    return "\n".join(["| Name | Count | Remark |", "|---|---:|---|", *rows])


# --------------------------------------------------------------------------------------------
# The two fixed pages and the output folder.


def render_index(count: int) -> str:
    return (
        "---\n"
        "title: A Synthetic Essay Garden\n"
        f"description: {count} generated essays, for timing the garden's build.\n"
        "---\n\n"
        "Welcome. Every essay here was written by `bench/generate.py` from a word list and a seed,\n"
        "so the prose means nothing, but it is shaped like the real thing: footnotes, callouts,\n"
        "math, code and links between essays. Browse by [tag](tags.md), or pick from the list below.\n"
    )


def render_tags() -> str:
    return "---\ntitle: Tags\nunlisted: true\n---\n\nEvery tag in the generated garden.\n\n<!-- material/tags -->\n"


def prepare_output(out_dir: Path, force: bool) -> None:
    """Refuse to write into the real garden, or over files nobody asked us to replace."""
    resolved = out_dir.resolve()
    if resolved == PROTECTED_DIR or PROTECTED_DIR in resolved.parents:
        raise SystemExit(f"error: refusing to write into {PROTECTED_DIR}, the real garden's content")
    if resolved.exists() and not resolved.is_dir():
        raise SystemExit(f"error: {out_dir} exists and is not a folder")
    if resolved.is_dir() and any(resolved.iterdir()):
        if not force:
            raise SystemExit(f"error: {out_dir} is not empty; pass --force to write into it anyway")
        if (resolved / MANIFEST_NAME).is_file():
            shutil.rmtree(resolved)  # an earlier corpus: clear it so no stale essay survives
    resolved.mkdir(parents=True, exist_ok=True)


def generator_digest() -> str:
    """Identifies this generator's code, so a changed generator means a stale corpus."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def manifest(count: int, seed: int) -> dict[str, object]:
    """What a corpus was made from; with `content_digest`, enough to tell whether it is current."""
    return {"essays": count, "seed": seed, "generator": generator_digest()}


def content_digest(out_dir: Path) -> str:
    """A digest of every file in the corpus, so a hand-edited or half-written one is not reused."""
    digest = hashlib.sha256()
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file() and p.name != MANIFEST_NAME):
        digest.update(path.relative_to(out_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def is_current(out_dir: Path, count: int, seed: int) -> bool:
    """Whether `out_dir` holds exactly what `write_corpus(count, out_dir, seed)` would write."""
    try:
        recorded = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    expected = manifest(count, seed)
    return all(recorded.get(key) == value for key, value in expected.items()) and recorded.get(
        "content"
    ) == content_digest(out_dir)


def write_corpus(count: int, out_dir: Path, seed: int = DEFAULT_SEED, force: bool = False) -> int:
    """Write the corpus; return the number of words of essay prose written (frontmatter excluded)."""
    prepare_output(out_dir, force)
    corpus = plan_corpus(count, seed)
    words = 0
    for plan in corpus:
        text = render_essay(plan, corpus, seed)
        words += word_count(text.split("\n---\n", 1)[1])
        target = out_dir / plan.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (out_dir / "index.md").write_text(render_index(count), encoding="utf-8")
    (out_dir / "tags.md").write_text(render_tags(), encoding="utf-8")
    record = manifest(count, seed) | {"content": content_digest(out_dir)}
    (out_dir / MANIFEST_NAME).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return words


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Write N synthetic essays, plus index.md and tags.md, into OUT_DIR: a garden "
        "to time `mkdocs build` on. The same N and --seed always give the same files.",
        epilog="Example: python bench/generate.py 1000 bench/.work/corpus-1000",
    )
    parser.add_argument("count", type=int, metavar="N", help="how many essays to write (at least 1)")
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="folder to write the corpus into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    parser.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty OUT_DIR; an earlier generated corpus there is deleted first",
    )
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("N must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    words = write_corpus(args.count, args.out_dir, args.seed, args.force)
    print(f"wrote {args.count} essays ({words} words) to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
