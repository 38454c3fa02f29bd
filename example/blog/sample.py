"""Sample posts, generated from word lists with a fixed seed: the same posts on every run.

Plain Python (no Django), so that tests can compute what a search over them must find. Every
word appears as written here (no plurals), and no two words share a stem.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

SEED = 1848
SLUG_PREFIX = "sample-"
FIRST_DAY = date(2020, 1, 1)
DAYS = 5 * 365

#: category: (its nouns, its tags)
TOPICS = {
    "Travel": (
        ["mountain", "harbour", "railway", "island", "desert", "lighthouse", "glacier", "village"],
        ["hiking", "trains", "islands", "maps"],
    ),
    "Food & Drink": (
        ["bread", "coffee", "cheese", "soup", "dumpling", "spice", "lemon", "orchard"],
        ["recipes", "baking", "vegetarian", "markets"],
    ),
    "Gardening": (
        ["tomato", "compost", "orchid", "hedge", "seedling", "greenhouse", "tulip", "meadow"],
        ["organic", "seasonal", "balcony", "tools"],
    ),
    "Technology": (
        ["python", "database", "compiler", "keyboard", "server", "robot", "network", "sensor"],
        ["open-source", "hardware", "tutorials", "security"],
    ),
    "Music": (
        ["piano", "violin", "choir", "jazz", "drum", "opera", "guitar", "melody"],
        ["classical", "concerts", "practice", "vinyl"],
    ),
    "Books": (
        ["novel", "poetry", "library", "atlas", "mystery", "archive", "chapter", "fable"],
        ["reviews", "reading-list", "classics", "translation"],
    ),
}
#: Nouns and tags of any category.
SHARED_NOUNS = ["river", "morning", "lantern", "journey", "winter"]
SHARED_TAGS = ["photography", "beginners", "weekend", "community"]
ADJECTIVES = [
    "quiet", "golden", "forgotten", "little", "northern",
    "patient", "bright", "hidden", "slow", "curious",
]  # fmt: skip
AUTHORS = [
    "Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson",
    "Margaret Hamilton", "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth",
]  # fmt: skip
TITLES = [
    "The {Adj} {Noun}",
    "Notes on the {adj} {noun}",
    "{Noun} & {Other}",
    "Why I keep a {noun}",
    "Letters from the {noun}",
    "A {adj} {noun} in the {shared}",
]
SENTENCES = [
    "The {adj} {noun} was {adj2} this {shared}.",
    "We talked about the {noun} and the {other} for hours.",
    "Nobody expected a {adj} {noun} near the {shared}.",
    "I wrote down everything about the {other}.",
    "Next time, bring a {other} and a {shared}.",
    "It was a {adj} {shared}, and the {noun} felt {adj2}.",
]


def slug(number: int) -> str:
    return f"{SLUG_PREFIX}{number:04d}"


def posts(count: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """``count`` posts as dicts of Post fields, the same ones for the same arguments."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        category = rng.choice(list(TOPICS))
        nouns, tags = TOPICS[category]
        sentences = [
            rng.choice(SENTENCES).format(**_words(rng, nouns)) for _ in range(rng.randint(3, 6))
        ]
        yield {
            "slug": slug(number),
            "title": rng.choice(TITLES).format(**_words(rng, nouns)),
            "author": rng.choice(AUTHORS),
            "category": category,
            "tags": sorted(rng.sample(tags, rng.randint(1, 2)) + rng.sample(SHARED_TAGS, 1)),
            "body": " ".join(sentence[0].upper() + sentence[1:] for sentence in sentences),
            "published": FIRST_DAY + timedelta(days=rng.randrange(DAYS)),
        }


def _words(rng: random.Random, nouns: list[str]) -> dict[str, str]:
    """Words for a title or sentence template: two of the category's nouns, two adjectives..."""
    noun, other = rng.sample(nouns, 2)
    adj, adj2 = rng.sample(ADJECTIVES, 2)
    return {
        "noun": noun, "Noun": noun.title(), "other": other, "Other": other.title(),
        "adj": adj, "Adj": adj.title(), "adj2": adj2, "shared": rng.choice(SHARED_NOUNS),
    }  # fmt: skip
