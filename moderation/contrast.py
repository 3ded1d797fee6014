"""Contrast sentences written by the project: minimal pairs that teach what the public data cannot.

The public abuse sets hold almost no negated, reported or condemned abuse, no insults aimed at things
and little profanity that attacks no one; a bag-of-n-grams model trained on them alone reads "you are
not a moron" and "this printer is garbage" as attacks. This module writes small families of sentences
in pairs: an attack on a person or group, and the same words negated, reported, condemned or aimed at
an object, each labelled by what a moderator would decide. They join training as the `contrast`
dataset (see :data:`moderation.datasets.DATASETS`), weighted like any other and with only the labels
each family speaks to (the rest NaN, masked out of those heads).

The templates, insult words and dehumanising nouns are deliberately not those of the functional suite
(:mod:`moderation.suite`), which stays a test of generalisation to unseen wordings: a test checks that
no contrast sentence is a suite case, and several of the suite's words (cretin, halfwit, locusts, "less
than human" ...) appear nowhere here. Generation is deterministic; no randomness.

The sentences this module writes are dedicated to the public domain (CC0 1.0), so a bundle trained on
permissively licensed data only may include them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import cycle, islice

from .lexicon import SLURS

# Insults for a person. Common ones the suite also uses are unavoidable; its rarer ones are left out.
INSULT_NOUNS: tuple[str, ...] = (
    "idiot",
    "moron",
    "loser",
    "fool",
    "twit",
    "numpty",
    "plonker",
    "nitwit",
    "bonehead",
    "knobhead",
    "dickhead",
    "tosser",
    "wanker",
    "bastard",
    "bitch",
    "douchebag",
    "buffoon",
    "dunce",
    "creep",
    "hypocrite",
    "liar",
    "troll",
    "coward",
    "parasite",
)
INSULT_ADJECTIVES: tuple[str, ...] = (
    "stupid",
    "dumb",
    "pathetic",
    "brainless",
    "useless",
    "worthless",
    "clueless",
    "ignorant",
    "disgusting",
    "spineless",
    "thick",
    "ugly",
)
# Things people curse at: none of the suite's objects or situations.
OBJECTS: tuple[str, ...] = (
    "toaster",
    "dishwasher",
    "microwave",
    "spreadsheet",
    "ticket machine",
    "self-checkout",
    "wifi",
    "bus service",
    "software",
    "keyboard",
    "game",
    "tv",
    "heating",
    "lift",
    "paywall",
    "login page",
    "new logo",
    "thermostat",
    "coffee machine",
    "charger",
    "headphones",
    "battery",
    "bin collection",
    "roadworks",
    "forecast",
    "sequel",
    "menu",
    "survey",
    "password reset",
    "printer driver",
)
OBJECT_WORDS: tuple[str, ...] = (
    "stupid",
    "useless",
    "pathetic",
    "idiotic",
    "ridiculous",
    "worthless",
    "dumb",
    "moronic",
    "shit",
    "shitty",
    "crap",
    "crappy",
    "fucking useless",
    "bloody useless",
    "damn annoying",
    "garbage",
    "trash",
    "rubbish",
)
OBJECT_NOUNS: tuple[str, ...] = (
    "heap of junk",
    "pile of crap",
    "piece of rubbish",
    "waste of money",
    "joke",
    "disaster",
    "piece of shit",
    "load of garbage",
    "con",
    "nightmare",
)
_OBSCENE = ("shit", "crap", "fuck", "damn", "bloody", "hell", "piss")
# Plural names of groups, as comments write them.
GROUPS: tuple[str, ...] = (
    "muslims",
    "jews",
    "christians",
    "hindus",
    "catholics",
    "gays",
    "lesbians",
    "trans people",
    "black people",
    "white people",
    "asians",
    "chinese people",
    "mexicans",
    "latinos",
    "arabs",
    "indians",
    "africans",
    "immigrants",
    "refugees",
    "women",
    "men",
    "disabled people",
    "gypsies",
    "poles",
    "somalis",
    "atheists",
)
DEHUMANISING: tuple[str, ...] = (
    "vermin",
    "rats",
    "animals",
    "cockroaches",
    "parasites",
    "pigs",
    "apes",
    "dogs",
    "savages",
    "maggots",
    "leeches",
    "trash",
    "scum",
    "a virus",
    "a cancer",
    "insects",
    "a plague",
    "subhuman",
    "filth",
    "mongrels",
)
BENIGN_ACTS: tuple[str, ...] = (
    "call",
    "email",
    "thank",
    "visit",
    "help",
    "meet",
    "phone",
    "invite",
    "interview",
    "pay",
    "text",
    "answer",
)
"""What a person may do to another that is no threat: the other half of each threat pair."""
DESERVED_GOODS: tuple[str, ...] = (
    "a pay rise",
    "an apology",
    "better than this",
    "a medal",
    "a fair hearing",
    "our thanks",
    "a second chance",
    "credit for this",
    "to be heard",
    "a proper holiday",
)
"""Good things someone "deserves": the verb alone is no threat."""
THREAT_ACTS: tuple[str, ...] = (
    "kill",
    "hurt",
    "stab",
    "shoot",
    "beat up",
    "run over",
    "attack",
    "strangle",
    "punch",
    "batter",
    "hunt down",
    "get rid of",
)
EXCLAMATIONS: tuple[str, ...] = (
    "fuck",
    "shit",
    "damn",
    "bloody hell",
    "holy shit",
    "what the fuck",
    "fucking hell",
    "oh crap",
    "goddammit",
    "fuck me",
    "shit shit shit",
    "hell no",
)
SITUATIONS: tuple[str, ...] = (
    "i dropped my phone in the sink",
    "the cat knocked the plant over",
    "we lost on penalties again",
    "the oven has packed in",
    "i overslept and missed my flight",
    "that was a brilliant match",
    "these chips are amazing",
    "what a comeback in the second half",
    "the exam was easier than i thought",
    "my tomatoes finally came up",
    "the power is out on our street",
    "the new bridge looks stunning",
    "i got the job",
    "the ferry is cancelled",
    "my knee is killing me after that run",
    "that ending made me cry",
)
PRAISE: tuple[str, ...] = (
    "fucking brilliant",
    "bloody gorgeous",
    "damn tasty",
    "fucking fantastic",
    "shit hot",
    "bloody superb",
    "hell of a read",
)
PEOPLE: tuple[str, ...] = (
    "you",
    "the author",
    "this reporter",
    "the mayor",
    "my neighbour",
    "that commenter",
    "the guy above",
    "your husband",
    "the editor",
    "she",
    "he",
)
_IS = {"you": "are"}


def _take(pool: Sequence[str], n: int, offset: int = 0) -> list[str]:
    """`n` items of `pool`, cycling, starting at `offset`: deterministic variety without randomness."""
    return list(islice(cycle(pool[offset % len(pool) :] + pool[: offset % len(pool)]), n))


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _is(person: str) -> str:
    return _IS.get(person, "is")


# Each family yields (text, labels). Labels not named are NaN: the family says nothing about them.
_CLEAN_PEOPLE = {"abuse": 0.0, "toxicity": 0.0, "severe_toxicity": 0.0, "identity_attack": 0.0, "insult": 0.0}
_CLEAN = {**_CLEAN_PEOPLE, "threat": 0.0}
_INSULT = {"abuse": 1.0, "toxicity": 1.0, "insult": 1.0, "identity_attack": 0.0, "threat": 0.0}
_HATE = {"abuse": 1.0, "toxicity": 1.0, "identity_attack": 1.0, "threat": 0.0}
_THREAT = {"abuse": 1.0, "toxicity": 1.0, "threat": 1.0}
_NOT_PEOPLE = {"abuse": 0.0, "severe_toxicity": 0.0, "identity_attack": 0.0, "insult": 0.0, "threat": 0.0}

Row = tuple[str, dict[str, float]]


def _profanity(text: str) -> dict[str, float]:
    return {"profanity": float(any(w in text for w in _OBSCENE))}


def insult_pairs() -> Iterator[Row]:
    """An insult at a person, then the same words negated or reported."""
    used = [
        "{p} {is} clearly {a} {w}.",
        "honestly {p} {is} such {a} {w}",
        "only {a} {w} would write this",
        "{w}, read the article before you comment",
        "get a life, you {w}",
        "listen here you {w}",
        "what kind of {w} writes this?",
        "{p} {is} a complete {w}",
        "typical {w}, nothing to say",
        "{p} {is} {adj} and {a} {w}",
    ]
    negated = [
        "{p} {is} clearly not {a} {w}.",
        "nobody here thinks {p} {is} {a} {w}",
        "i never said {p} {is} {a} {w}",
        "{p} {is} no {w}, that was a fair point",
        "there's no need to call anyone {a} {w}",
        "it's not ok to call {p} {a} {w}",
        "my son was called {a} {w} at school and it broke my heart",
        "someone called me {a} {w} on the bus and i walked away",
        "being called {a} {w} online every day wears you down",
        "the comment calling {p} {a} {w} was rightly removed",
        "i don't think {p} {is} {adj} at all",
        "{p} {is} not {adj}, just tired",
    ]
    for i, word in enumerate(INSULT_NOUNS):
        adj = INSULT_ADJECTIVES[i % len(INSULT_ADJECTIVES)]
        for j, (pos, neg) in enumerate(zip(_take(used, 6, i), _take(negated, 6, 2 * i), strict=True)):
            person = PEOPLE[(i + j) % len(PEOPLE)]
            fields = {"p": person, "is": _is(person), "a": _article(word), "w": word, "adj": adj}
            yield pos.format(**fields), {**_INSULT, **_profanity(word)}
            yield neg.format(**fields), {**_CLEAN_PEOPLE, "threat": 0.0}


def slur_pairs() -> Iterator[Row]:
    """A slur used against someone, then the same slur mentioned, reported or condemned."""
    used = [
        "another {s} moved in next door",
        "{p} {is} a dirty {s}",
        "the {ss} ruin every town they move to",
        "never trust a {s}",
        "get lost {s}",
        "{ss} like him should not be allowed to vote",
        "that {s} at work got promoted over me",
    ]
    mentioned = [
        "{s} is a slur and it should never be used here",
        "kids used to shout {s} at my brother on the way to school",
        "i reported the account that wrote {s} under my photo",
        "he was fired for calling a customer a {s}, good",
        "people who still say {s} should be ashamed",
        "being called a {s} as a child still hurts",
        "please don't use the word {s}, even as a joke",
        "shouting {s} at a child is vile",
        "using {s} about anyone is disgusting and you know it",
        "writing {s} on a wall is a hate crime",
        "my friend was called a {s} in the street and nobody helped",
    ]
    slurs = sorted(w for w in SLURS if not (w.endswith("s") and w[:-1] in SLURS) and not w.endswith("ed"))
    for i, word in enumerate(slurs):
        plural = next((p for p in (word + "s", word + "es", word[:-1] + "ies") if p in SLURS), word + "s")
        for j, (pos, neg) in enumerate(zip(_take(used, 5, i), _take(mentioned, 5, 2 * i), strict=True)):
            person = PEOPLE[(i + j) % len(PEOPLE)]
            fields = {"s": word, "ss": plural, "p": person, "is": _is(person)}
            yield pos.format(**fields), dict(_HATE)
            yield neg.format(**fields), dict(_CLEAN)


def group_pairs() -> Iterator[Row]:
    """A group called vermin, then the same claim negated or condemned."""
    used = [
        "{g} are just {d}",
        "{g} are nothing more than {d}",
        "let's be honest, {g} are {d}",
        "all {g} are {d} and always will be",
        "{g} are {d}, every single one",
        "{g} in this country are {d}",
    ]
    condemned = [
        "{g} are simply not {d}",
        "it is hateful to say {g} are {d}",
        "claims that {g} are {d} are dangerous lies",
        "stop saying {g} are {d}",
        "the poster who called {g} {d} was banned, and rightly so",
        "history shows where calling {g} {d} leads",
        "no one should ever describe {g} as {d}",
        "my grandmother was told {g} were {d}, and she proved them wrong",
    ]
    for i, group in enumerate(GROUPS):
        for j, (pos, neg) in enumerate(zip(_take(used, 3, i), _take(condemned, 3, 2 * i), strict=True)):
            fields = {"g": group, "d": DEHUMANISING[(3 * i + j) % len(DEHUMANISING)]}
            yield pos.format(**fields), dict(_HATE)
            yield neg.format(**fields), dict(_CLEAN)


# Calls to lock a whole group away or drive it out, and the places such calls put it.
REMOVALS: tuple[str, ...] = (
    "deported",
    "rounded up",
    "locked up",
    "kicked out",
    "sterilised",
    "thrown out",
    "put in camps",
    "banned from the country",
)
CONFINEMENTS: tuple[str, ...] = ("cages", "a zoo", "camps", "prison", "the gutter", "chains")
# Who may rightly be locked up or sent away: wrongdoers, named by what they did, not by who they are.
WRONGDOERS: tuple[str, ...] = (
    "people who abuse children",
    "drunk drivers",
    "the men who attacked them",
    "corrupt officials",
    "fraudsters",
    "poachers",
)
PUNISHMENTS: tuple[str, ...] = ("locked up", "kicked out", "thrown out", "jailed", "banned for life")
# What a group or a person "should be" when the sentence wishes them well: the frame alone is no call.
GOODS: tuple[str, ...] = (
    "welcomed",
    "paid fairly",
    "treated with respect",
    "protected by the law",
    "listened to",
    "given a fair chance",
    "offered training",
    "celebrated",
    "represented on the board",
    "consulted first",
)
# Things that die, stop or wear out: the verb of a death wish, said of no one.
ENDINGS: tuple[str, ...] = (
    "the tomatoes will die if nobody waters them",
    "my old laptop died on the train",
    "the oak by the church finally died last winter",
    "that fashion will die out within a year",
    "thousands die of malaria every year",
    "the fire died down overnight",
    "the conversation died when the boss walked in",
    "bees are dying off across the county",
    "the engine died at the lights",
    "the singer died peacefully at home",
)


def group_call_rows() -> Iterator[Row]:
    """A group called to be locked away or driven out, the same call denied or condemned, and the same words
    said of wrongdoers or of where a group does belong: the call is hate only when a group of people is its
    object for who they are."""
    used = ["{g} should be {r}", "all {g} need to be {r}", "honestly {g} must be {r}", "{g} belong in {c}"]
    refused = [
        "calls for {g} to be {r} are a disgrace",
        "demanding that {g} be {r} is pure bigotry",
        "{g} belong in this town as much as anyone",
        "{g} belong in every boardroom",
    ]
    for i, group in enumerate(GROUPS):
        fields = {"g": group, "r": REMOVALS[i % len(REMOVALS)], "c": CONFINEMENTS[i % len(CONFINEMENTS)]}
        yield used[i % len(used)].format(**fields), dict(_HATE)
        yield refused[i % len(refused)].format(**fields), dict(_CLEAN)
    for i, who in enumerate(WRONGDOERS):
        for punishment in _take(PUNISHMENTS, 2, 2 * i):
            yield f"{who} should be {punishment}", dict(_CLEAN)
    for i, who in enumerate(GROUPS + PEOPLE[1:]):
        verb = "should" if i % 2 else "must"
        yield f"{who} {verb} be {GOODS[i % len(GOODS)]}", dict(_CLEAN)


def ending_rows() -> Iterator[Row]:
    """Things that die, stop or wear out: no threat and no abuse, though the verb is a death wish's."""
    for text in ENDINGS:
        yield text, dict(_CLEAN)


