"""Synthetic corpus generator: archive page text records (not RDF), so that benchmarks and
crash tests measure the whole pipeline (read, extract, validate, store).

- persons are Zipf-distributed: a few appear in thousands of meetings;
- 4-12 participants and 1-3 resolutions per record;
- varied layouts (the archive page layout, header lists, two delegations, telegrams,
  records with no closing block or no citation) and citation styles;
- dates across 1945-1991.

It also writes ``authorities/persons.ttl`` for the generated persons, so that names
reconcile as they would against curated authority data.

    python benchmarks/corpus.py OUT_DIR --records 1000 [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

MONTHS = [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]

KOREAN_SURNAMES = ["Kim", "Pak", "Ri", "Choe", "Chong", "Kang", "Han", "Yun", "Nam", "So"]
KOREAN_SYLLABLES = ["il", "chol", "song", "su", "yong", "ho", "chang", "man", "gon", "bong"]
RUSSIAN_FIRST = ["Ivan", "Pavel", "Nikolai", "Sergei", "Andrei", "Dmitri", "Vasili", "Boris"]
RUSSIAN_SURNAMES = ["Petrov", "Sokolov", "Orlov", "Volkov", "Lebedev", "Kozlov", "Novikov"]
CHINESE_SURNAMES = ["Li", "Wang", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou"]
CHINESE_GIVEN = ["Wei", "Fang", "Jun", "Ming", "Hua", "Qiang", "Lin", "Tao", "Bo", "Hong"]
TOPICS = [
    "economic assistance",
    "the five-year plan",
    "the situation in the Party",
    "grain deliveries",
    "the repatriation of students",
    "military cooperation",
    "the exchange of delegations",
    "trade negotiations",
    "the border question",
    "cultural exchanges",
]
BODIES = ["the CC Presidium", "the CC plenum", "the Council of Ministers", "the Politburo"]
PLACES = ["Pyongyang", "Moscow", "Beijing", "Berlin", "Warsaw", "Budapest", "Prague"]
VERBS = ["noted", "said", "stated", "remarked", "replied", "agreed"]


#: How many distinct names the generator can make (Korean, Russian, Chinese patterns).
NAME_CAPACITY = (
    len(KOREAN_SURNAMES) * len(KOREAN_SYLLABLES) * (len(KOREAN_SYLLABLES) - 1)
    + len(RUSSIAN_FIRST) * len(RUSSIAN_SURNAMES)
    + len(CHINESE_SURNAMES) * len(CHINESE_GIVEN)
)


def _names(rng: random.Random, n: int) -> list[str]:
    if n > NAME_CAPACITY:
        raise ValueError(f"at most {NAME_CAPACITY} distinct names, asked for {n}")
    names: set[str] = set()
    while len(names) < n:
        kind = rng.random()
        if kind < 0.45:
            a, b = rng.sample(KOREAN_SYLLABLES, 2)
            names.add(f"{rng.choice(KOREAN_SURNAMES)} {a.capitalize()}-{b}")
        elif kind < 0.75:
            names.add(f"{rng.choice(RUSSIAN_FIRST)} {rng.choice(RUSSIAN_SURNAMES)}")
        else:
            names.add(f"{rng.choice(CHINESE_SURNAMES)} {rng.choice(CHINESE_GIVEN)}")
    return sorted(names)


def _slug(name: str) -> str:
    return "-".join(name.lower().replace("-", " ").split())


class Corpus:
    """A deterministic generator of records."""

    def __init__(self, seed: int = 1, persons: int = 2000) -> None:
        self.rng = random.Random(seed)
        self.persons = _names(self.rng, persons)
        # Zipf weights: person k is chosen with weight 1/k.
        self.weights = [1.0 / (k + 1) for k in range(len(self.persons))]

    def participants(self, n: int) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < n:
            p = self.rng.choices(self.persons, self.weights)[0]
            if p not in chosen:
                chosen.append(p)
        return chosen

    def date(self) -> dt.date:
        start = dt.date(1945, 1, 1).toordinal()
        end = dt.date(1991, 12, 31).toordinal()
        return dt.date.fromordinal(self.rng.randint(start, end))

    def citation(self, i: int) -> str | None:
        style = self.rng.randrange(6)
        folio = self.rng.randint(1, 300)
        span = f"{folio}-{folio + self.rng.randint(1, 9)}"
        credit = self.rng.choice(
            ["Translated by Gary Goldberg.", "Translated by Sergey Radchenko.", ""]
        )
        if style == 0:
            return f"GARF, Fond 5446, Opis {90 + i % 10}, Delo {i}, Listy {span}. {credit}"
        if style == 1:
            return f"RGANI, f. 5, op. {20 + i % 30}, d. {i}, ll. {span}. {credit}"
        if style == 2:
            return f"AVPRF, Fond 0102, Opis {i % 12}, Delo {i}, Papka {i % 40}, Listy {span}."
        if style == 3:
            return f"PRC FMA 106-{i:05d}-0{i % 9 + 1}, {span}. Translated by Caixia Lu."
        if style == 4:
            return f"RGASPI, f. 17, op. 137, d. {i}, ll. {span}. {credit}"
        return None

    def record(self, i: int) -> str:
        """The text of record ``i``."""
        rng = self.rng
        date = self.date()
        meeting_day = date - dt.timedelta(days=rng.randint(0, 3))
        people = self.participants(rng.randint(4, 12))
        host, rest = people[0], people[1:]
        topic = rng.choice(TOPICS)
        place = rng.choice(PLACES)
        layout = rng.randrange(5)
        copies = rng.randint(1, 4)  # the copy number in the header never exceeds it
        day_text = f"{meeting_day.day} {MONTHS[meeting_day.month - 1]}"
        lines: list[str] = []
        date_line = f"{MONTHS[date.month - 1]} {date.day}, {date.year}"
        if layout == 3:
            title = f"Telegram from {host} concerning {topic}"
        else:
            title = f"Record of a Conversation concerning {topic.capitalize()}"
        lines += [date_line, "", title, "", ""]
        if layout == 1:
            lines += [
                f"Time: {day_text} {meeting_day.year}, 10:00",
                f"Location: {place}",
                f"Present: {', '.join(people[:-1])}",
                f"Interpreter: {people[-1]}",
                "",
            ]
            attendance = ""
        elif layout == 2:
            half = max(2, len(people) // 2)
            lines += [
                f"Korean side: {', '.join(people[:half])}; "
                f"Chinese side: {', '.join(people[half:])}",
                "",
            ]
            attendance = ""
        elif layout == 3:
            lines += [f"To: {rest[0]}", f"From: {host}", ""]
            attendance = ""
        else:
            lines += [f"Copy Nº {rng.randint(1, copies)}", "", ""]
            listed = ", ".join(rest[:-1]) + f", and also {rest[-1]}"
            attendance = (
                f"The question of {topic} was considered on {day_text} at a meeting at "
                f"{host}'s where {listed} were present."
            )
        if attendance:
            lines += [attendance, "", ""]
        for _ in range(rng.randint(3, 8)):
            speaker = rng.choice(people)
            lines += [
                f"{speaker} {rng.choice(VERBS)} that the question of {rng.choice(TOPICS)} "
                f"requires further study by {rng.choice(BODIES)}.",
                "",
                "",
            ]
        for _ in range(rng.randint(1, 3)):
            kind = rng.randrange(3)
            subject = rng.choice(TOPICS)
            if kind == 0:
                lines += [f"The meeting adopted a resolution on {subject}.", "", ""]
            elif kind == 1:
                lines += [
                    f"A draft resolution of {rng.choice(BODIES)} on {subject} was discussed.",
                    "",
                    "",
                ]
            else:
                lines += [
                    f"{rng.choice(people)} proposed to adopt a separate resolution on {subject}.",
                    "",
                    "",
                ]
        if layout != 4:
            recipients = self.participants(copies)
            counted = ["One copy", "Two copies", "Three copies", "Four copies"][copies - 1]
            lines += [f"Recorded by {rng.choice(people)}", "", f"{counted} printed", ""]
            lines += [f"{k + 1}- to Cde. {r}" for k, r in enumerate(recipients)] + [""]
            typed = date + dt.timedelta(days=rng.randint(0, 2))
            lines += [
                f"Nº {rng.randint(1, 2000)}",
                "",
                f"Typed by {rng.choice(RUSSIAN_SURNAMES)}a",
                "",
                f"{typed.day} {MONTHS[typed.month - 1]} {typed.year}",
                "",
                "",
            ]
        lines += [
            "",
            f"Record of a conversation between {host} and {rest[0]} about {topic}.",
            "",
        ]
        citation = self.citation(i)
        if citation is not None:
            lines += ["", "Document Information", "", "", citation.strip(), ""]
        return "\n".join(lines) + "\n"

    def authorities_ttl(self) -> str:
        """Authority records for every generated person."""
        out = [
            "@prefix cwa: <https://w3id.org/coldwar-kg/ontology#> .",
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
            "",
        ]
        for name in self.persons:
            out.append(f'<person/{_slug(name)}> a cwa:Person ; skos:prefLabel "{name}"@en .')
        return "\n".join(out) + "\n"


def write_corpus(out: Path, records: int, seed: int = 1) -> Path:
    """Write ``records`` records under ``out/sources`` and authorities under
    ``out/authorities``; returns ``out``."""
    # Capped by the name space (without the cap, _names would loop for ever from 523 records).
    corpus = Corpus(seed=seed, persons=max(50, min(NAME_CAPACITY, records * 2)))
    (out / "sources").mkdir(parents=True, exist_ok=True)
    (out / "authorities").mkdir(parents=True, exist_ok=True)
    (out / "authorities" / "synthetic-persons.ttl").write_text(
        corpus.authorities_ttl(), encoding="utf-8"
    )
    for i in range(records):
        path = out / "sources" / f"syn_{i:06d}.txt"
        path.write_text(corpus.record(i), encoding="utf-8")
    return out


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_corpus(args.out, args.records, args.seed)
    print(f"wrote {args.records} records to {args.out}")


if __name__ == "__main__":
    main()