# Coined compounds naming people by what they supposedly eat or do, and ordinary compounds of the same shape.
COMPOUND_NOUNS: tuple[str, ...] = (
    "frog",
    "goat",
    "sheep",
    "curry",
    "snail",
    "pork",
    "lizard",
    "bean",
    "grass",
    "horse",
)
COMPOUND_AGENTS: tuple[str, ...] = ("eater", "muncher", "humper", "shagger", "licker", "gobbler")
ORDINARY_COMPOUNDS: tuple[str, ...] = (
    "meat-eater",
    "plant-eater",
    "fire-eater",
    "fish-eater",
    "book-lover",
    "bird-watcher",
    "window-cleaner",
    "cheese-maker",
    "tree-planter",
    "sword-swallower",
)
# Eaters described by how they eat: the words of the coinages, said of nobody's origin.
PLAIN_EATERS: tuple[str, ...] = (
    "picky eater",
    "fussy eater",
    "big eater",
    "healthy eater",
    "messy eater",
    "slow eater",
)


def compound_rows() -> Iterator[Row]:
    """Coined compounds aimed at a person or a group ("shut up, frog-eater"), the same compounds mentioned,
    ordinary compounds of the same shape ("as a meat-eater ..."), and eaters described by how they eat."""
    at_person = ["shut up, {c}.", "nobody wants you here, you filthy {c}", "typical {c}, always whining", "go home {c}"]
    at_group = ["those {c}s are ruining this town", "the {c}s are at it again", "never trust a {c}"]
    mentioned = ["calling people {c}s is a disgusting slur", "he was banned for writing {c} under my post"]
    ordinary = ["as a {o} i loved this recipe", "the {o} at the fair was amazing", "my uncle is a {o}, always has been"]
    attack = {"abuse": 1.0, "toxicity": 1.0, "threat": 0.0}
    for i, noun in enumerate(COMPOUND_NOUNS):
        for j, agent in enumerate(_take(COMPOUND_AGENTS, 2, i)):
            word = f"{noun}-{agent}"
            yield at_person[(i + j) % len(at_person)].format(c=word), {**attack, "insult": 1.0}
            yield at_group[(i + j) % len(at_group)].format(c=word), {**attack, "identity_attack": 1.0}
            yield mentioned[(i + j) % len(mentioned)].format(c=word), dict(_CLEAN)
    for i, word in enumerate(ORDINARY_COMPOUNDS):
        for template in _take(ordinary, 2, i):
            yield template.format(o=word), dict(_CLEAN)
    plain = ["my kids are such {o}s", "you {o}, just try one bite", "i was a {o} as a child", "{o}s love this menu"]
    for i, word in enumerate(PLAIN_EATERS):
        for template in _take(plain, 2, i):
            yield template.format(o=word), dict(_CLEAN)


def threat_pairs() -> Iterator[Row]:
    """A threat, then the same act negated, feared or reported, and the same frame with a harmless act."""
    frames = [
        "i am going to {v} you",
        "i'll {v} you when i find you",
        "we will {v} you and your family",
        "next time i see you i will {v} you",
        "i'm gonna {v} you tomorrow",
        "we are going to {v} every one of the {g}",
        "i will {v} the next one of those {g} i see",
        "wait till i {v} you",
        "we're coming to {v} you",
    ]
    negated = [
        "i would never {v} you",
        "nobody is going to {v} you, calm down",
        "no one should {v} anyone over a comment",
        "i'm scared someone will {v} my son",
        "the police say a man tried to {v} a teenager last night",
        "no one should {v} {g}",
        "they threatened to {v} my neighbour and she called the police",
    ]
    for i, act in enumerate(THREAT_ACTS):
        for j, (frame, neg) in enumerate(zip(_take(frames, 3, i), _take(negated, 3, i), strict=True)):
            fields = {"v": act, "g": GROUPS[(i + j) % len(GROUPS)]}
            yield frame.format(**fields), {**_THREAT, "identity_attack": float("{g}" in frame)}
            yield neg.format(**fields), dict(_CLEAN)
            # The same frame with a harmless act: the act, not the frame, is the threat.
            yield frame.format(**{**fields, "v": BENIGN_ACTS[(i + j) % len(BENIGN_ACTS)]}), dict(_CLEAN)


# What a sentence denies or imputes to a whole group when it derogates it without a slur or a vermin noun,
# and the same words said fairly of the same group.
CLAIMS: tuple[tuple[str, str], ...] = (
    ("{g} simply don't share our values", "{g} share our values, whatever the papers say"),
    ("{g} aren't as {q} as the rest of us", "{g} are every bit as {q} as the rest of us"),
    ("{g} shouldn't be allowed to {r}", "{g} should be allowed to {r} like anyone else"),
    ("{g} will always {h}, it's in their culture", "{g} will always be welcome here"),
    ("{g} come over here and drain the system", "{g} come over here and pay into the system"),
    ("{g} don't belong in this country", "{g} belong in this country as much as anyone"),
    ("{g} can't be trusted with {t}", "{g} can be trusted with {t} like anyone else"),
    ("the trouble with {g} is that they never {n}", "the trouble with the council is that it never listens"),
)
QUALITIES: tuple[str, ...] = ("intelligent", "hard-working", "honest", "capable", "civilised", "trustworthy")
RIGHTS: tuple[str, ...] = ("adopt", "teach", "hold office", "run a business", "have children", "serve on juries")
HABITS: tuple[str, ...] = ("cheat", "lie", "steal", "scrounge", "cut corners", "take advantage")
TRUSTS: tuple[str, ...] = ("money", "children", "power", "a job like that", "the truth", "a vote")
NEVERS: tuple[str, ...] = ("integrate", "pay their way", "learn the language", "work", "respect the law", "fit in")


def claim_pairs() -> Iterator[Row]:
    """A group denied a good quality, a right or a place, or given a bad habit, then the same words said
    fairly: the claim, not the group's name, is the attack."""
    for i, group in enumerate(GROUPS):
        for j, (claim, fair) in enumerate(_take(CLAIMS, 2, i)):
            k = i + j
            fields = {
                "g": group,
                "q": QUALITIES[k % len(QUALITIES)],
                "r": RIGHTS[k % len(RIGHTS)],
                "h": HABITS[k % len(HABITS)],
                "t": TRUSTS[k % len(TRUSTS)],
                "n": NEVERS[k % len(NEVERS)],
            }
            yield claim.format(**fields), dict(_HATE)
            yield fair.format(**fields), dict(_CLEAN)


def deserve_rows() -> Iterator[Row]:
    """What a person or group "deserves" when it is something good: no threat. Only the negatives are
    written; the public threats ("deserves to die") and the threat patterns of :mod:`moderation.lexicon`
    hold the positives. Few public rows use the verb kindly, so a threat head learns it from the threats."""
    frames = ["{p} {deserve} {x}", "honestly {p} {deserve} {x}", "if you ask me {p} {deserve} {x}"]
    for i in range(len(PEOPLE) + len(GROUPS)):
        person = PEOPLE[i] if i < len(PEOPLE) else GROUPS[i - len(PEOPLE)]
        verb = "deserve" if person in ("you", "they") or i >= len(PEOPLE) else "deserves"
        for j, good in enumerate(_take(DESERVED_GOODS, 3, 3 * i)):
            yield frames[(i + j) % len(frames)].format(p=person, deserve=verb, x=good), dict(_CLEAN)


def object_rows() -> Iterator[Row]:
    """Rude words aimed at things: profanity, perhaps, but no attack on anyone."""
    templates = [
        "this {o} is {w}",
        "the {o} is so {w} i want a refund",
        "why is the {o} so {w}",
        "my {w} {o} froze again",
        "what a {w} {o}",
        "the {o} is {w}, avoid",
        "i hate this {w} {o}",
        "i hate the {o}, it is {w}",
    ]
    nouns = [
        "the {o} is a {n}",
        "this {o} is an utter {n}",
        "my {o} is a {n} and i want my money back",
        "what a {n} this {o} is",
    ]
    for i, obj in enumerate(OBJECTS):
        for j, template in enumerate(templates):
            word = OBJECT_WORDS[(2 * i + j) % len(OBJECT_WORDS)]
            text = template.format(o=obj, w=word)
            yield text, {**_NOT_PEOPLE, **_profanity(text)}
        for j, template in enumerate(nouns):
            text = template.format(o=obj, n=OBJECT_NOUNS[(i + j) % len(OBJECT_NOUNS)])
            yield text, {**_NOT_PEOPLE, **_profanity(text)}


def profanity_rows() -> Iterator[Row]:
    """Profanity that attacks no one: exclamations about situations, and swearing as praise."""
    for i, exclamation in enumerate(EXCLAMATIONS):
        for j, situation in enumerate(_take(SITUATIONS, 3, 3 * i)):
            text = f"{exclamation}, {situation}" if j % 2 == 0 else f"{situation}, {exclamation}"
            yield text, {**_NOT_PEOPLE, "profanity": 1.0}
    for i, praise in enumerate(PRAISE):
        for thing in _take(OBJECTS, 2, 5 * i):
            yield f"the {thing} is {praise}", {**_NOT_PEOPLE, "profanity": 1.0}


FAMILIES = (
    insult_pairs,
    slur_pairs,
    group_pairs,
    group_call_rows,
    compound_rows,
    threat_pairs,
    claim_pairs,
    ending_rows,
    deserve_rows,
    object_rows,
    profanity_rows,
)
"""Every family of contrast sentences, in the order they are written."""


def contrast_rows() -> list[Row]:
    """Every contrast sentence with its labels, deduplicated, in a fixed order."""
    out: dict[str, dict[str, float]] = {}
    for family in FAMILIES:
        for text, labels in family():
            out.setdefault(text, labels)
    return list(out.items())
