"""Slur and attack knowledge as model features, with spans: curated terms and the constructions no word
list holds.

Everything here works on normalised text (see :mod:`moderation.normalize`) and reports character spans
in it, so explanations can map them back to the original. None of it decides a verdict: the patterns
become features whose weights the abuse model learns from data.

- Identity terms (Muslim, Jewish, gay, Black, women, ...) are removed from the text the n-gram features
  see (:func:`mask_identity`): naming one's identity must never push a score up, and the public data
  over-represents identity words in abusive rows. Whether a group is *attacked* is told by the attack
  features below, which fire only next to attack words.
- Attack features count: slurs (curated) and their one-slip misspellings that are not English words;
  insults for a person (curated: idiot, cretin, scumbag ...), their misspellings ("idoit") and the words
  around a plain noun that make it one ("a sad little man", "the dumbest person here"), and such an
  insult or slur said to the reader ("you idiot", "shut up, moron."); an identity term near a
  dehumanising or abusive word; a claim about a whole group, or about "they" after one is named ("X are a
  plague", "why are X always so lazy?", "X should all be deported", "X belong in cages", "the world would
  be better without X"; a call for violence against one, "X should be shot", counts as a threat);
  dehumanising language (animal, vermin and disease names, "X-eater" and "eater of X" compounds,
  "subhuman"); blends of a word, name or group with an obscenity that no dictionary holds; "go back to
  ..." attacks. A blend is only a blend when the whole word is not an ordinary English word, so
  Scunthorpe, cocktail and assassin stay innocent. Threat constructions ("I will hurt you", "I know
  where you live", "you will pay") count as well, and so do menace without a violent word ("we know what
  time your wife leaves work", "your days are numbered") and death wishes ("die in a fire", "go kill
  yourself"); set phrases such as "waste of oxygen" count as insults for a person, and "f*** you" as an
  insult said to the reader. A feature marks texts that name no person at all (no pronoun, group,
  mention, person noun, title, side, insult for a person, threat or insult said to the reader), and the
  last counts the rude words in such a text: abuse of a printer is not an insult.
- Mentioned words (negated, quoted, named as a word or a slur, the predicate of a claim the writer
  rejects, an insult the writer says of themself, a slur's homonym in its ordinary sense) are replaced by
  one placeholder before any feature sees them (:func:`mask_mentions`): "I would never call anyone a ..."
  uses no slur, "I'm such an idiot" insults no one, and "nipped out for a fag" means a cigarette. In the
  n-gram view every slur becomes one token too (:func:`mask_slurs`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from moderation.keys import KeyIndex

# Groups people are attacked for. Nouns and adjectives, singular and plural; curated by hand.
IDENTITY_TERMS: frozenset[str] = frozenset(
    """
    muslim muslims islam islamic moslem moslems jew jews jewish judaism christian christians christianity
    catholic catholics protestant protestants mormon mormons hindu hindus hinduism sikh sikhs buddhist buddhists
    buddhism atheist atheists sunni sunnis shia shias shiite shiites sufi evangelical evangelicals
    gay gays lesbian lesbians bisexual bisexuals trans transgender transgenders transsexual queer queers lgbt
    lgbtq lgbtqia homosexual homosexuals heterosexual heterosexuals nonbinary
    black blacks white whites asian asians chinese japanese korean koreans vietnamese filipino filipinos
    mexican mexicans latino latinos latina latinas latinx hispanic hispanics arab arabs arabic indian indians
    african africans european europeans american americans russian russians palestinian palestinians israeli
    israelis pakistani pakistanis iranian iranians iraqi iraqis syrian syrians somali somalis turkish turk turks
    polish pole poles irish roma gypsy gypsies caucasian
    romanian romanians bulgarian bulgarians albanian albanians nigerian nigerians ghanaian ghanaians jamaican
    jamaicans haitian haitians afghan afghans bangladeshi bangladeshis ukrainian ukrainians lithuanian lithuanians
    italian italians kurd kurds kurdish eritrean eritreans sudanese aboriginal aboriginals aborigine aborigines
    dalit dalits tamil tamils traveller travellers
    immigrant immigrants migrant migrants refugee refugees foreigner foreigners
    woman women female females girl girls man men male males
    disabled disability deaf blind autistic elderly
    """.split()  # noqa: SIM905 - a word list reads best as words
)

# Slurs for groups, curated by hand: ethnic, religious, sexual orientation, gender identity, disability.
# Only words whose ordinary use is the slur; reclaimed or ambiguous words (queer, negro, cracker) are left out.
SLURS: frozenset[str] = frozenset(
    """
    nigger niggers nigguh coon coons jigaboo jigaboos sambo chink chinks gook gooks slant slanteye slanteyes
    spic spics spick spicks wetback wetbacks beaner beaners kike kikes yid yids heeb heebs hymie raghead
    ragheads towelhead towelheads sandnigger sandniggers paki pakis wog wogs golliwog gyppo gyppos pikey
    pikeys kaffir kaffirs redskin redskins honky honkies muzzie muzzies muzrat muzrats dindu dindus faggot faggots fag
    fags dyke dykes tranny trannies shemale shemales poof poofs poofter poofters lesbo lesbos retard retards
    retarded spaz spazz spastic mongoloid mongoloids groid groids dothead dotheads shitskin shitskins jiggaboo
    jiggaboos porchmonkey porchmonkeys nignog nignogs zipperhead zipperheads wop wops dago dagos greaseball
    greaseballs polack polacks kraut krauts injun injuns squaw squaws boong boongs coolie coolies bogtrotter
    bogtrotters taig taigs peckerwood peckerwoods halfbreed halfbreeds negress jap japs mong mongs
    """.split()  # noqa: SIM905 - a word list reads best as words
)
# Names one slip away from a slur that no dictionary holds: a country, a sports team.
_NAMES_NEAR_SLURS = frozenset(("niger", "hokies"))
_SLUR_STEMS = frozenset(w for w in SLURS if not w.endswith("s") or w[:-1] not in SLURS)

# Insults for a person, curated by hand: nouns whose ordinary use is contempt for whoever they name.
INSULT_NOUNS: frozenset[str] = frozenset(
    """
    idiot idiots moron morons imbecile imbeciles cretin cretins halfwit halfwits dimwit dimwits nitwit nitwits
    dunce dunces buffoon buffoons clown clowns jackass jackasses dumbass dumbasses dickhead dickheads knobhead
    knobheads asshole assholes arsehole arseholes bastard bastards scumbag scumbags loser losers twit twits
    tosser tossers wanker wankers prick pricks douchebag douchebags numpty numpties plonker plonkers pillock
    pillocks muppet muppets bonehead boneheads blockhead blockheads airhead airheads dipshit dipshits shithead
    shitheads jerk jerks creep creeps lowlife lowlifes degenerate degenerates simpleton simpletons ignoramus
    ignoramuses hypocrite hypocrites liar liars coward cowards bigot bigots fool fools oaf oafs lout louts
    whore whores slut sluts skank skanks cunt cunts twat twats nincompoop nincompoops dolt dolts dullard
    dullards twerp twerps prat prats berk berks numbskull numbskulls troglodyte troglodytes windbag windbags
    blowhard blowhards bellend bellends gobshite gobshites nutjob nutjobs nutcase nutcases crackpot crackpots
    bozo bozos dirtbag dirtbags sleazebag sleazebags slimeball slimeballs thicko thickos wazzock wazzocks
    dingbat dingbats dickwad dickwads shitbag shitbags toerag toerags
    """.split()  # noqa: SIM905 - a word list reads best as words
)


def _near_variants(word: str) -> set[str]:
    """Spellings one slip away from `word` that keep its first letter: an inner letter dropped (from words of
    six letters or more: "wetbak", "raghed"), two neighbours after the first swapped ("kkie", "spci") or a
    letter after the first doubled ("muzzie").
    Dropping the first or last letter, or any letter of a short word, mostly makes another word ("hink",
    "samb", "hony"), and a disguise keeps the letter a reader starts from."""
    dropped = {word[:i] + word[i + 1 :] for i in range(1, len(word) - 1)} if len(word) >= 6 else set()
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 1)}
    doubled = {word[: i + 1] + word[i:] for i in range(1, len(word))}
    return (dropped | swapped | doubled) - {word}


_OBSCENE_ROOT = r"sh[iy]te?|shyt|fu+c?k|fuq|phuck|crap|turd|piss|cunt|kunt|twat|wank|bitch|biatch|whore|slut|scum"
# What an obscenity takes as an ordinary inflection or derivation: "fucking" is profanity, not a blend.
_INFLECTIONS = frozenset(
    [
        "ing",
        "ings",
        "in",
        "ed",
        "er",
        "ers",
        "es",
        "ey",
        "ier",
        "iest",
        "ies",
        "ily",
        "iness",
        "ness",
        "ful",
        "less",
        "ly",
        "ery",
    ]
)
_DEHUMANISING = (
    r"animals?|beasts?|vermin|rats?|pigs?|swine|apes?|monkeys?|baboons?|gorillas?|dogs?|mongrels?|curs?|"
    r"cockroach(?:es)?|roach(?:es)?|parasites?|leech(?:es)?|lice|louse|maggots?|worms?|insects?|snakes?|"
    r"rodents?|savages?|subhumans?|sub-humans?|untermenschen|cancer|disease|plague|filth|trash|garbage|"
    r"scum|infestation|infest(?:ed|ing)?|breed(?:ers?|ing)?|locusts?|swarms?|hordes?|germs?|hyenas?|jackals?|"
    r"less than human|lesser beings?|subspecies"
)
# Names for people that are plain words in farm, garden and film talk ("their cattle", "pests destroyed the
# crops"): dehumanising only as what a whole group is said to be ("X are cattle"), so in the group claims alone.
_DEHUMANISING_CLAIMED = (
    r"bugmen|slugs?|vultures?|pests?|mutts?|sows?|goblins?|orcs?|zombies?|cattle|livestock|invasive species|"
    r"human (?:garbage|trash|waste|litter|filth|debris)"
)
_ABUSIVE = (
    r"idiots?|morons?|stupid|dumb|retard(?:s|ed)?|losers?|scum|filthy|dirty|disgusting|hate|kill|deport|"
    r"burn|gas|shoot|exterminate|wipe|die|inferior|evil|terrorists?|criminals?|rapists?|thugs?|" + _DEHUMANISING
)

_TOKEN = re.compile(r"[a-z0-9*'@$!]+")
_WORD = re.compile(r"\w+")
_ROOT_AT_END = re.compile(r"^([a-z]{3,}?)(" + _OBSCENE_ROOT + r")s?$")
_ROOT_AT_START = re.compile(r"^(" + _OBSCENE_ROOT + r")([a-z]{3,})$")
# A group's name fused with a word of contempt: the word before the name, or a vermin noun after it
# ("jewrats"). After the word, names of four letters or more, or their tail of five or more letters after a
# dropped first letter or two, as a portmanteau overlaps its halves ("rapefugees": rape + refugees).
_CONTEMPT_PREFIX = r"rape|terror|scum|filth|pedo|paedo|shit|trash|rat|pig|roach|dirt|dirty|stink|stinky|smelly|crap"
_VERMIN_SUFFIX = r"rats?|pigs?|roach(?:es)?|apes?|monkeys?|vermin|scum|trash|filth|dogs?|swine|maggots?"
_NAMES = sorted({t for t in IDENTITY_TERMS if len(t) >= 3 and t.isalpha()}, key=len, reverse=True)
_TAILS = sorted({t[k:] for t in _NAMES for k in (1, 2) if len(t) - k >= 5}, key=len, reverse=True)
_IDENTITY_AFFIXED = re.compile(
    r"^(?:(?:"
    + _CONTEMPT_PREFIX
    + r")(?:"
    + "|".join(n for n in _NAMES + _TAILS if len(n) >= 4)
    + r")|(?:"
    + "|".join(_NAMES)
    + r")(?:"
    + _VERMIN_SUFFIX
    + r"))$"
)
_DEHUMANISE = re.compile(
    r"\b(?:eaters? of \w+|\w+-eaters?|(?:you|ur|u|they|them|those|these|he|she|his|her|all)\b(?:\s+\w+){0,3}\s+"
    r"(?:" + _DEHUMANISING + r"))\b"
)
# A coined compound that names a person or group by what they supposedly eat, ride or do: "frog-eater",
# "eater of frogs", "goat-humper", "curry-muncher": an agent noun of eating or of a sex act hyphenated to a
# word. Spaced ones are left out, as they are mostly table talk ("picky eaters", "a ghost eater"), and so are
# ordinary hyphenated ones' meanings ("meat-eater"), which the learned weight and the contrast sentences weigh.
_COMPOUND_AGENTS = r"eaters?|munchers?|chompers?|gobblers?|humpers?|shaggers?|lickers?|botherers?|jockeys?"
_COMPOUND = re.compile(r"\b(?:eaters? of \w+|[a-z]+-(?:" + _COMPOUND_AGENTS + r"))\b")
_COMPOUND_KEYS = ("eater", "munch", "chomp", "gobbl", "hump", "shag", "lick", "bother", "jockey")
"""Substrings one of which every match of :data:`_COMPOUND` holds: without one, its scan is spared."""
# People by role, office or kind, in the singular: the one list of them that threats and names_person share.
_ROLES = (
    r"author|writer|reporter|journalist|editor|moderator|poster|commenter|mayor|president|minister|senator|"
    r"councillor|councilor|governor|politician|judge|cop|officer|teacher|guy|man|woman|bloke|kid"
)
# A person named by role, as a threat's object: "I will shoot the author", "we'll hurt that reporter".
_NAMED_PERSON = (
    r"(?:the|that|this|your|my|his|her|their)\s+(?:" + _ROLES + r"|neighbour|neighbor|boss|referee|wife|husband)s?"
)
_THREAT = re.compile(
    r"\b(?:i|we|i'm|im|we're|someone|somebody|they)\s+(?:will|'ll|ll|am|are|is|'m|m|gonna|going to|should|"
    r"would|want to|wanna|could)\s+(?:\w+\s+){0,2}(?:kill|hurt|shoot|stab|beat|hang|murder|burn|rape|strangle|"
    r"choke|smash|break|bash|hunt)\s+(?:you|u|ya|him|her|them|your|ur|his|their|every|all|" + _NAMED_PERSON + r")\b|"
    r"\b(?:know|found|find|find out) where (?:you|u|he|she|they) (?:live|work)s?\b|\bwatch (?:your|ur) back\b|"
    r"\byou(?:'ll| will| are going to| gonna)\s+(?:\w+\s+)?(?:die|pay|regret|bleed|suffer)\b|"
    r"\bdeserves? to (?:die|be (?:shot|killed|hanged|raped|beaten))\b"
)
_GO_BACK_KEYS = ("back", "country")
_THREAT_KEYS = (
    "kill", "hurt", "shoot", "stab", "beat", "hang", "murder", "burn", "rape", "strangle", "choke", "smash",
    "break", "bash", "hunt", "where", "watch", "die", "pay", "regret", "bleed", "suffer", "deserve",
)  # fmt: skip
"""Words one of which every match of :data:`_GO_BACK` (or :data:`_THREAT`) holds: without one, its scan is spared."""
# Who a call for violence can be about, as the subject of "should be shot": pronouns, people at large, and
# people named by role (see _NAMED_PERSON).
_PERSON_WORDS = (
    r"he|she|they|you|u|him|them|anyone|anybody|everyone|everybody|someone|somebody|whoever|people|"
    r"(?:" + _ROLES + r"|mp|traitor)s?"
)
# The violence itself: what a person suffers in a call for it.
_VIOLATED = (
    r"shot|shot dead|hanged|hung|lynched|stabbed|knifed|beaten|beaten up|killed|executed|strung up|put down|"
    r"gassed|burned|burnt|tortured|raped|murdered|strangled|beheaded|castrated|kneecapped|curb ?stomped"
)
_VIOLATED_KEYS = (
    "shot", "hang", "hung", "lynch", "stab", "knifed", "beat", "kill", "execut", "strung", "put down", "gass",
    "burn", "tortur", "rape", "murder", "strangl", "behead", "castrat", "kneecap", "stomp",
)  # fmt: skip
# Where people worship, shelter, live or work: what a call for arson or bombing names.
_PLACES = (
    r"(?:mosques?|synagogues?|churches?|temples?|gurdwaras?|hostels?|shelters?|camps?|clinics?|newsrooms?|"
    r"houses?|homes?|offices?|centres?|centers?)"
)
_HARMS = (
    r"cancer|aids|ebola|a tumou?r|tumou?rs|hit by|run over|raped|killed|shot|stabbed|murdered|mugged|"
    r"tortured|lynched|what(?:'s| is) coming"
)
_CALLED_VIOLENCE = (
    r"\b(?:should|must|ought to|needs? to|deserves? to|has to|have to|is getting|are getting|'s getting)\s+"
    r"(?:all\s+|just\s+|simply\s+|publicly\s+)?(?:be\s+)?(?:(?:\w+\s+){1,5}?and\s+)?(?:" + _VIOLATED + r")\b"
)


@dataclass(frozen=True)
class _Anchored:
    """A pattern tried only in the stretch of text before each match of `anchor`, the cheaper pattern every
    one of its matches ends with (a lookbehind of any width, which Python's `re` cannot take), and `anchor`
    only in a text holding one of `keys`, one of which every match of it holds."""

    pattern: re.Pattern[str]
    anchor: re.Pattern[str]
    reach: int
    keys: tuple[str, ...]

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if not any(key in text for key in self.keys):
            return
        last = 0
        for anchor in self.anchor.finditer(text):
            found = self.pattern.search(text, max(last, anchor.start() - self.reach), anchor.end())
            if found is not None:
                last = found.end()
                yield found

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)


MENTION = "xmentionx"
"""What a mentioned word becomes: one token the model can learn to read as "a word, not an attack"."""
_MENACE_KEYS = (
    "what happens", "ambulance", "body bag", "bodybag", "box", "hearse", "coffin", "stretcher", "visit", "only good",
)  # fmt: skip
# More threat constructions, each tried only when its key phrase is in the text (see _MENTION_RULES).
_THREAT_RULES: tuple[tuple[tuple[str, ...], re.Pattern[str] | _Anchored], ...] = (
    (
        ("coming for",),
        re.compile(
            r"\b(?:i'm|im|i am|we're|we are|they're|they are)\s+coming for\s+"
            r"(?:you|u|ya|him|her|them|your|ur|every|all)\b"
        ),
    ),
    (("better ",), re.compile(r"\bbetter (?:hide|run|pray|watch out|sleep with one eye open)\b")),
    # A wish or a call for the reader's death or self-harm: "die in a fire", "go kill yourself", "I hope you die."
    # Bare "die" and "drop dead" only where the clause ends or goes on as a wish does ("drop dead gorgeous" and
    # "Die Hard" are no wish); "kill yourself" only after a clause's start or a call ("don't kill yourself
    # over it" is kind).
    (
        ("die", "dead", "yourself", "urself", "yourselves", "jump off"),
        re.compile(
            r"(?:^|[.!?,;:]\s*|\b(?:just|go|please|pls|plz|you should|u should|you need to|"
            r"why don't you|why dont you|(?:i\s+)?hope (?:you|u|he|she|they)(?:'ll| will)?|"
            r"wish (?:you|u|he|she|they) would)\s+)(?:go\s+|just\s+)?"
            r"(?:die(?=\s*(?:[.!?,;:]|$)|\s+(?:in an?|of|already|slowly|alone|painfully|screaming|you|plz|please)\b)|"
            r"drop dead(?=\s*(?:[.!?,;:]|$)|\s+(?:already|you)\b)|"
            r"(?:kill|hang|neck|drown|off|shoot) (?:yourself|urself|yourselves)\b|jump off an? (?:bridge|cliff|roof))"
        ),
    ),
    (
        ("make sure",),
        re.compile(
            r"\bmake sure (?:you|u|he|she|they) (?:never|can't|cannot|won't) (?:walk|talk|breathe|see|wake|work)\b"
        ),
    ),
    # Violence a person "should" suffer, said of them: "he should be shot", "the MP who voted for this should be
    # dragged out and hanged", "anyone who does that is getting stabbed". The person is named earlier in the
    # clause; the act is the last of the chain ("dragged out into the street and shot"), so "he should be
    # careful not to get shot" is no call; a forecast ("people will get killed at that junction") is none.
    (
        _VIOLATED_KEYS,
        _Anchored(
            re.compile(r"\b(?:" + _PERSON_WORDS + r")\b[^.!?;\n]{0,60}?" + _CALLED_VIOLENCE),
            re.compile(_CALLED_VIOLENCE),
            reach=80,
            keys=("should", "must", "ought", "need", "deserve", "has to", "have to", "getting"),
        ),
    ),
    # A wish that harm befall someone: "I hope your kids get hit by a car", "hope he gets cancer", "I hope
    # they all starve"; and the curse said to the reader, "get cancer and die".
    (
        ("hope", "hoping", "wish", "pray"),
        re.compile(
            r"\b(?:hope|hopes|hoping|wish|wishing|pray|praying)\s+(?:that\s+)?(?:you|u|ya|he|she|they|him|them|"
            r"someone|somebody|(?:your|ur|his|her|their)\s+(?:\w+\s+)?\w+|" + _NAMED_PERSON + r")\s+(?:all\s+)?"
            r"(?:(?:gets?|got|catch|catches|will get|would get|'ll get)\s+(?:\w+\s+){0,2}?(?:" + _HARMS + r")|"
            r"(?:will\s+|would\s+|'ll\s+)?(?:suffers?|burns? to death|chokes?|drowns?|starves?)\b)"
        ),
    ),
    (
        ("cancer", "aids", "ebola", "hit by"),
        re.compile(
            r"(?:^|[.!?,;:]\s*|\b(?:go|just|pls|please|and)\s+)(?:go\s+)?(?:get|catch)\s+(?:cancer|aids|ebola|"
            r"hit by an? (?:car|bus|truck|train|lorry))\b|\b(?:hope|wish)\s+(?:the\s+)?(?:cancer|aids|ebola)\s+"
            r"(?:gets|takes|kills|eats)\s+(?:you|u|him|her|them)\b"
        ),
    ),
    # A weapon put into a person or a body: "put a bullet in that judge", "a brick to the skull".
    (
        ("bullet", "brick", "knife", "knives", "blade", "bat ", "axe", "hammer"),
        re.compile(
            r"\b(?:put|pump|stick|plant|lodge|take|give|deserves?)\s+(?:a|one|some|two|three|\d+)\s+(?:bullets?|"
            r"knife|knives|blades?)\s+(?:in|into|through)\s+(?:you|u|him|her|them|yourself|his|your|ur|"
            r"their|" + _NAMED_PERSON + r")\b|"
            r"\b(?:getting|gets?|deserves?|needs?|earned|is owed|give\s+\w+|put)\s+(?:a|an|one|some|the)\s+"
            r"(?:bullets?|bricks?|bat|knife|blade|axe|hammer)\s+(?:in|into|to|through|across)\s+(?:the|that|"
            r"this|your|ur|his|her|their)\s+(?:\w+\s+)?(?:head|skull|face|brains?|chest|neck|kneecaps?|gut|throat|"
            r"heart|teeth|mouth)\b"
        ),
    ),
    # What will become of someone: "you won't be walking away", "you'll end up in a ditch", "someone's going
    # to teach that journalist a lesson".
    (
        ("walk", "get up", "getting up", "wake up", "end up", "wind up", "lesson"),
        re.compile(
            r"\b(?:you|u|he|she|they|you'll|he'll|she'll|they'll)\s+(?:won't|wont|will not|will never|'ll never)\s+"
            r"(?:be\s+)?(?:walk(?:ing)?\s+(?:away|again|out)|get(?:ting)? up|wake up)\b|"
            r"\b(?:you|u|he|she|they)(?:'ll|\s+will|\s+are going to|\s+is going to|\s+gonna)?\s+(?:end|wind)\s+up\s+"
            r"(?:in\s+(?:a\s+)?(?:ditch|body bag|morgue|coffin|grave|box)|dead|six feet under)\b|"
            r"\b(?:going to|gonna|will|'ll|should|needs? to|ought to|has to|wanna|want to|would love to)\s+teach\s+"
            r"(?:you|u|him|her|them|(?:that|the|this)\s+\w+)\s+a\s+lesson\b"
        ),
    ),
    # Menace by innuendo and beatings: "would be a shame if something happened", "won't take me long to find
    # your address", "take a bat to his kneecaps", "string the traitors up".
    (
        ("shame if", "find your", "find ur", "bat to", "string", "teeth", "kicking", "hiding", "beating", "pasting"),
        re.compile(
            r"\bshame\s+if\s+(?:something|anything)\s+(?:bad\s+)?(?:happened|happens|were to happen)"
            r"(?:\s+to\s+(?:you|u|him|her|them|your|ur|his|their)\b|\s*(?:[.!?,;]|$))|"
            r"\b(?:i'll|i will|i'm gonna|im gonna|i'm going to|gonna|going to|won't take (?:me\s+)?long to|easy to|"
            r"i can|we can|we'll|we will)\s+find\s+(?:your|ur)\s+(?:address|house|home|family|kids)\b|"
            r"\btake\s+(?:a|an|my)\s+(?:baseball\s+|cricket\s+)?bat\s+to\s+(?:his|her|your|ur|their|"
            r"(?:(?:that|the|this)\s+)?\w+'s)\s+"
            r"(?:\w+\s+)?(?:kneecaps?|knees|legs|head|face|skull|teeth)\b|"
            r"\bstring\s+(?:them|him|her|'em|(?:the|those|these|all the)\s+(?:traitors|politicians|bastards|scum|"
            r"lot))\s+up\b|"
            # a beating called for or relished: "that councillor needs a good kicking", "I'd happily knock his
            # teeth out"
            r"\b(?:" + _PERSON_WORDS + r")\s+(?:\w+\s+){0,2}?(?:needs?|deserves?|is asking for|are asking for|wants?|"
            r"could do with|is due|are due)\s+a\s+"
            r"(?:good\s+|proper\s+|sound\s+|right\s+)?(?:kicking|hiding|beating|pasting|thrashing|shoeing)\b|"
            r"\b(?:knock|knocking|kick|kicking|smash|smashing|punch|punching)\s+(?:(?:his|her|your|ur|their|"
            r"(?:(?:that|the|this)\s+)?(?:\w+\s+)?\w+'s)\s+)(?:\w+\s+)?(?:teeth|head|face|lights)\s+(?:out|in)\b"
        ),
    ),
    # A call to burn or bomb where people worship, live or work: "someone should firebomb that hostel", "burn
    # down the mosque on X Street", "those shelters should be torched".
    (
        ("bomb", "torch", "burn", "blow up", "blown up", "shoot up", "raze"),
        re.compile(
            r"(?:\b(?:should|must|ought to|needs? to|would|wish|let's|lets|time to|gonna|going to|will|'ll)\s+"
            r"(?:\w+\s+)?|(?:^|[.!?;:]\s*))(?:fire-?bomb|bomb|torch|burn down|burn|blow up|shoot up)\s+(?:the|that|"
            r"this|their|every|all the|a|an|those|these|his|her|your)\s+(?:\w+\s+)?" + _PLACES + r"\b|"
            r"\b" + _PLACES + r"\s+(?:\w+\s+)?(?:should|must|ought to|needs? to|deserve to)\s+(?:all\s+)?be\s+"
            r"(?:fire-?bombed|bombed|torched|burned|burnt|blown up|razed)\b"
        ),
    ),
    # Menace dressed as a forecast or a dare: "keep talking and see what happens", "she'll be leaving in an
    # ambulance", "I'll pay you a visit with a bat", "the only good X is a dead one".
    (
        _MENACE_KEYS,
        re.compile(
            r"\bkeep\s+(?:talking|pushing|it up|running (?:your|ur) mouth|mouthing off|posting|testing me|writing|"
            r"publishing|printing|commenting|poking|digging|snooping|reporting)\b"
            r"[^.!?]{0,40}?\band\s+(?:see|find out|you'll see|you will see)\s+what happens\b|"
            r"\b(?:you|u|he|she|they)(?:'ll|\s+will|\s+are going to|\s+is going to|\s+gonna)?\s+(?:be\s+)?"
            r"(?:leav(?:e|es|ing)|go(?:es|ing)? home|go(?:es|ing)? out|com(?:e|es|ing) out)\s+(?:of\s+\w+\s+)?"
            r"(?:in|on)\s+(?:an?\s+)?"
            r"(?:ambulance|body ?bag|box|coffin|hearse|stretcher)\b|"
            r"\b(?:pay|paying)\s+(?:you|u|him|her|them|(?:that|the|this)\s+\w+)\s+a\s+(?:little\s+|friendly\s+)?"
            r"visit\s+with\s+(?:a|an|my|some)\s+(?:\w+\s+)?(?:bat|knife|gun|rifle|shotgun|machete|crowbar|hammer|"
            r"axe|brick)\b|"
            r"\bthe only good (\w+?)s? (?:is|are) (?:an? )?dead (?:ones?|\1s?)\b"
        ),
    ),
    # Menace by what the writer knows of the target's life: "I know where your kids go to school", "we know which
    # gym you use", "we've got your address now", "your address isn't that hard to find". ("I know where you
    # live" is :data:`_THREAT`'s.)
    (
        (
            "know where",
            "know which",
            "know what",
            "know exactly",
            "found out",
            "found where",
            "found which",
            "found what",
            "address",
            "postcode",
            "number plate",
            "kids' school",
        ),
        re.compile(
            r"\b(?:i|we|i've|we've|i have|we have)\s+(?:already\s+|now\s+|also\s+)?(?:know|found out|found)\s+"
            r"(?:exactly\s+)?(?:where|which \w+|what time|what school|what car|what gym)\s+"
            r"(?!(?:you|u|he|she|they)\s+(?:live|work)s?\b)"
            r"(?:you|u|your|ur|he|she|his|her|they|their)\b(?:\s+\w+){0,3}?\s+(?:lives?|works?|go(?:es)?|drops?|"
            r"parks?|sleeps?|uses?|drinks?|trains?|shops?|walks?|drives?|finish(?:es)?|leaves?|stays?|plays?|"
            r"catch(?:es)?|runs?|collects?|picks? up)\b|"
            r"\b(?:i've|we've|i have|we have|i've got|we've got|i got|we got|i found|we found)\s+(?:now\s+)?"
            r"(?:your|ur|his|her|their)\s+(?:home\s+)?(?:address|postcode|number plate|kids' school)\b|"
            r"\b(?:your|ur|his|her|their)\s+(?:home\s+)?address\s+(?:isn't|is not|wasn't|won't be|ain't)\s+"
            r"(?:that\s+|very\s+|too\s+|exactly\s+|so\s+)?(?:hard|difficult|tough|" + MENTION + r")\s+to\s+find\b"
        ),
    ),
    # Menace by a reckoning foretold: "enjoy your last few weeks", "your days are numbered", "you're a dead man",
    # "they'll need dental records to identify you", "don't be surprised when it burns", "accidents happen to
    # reporters who ...", "we're done asking nicely".
    (
        (
            "enjoy",
            "numbered",
            "dead man",
            "dead woman",
            "dead meat",
            "dental",
            "surprised",
            "accidents",
            "nicely",
            "being nice",
            "playing nice",
            "writing letters",
        ),
        re.compile(
            r"\benjoy\s+(?:your|ur)\s+(?:last|final)\s+(?:few\s+)?(?:days|weeks|months|hours|moments|nights?)\s+"
            r"(?:of\s+(?:feeling safe|freedom|peace|breathing|life|being alive|walking)|alive|on earth|"
            r"while (?:you|u) can)\b|"
            r"\b(?:your|ur)\s+days\s+are\s+numbered\b|"
            r"\b(?:you're|youre|you are|ur|u r)\s+(?:a\s+)?dead\s+(?:man|woman|meat)\b|"
            r"\bneed\s+(?:your\s+|his\s+|her\s+|their\s+)?dental\s+records\s+to\s+identify\b|"
            r"\bdon't\s+be\s+surprised\s+(?:when|if)\s+(?:it|you|u|he|she|they|(?:the|that|this|your|his|her|their)"
            r"\s+\w+)\s+(?:gets?\s+|is\s+|are\s+)?(?:burns?|burned|burnt|torched|bombed|smashed up|attacked|"
            r"vandali[sz]ed|hurt|firebombed)\b|"
            r"\baccidents\s+(?:can\s+|tend\s+to\s+|do\s+|often\s+|sometimes\s+)?happen\s+to\s+(?:\w+\s+)?"
            r"(?:people|reporters|journalists|folks?|those|men|"
            r"women|judges|councillors|politicians|mps|writers|editors|doctors|teachers|kids|children)\s+(?:who|that)\b|"
            r"\b(?:we're|i'm|we are|i am)\s+(?:done|finished|through)\s+(?:asking\s+nicely|being\s+nice|"
            r"playing\s+nice|writing\s+letters)\b"
        ),
    ),
    # Menace by a shot, a search or a "shame": "I'll put a bullet in his head", "I'll find you, it isn't hard",
    # "shame if anything happened to that lovely garden of yours", "delete it while you still can", "kys".
    (
        ("bullet", "shame if", "find you", "find u", "find ya", "track", "hunt", "still can", "kys", "under my"),
        re.compile(
            r"\b(?:put|putting|puts|stick|sticking|pump|pumping)\s+(?:a|one|two|some|the)\s+bullets?\s+(?:in|into|"
            r"through|between)\s+(?:you|u|him|her|them|your|ur|his|their|every|(?:that|the|this)\s+(?:\w+'s|(?:"
            + _ROLES
            + r"|mp|traitor)s?))\b|"
            r"\bshame if (?:anything|something|owt) (?:bad\s+)?(?:happened|were to happen|was to happen|should happen|"
            r"happens) to (?:you|u|him|her|them|your|ur|his|their|that|this)\b|"
            r"\b(?:i|we)(?:'ll| will|'m going to| am going to|'re going to| are going to| gonna)\s+(?:\w+\s+)?"
            r"(?:find|track down|hunt down|track|hunt)\s+(?:you|u|ya)(?:\s+down)?"
            r"(?=\s*(?:[.!?,;:]|$|and\b|one day\b|eventually\b|soon\b))|"
            r"\b(?:delete|take down|retract|pull|quit|leave|run|apologi[sz]e|resign)\b[^.!?]{0,30}?\bwhile (?:you|u) "
            r"still can\b|"
            r"\bkys\b|"
            r"\b(?:going|go|goes|end up|ends up)\s+under\s+my\s+(?:wheels|tyres|tires|car|truck|van|lorry)\b"
        ),
    ),
    # A call to drive into a crowd or a march: "someone needs to drive a truck through that march".
    (
        ("drive", "plough", "plow", "ram", "steer"),
        re.compile(
            r"\b(?:should|must|needs? to|ought to|gonna|going to|let's|lets|i'll|i will|we'll|time to|wanna|"
            r"want to)\s+(?:\w+\s+)?(?:drive|plough|plow|ram|steer)\s+(?:a|an|the|my|his|their|your)\s+"
            r"(?:truck|car|lorry|van|bus|tractor)\s+(?:through|into)\s+(?:that|the|those|these|this|a|their)\s+"
            r"(?:\w+\s+)?(?:march|marchers|crowd|protest|protesters|protestors|rally|parade|demo|demonstration|"
            r"demonstrators|mob|people|mosque|camp)\b"
        ),
    ),
)
_GO_BACK = re.compile(
    r"\b(?:go(?:es|ing)? back (?:to|where|home)|send (?:them|him|her|'?em|you) (?:all )?back|back (?:to )?where "
    r"(?:you|u|they|he|she) (?:came|come|crawled) from|(?:leave|get out of) (?:our|my|this) country|"
    # "f*ck off back to ...", "back to your own country"
    r"(?:fuck|f\*ck|f\*\*k|piss|bugger|sod|clear) off (?:back|home)|back to (?:your|ur|their) own country)\b"
)
# Set phrases that insult whoever they name ("you absolute waste of oxygen", "shit for brains"): insults for
# a person, as the curated nouns are (and so said to the reader where they are).
_INSULT_PHRASE = re.compile(
    r"\b(?:waste of (?:oxygen|skin|air|flesh|sperm|dna|a (?:human being|human|person|life))|"
    r"(?:shit|crap|rocks|mush|sawdust) for brains|excuse for an? (?:human being|human|person|man|woman|father|"
    r"mother|parent|journalist|reporter|writer|politician)|"
    # a mind likened to a child's or a thing's: "the reasoning skills of a toddler", "the IQ of a potato"
    r"(?:iq|brains?|reasoning(?: skills)?|intelligence|intellect|mental age|attention span|common sense|critical "
    r"thinking(?: skills)?|logic|wits|personality|charisma|self-awareness|self awareness|emotional intelligence|"
    r"social skills|brain cells|charm|manners|maturity) of an? (?:(?:wet|dead|small|dim|damp|rotten)\s+)?"
    r"(?:toddler|child|infant|baby|goldfish|potato|rock|brick|turnip|plank|doorknob|lamp ?post|cabbage|lettuce|"
    r"teaspoon|walnut|peanut|gerbil|hamster|"
    r"\d+[- ]year[- ]old|fruit fly|gnat|amoeba|houseplant|squirrel|sponge)|"
    # a brain likened to a small thing: "your brain must be the size of a pea"
    r"(?:brain|brains|iq|intellect|mind|brain cell)\s+(?:must be|is|was|are|has got to be)\s+(?:about\s+)?"
    r"(?:the size of|smaller than)\s+an?\s+(?:\w+\s+)?(?:pea|peanut|walnut|grape|raisin|gnat|ant|marble|"
    r"grain of (?:sand|rice)|atom)|"
    # a person likened to a sack of filth or to a thick thing: "a lying sack of shit", "as thick as two short planks"
    r"(?:sack|bag|pile|heap|lump) of (?:shit|crap|lies|garbage|rubbish|excrement|dung|pus)|"
    r"thick as (?:mince|two short planks|a brick|a plank|a whale omelette|pigshit|pig shit|shit|a pudding|"
    r"a post|two planks|custard))\b"
)
_INSULT_PHRASE_KEYS = (
    "waste of", "for brains", "excuse for", " of a", "size of", "smaller than", "sack of", "bag of", "pile of",
    "heap of", "lump of", "thick as",
)  # fmt: skip
"""Substrings one of which every match of :data:`_INSULT_PHRASE` holds."""
# Contempt for a person in the words around a plain noun: "a sad little man", "you spineless, lying weasel",
# "the dumbest person in this thread", "you're a walking embarrassment". Insults for a person too.
_CONTEMPT = re.compile(
    r"\b(?:(?:sad|pathetic|pitiful|nasty|bitter|vile|petty|miserable|spiteful|smug|sorry|stupid|dumb|creepy|"
    r"ignorant) little (?:man|men|woman|women|person|people|boy|boys|girl|troll|trolls|creep|nobody|worm|worms|rat|"
    r"rats)|"
    r"(?:brainless|spineless|gutless|clueless|witless|mindless|talentless|snivell?ing|dribbling|drooling|inbred|"
    r"knuckle-?dragging|mouth-?breathing|insufferable|pompous|two-faced|odious|loathsome|contemptible)"
    r"(?:,? (?:and )?[\w-]+){0,2}? (?:man|men|woman|women|person|people|human beings?|know-it-alls?|hacks?|"
    r"trolls?|creatures?|individuals?|specimens?|cowards?|weasels?|snakes?|toads?|rats?|worms?|slugs?|boy|girl|"
    r"nobody|losers?|idiots?|morons?|fools?|clowns?|twats?|wankers?|muppets?|snowflakes?|sheep|drones?)|"
    r"(?:useless|worthless|pathetic|vile|disgusting|horrible|miserable|sorry) (?:excuse for an? )?human beings?|"
    r"(?:the|one of the) (?:dumbest|stupidest|thickest|dimmest|most (?:stupid|ignorant|idiotic|moronic|pathetic|"
    r"clueless|deluded|brainless)) (?:person|people|man|men|woman|women|humans?|human beings?|individuals?|"
    r"posters?|commenters?|guy|guys|troll|trolls|creatures?)|"
    r"(?:you're|youre|you are|ur|he's|she's|he is|she is|is) (?:just |such |literally )?a walking "
    r"(?:embarrassment|disaster|joke|punchline|cliche|advert for|advertisement for))\b"
)
_CONTEMPT_KEYS = (
    " little ", "brainless", "spineless", "gutless", "clueless", "witless", "mindless", "talentless", "snivel",
    "dribbling", "drooling", "inbred", "knuckle", "breathing", "dumbest", "stupidest", "thickest", "dimmest",
    "the most ", "walking", "insufferable", "pompous", "two-faced", "odious", "loathsome", "contemptible",
    "human being",
)  # fmt: skip
"""Substrings one of which every match of :data:`_CONTEMPT` holds."""
# An obscenity said at the reader: "f*** you", "screw you", "fuck off".
_CURSE_AT = re.compile(r"\b(?:fuck|f\*+k?|fk|fck|fuk|screw)\s+(?:you|u|ya|off|yourself|urself|yourselves)\b")
_KEYED_ATTACKS: tuple[tuple[str, tuple[str, ...], re.Pattern[str] | _Anchored], ...] = (
    ("go_back", _GO_BACK_KEYS, _GO_BACK),
    ("threat", _THREAT_KEYS, _THREAT),
    *(("threat", keys, rule) for keys, rule in _THREAT_RULES),
    ("addressed_insult", ("fuck", "f*", "fk", "fck", "fuk", "screw"), _CURSE_AT),
)
"""Each attack pattern tried only on texts holding one of its key words, with the evidence kind it gives."""
_ATTACK_INDEX = KeyIndex(
    {*_COMPOUND_KEYS, *_INSULT_PHRASE_KEYS, *_CONTEMPT_KEYS}.union(*(keys for _, keys, _ in _KEYED_ATTACKS))
)
"""The keys of every attack construction, found in one pass per text."""
_ABUSIVE_WORD = re.compile(r"\b(?:" + _ABUSIVE + r")\b")
# What a sentence says a whole group *is* or *deserves* when it derogates it: a dehumanising or contemptuous
# predicate ("X are vermin", "X are all filthy criminals") or a call for violence or removal ("X should be
# deported", "X should all die"). Read right after an identity term (see find_attacks), so the group is the
# subject; mentioned words are masked first, so "X are not criminals" and "saying X are vermin is bigotry"
# never reach it.
_GROUP_MODIFIERS = (
    r"all|just|only|nothing but|such|so|truly|really|basically|literally|simply|always|mostly|a|an|the|"
    r"bunch of|pack of|herd of|nest of|like|no better than|worse than|lower than|more like|"
    r"filthy|dirty|disgusting|stupid|dumb|lazy|worthless|useless|savage|violent|vile|evil|inferior|"
    r"fucking|fuckin|damn|bloody|sick|nasty"
)
_GROUP_PREDICATES = (
    _DEHUMANISING
    + r"|"
    + _DEHUMANISING_CLAIMED
    + r"|filthy|dirty|disgusting|repulsive|revolting|repugnant|vile|evil|inferior|worthless|useless|"
    r"stupid|dumb|idiots?|"
    r"morons?|retard(?:s|ed)?|barbari(?:c|ans?)|primitive|terrorists?|criminals?|rapists?|thugs?|pedophiles?|"
    r"paedophiles?|degenerates?|freaks?|perverts?|abominations?|mentally ill|lazy|violent|dangerous|nasty|"
    r"ugly|gross|sick|an? (?:threat|menace|burden|blight|curse|stain|virus|drain|leech)|not welcome|unwelcome|"
    r"good for nothing|groomers?|nonces?|paedos?|pedos?|incapable of (?:living|thinking|integrating|learning|"
    r"working|behaving|understanding|reason|logic|love|loyalty|honesty|being (?:honest|trusted|civil|peaceful|"
    r"loyal|faithful))|"
    r"only good for|only fit for|fit only for|unfit (?:to|for)|not fit (?:to|for)|greedy|dishonest|liars|thieves|"
    r"cheats|crooks|backward|uncivili[sz]ed|brainwashed|ruining|destroying|invading|"
    r"too (?:emotional|stupid|dumb|lazy|weak|primitive|backward|hysterical|irrational|thick|dim|simple|greedy) "
    r"(?:to|for)|"
    r"less (?:intelligent|smart|capable|civili[sz]ed|evolved|human|honest|trustworthy)"
)
# Other things a sentence says of a whole group when it derogates it: a good quality denied ("X aren't as
# intelligent as ..."), what they cannot do or be trusted with, the power they secretly hold, what they come
# for and what they give.
_GROUP_DENIALS = (
    r"\s+(?:(?:simply|just|really|still|truly|clearly|obviously)\s+)?(?:aren't|arent|are not|isn't|isnt|is not|"
    r"ain't|weren't|were not|will never be|can never be)\s+(?:(?:as|that|very|really|even|remotely|fully|quite|truly|"
    + MENTION
    + r")\s+){0,2}(?:\w+ly\s+)?(?:intelligent|smart|clever|bright|capable|civili[sz]ed|human|humans|people|"
    r"trustworthy|honest|hard-?working|decent|loyal|"
    r"normal|evolved|real (?:men|women|people|citizens))|"
    r"\s+(?:can't|cant|cannot|can not|could never|will never)\s+(?:be trusted|handle|think|lead|integrate|assimilate|"
    r"control themselves|be reasoned with|be civili[sz]ed)|"
    r"\s+(?:secretly\s+|always\s+)?(?:(?:end|ends|ended)\s+up\s+(?:controlling|owning|running)|"
    r"controls?|owns?)\s+(?:all\s+)?"
    r"(?:the|our|this|all the|all of the)\s+(?:\w+\s+)?(?:banks|"
    r"media|world|government|money|hollywood|press|finance|country)|"
    r"\s+(?:only\s+|just\s+)?(?:come|came|coming)\s+(?:here|over here|over)\s+(?:just\s+|only\s+)?(?:for|to)\s+"
    r"(?:(?:get|take|claim|live off|scrounge|sponge off|steal)\s+)?(?:(?:the|our|free|all the)\s+)*(?:benefits|"
    r"welfare|handouts|freebies|free stuff|council houses|jobs|rape|steal|leech|sponge|scrounge)|"
    r"\s+(?:contribute|add|give|offer|bring)\s+nothing|"
    # habits imputed to the whole group: "X won't learn English", "X don't wash", "X cheat on everything"
    # ("never" masks the verb after it as a mention, so "X never ..." cannot be read)
    r"\s+(?:all\s+|just\s+|always\s+|only\s+|simply\s+|really\s+|still\s+)*(?:don't|dont|do not|won't|wont|"
    r"refuse to)\s+"
    r"(?:(?:even\s+)?(?:want to|wanna|try to|bother to|bother)\s+)?"
    r"(?:learn english|wash|integrate|assimilate|pay taxes|speak english|contribute|"
    r"share (?:our|british|american|western|european|the same|any of our) values|belong (?:here|in (?:this|our|any|a|"
    r"the) \w+)|respect (?:our|the law|women|anyone|anything))|"
    # a lesser mind or morals said to be the group's: "X just have lower intelligence"
    r"\s+(?:all\s+|just\s+|simply\s+)*(?:have|has)\s+(?:a\s+)?(?:lower|low|no|zero|smaller|inferior|less)\s+"
    r"(?:intelligence|iqs?|morals|brains?|empathy|self-control|impulse control)|"
    r"\s+(?:all\s+|just\s+|always\s+|only\s+|will\s+)*(?:cheat|lie|steal|scam|scrounge|sponge|breed|rob|"
    r"cut corners|take advantage)(?:\s+(?:on|everything|all|at|from|like|you)|(?=\s*(?:[,.;!?]|$)))|"
    # "X come here to work cash jobs and drain the system", "X bleed the NHS dry"
    r"\s+(?:all\s+|just\s+|only\s+)*(?:(?:come|came|coming)\s+(?:here|over)\s+(?:\w+\s+){0,6}?and\s+)?"
    r"(?:drain|bleed|sponge off|leech off|milk|bankrupt|abuse)\s+(?:the|our)\s+(?:welfare\s+|benefits\s+)?"
    r"(?:system|welfare|nhs|benefits|economy|country|taxpayers?)|"
    r"\s+(?:all\s+|just\s+|always\s+)*(?:run|are behind|commit)\s+(?:half|most|all)?\s*(?:of\s+)?(?:the\s+)?"
    r"(?:scams|crime|crimes|fraud|drugs|gangs)|"
    r"\s+(?:all\s+|just\s+|always\s+)*bring\s+(?:crime|disease|violence|drugs)|"
    r"\s+(?:can't|cant|cannot|can not)\s+(?:stay faithful|be loyal)|"
    r"\s+(?:shouldn't|should not|should never|must not|mustn't)\s+(?:(?:be|"
    + MENTION
    + r")\s+allowed\s+to\s+(?:vote|teach|work|marry|"
    r"adopt|have kids|have children|breed|live here|be teachers|be doctors|serve|lead|own|hold office|be parents)|"
    r"(?:be|" + MENTION + r")\s+(?:having|raising)\s+(?:kids|children|babies)|(?:have|raise)\s+(?:kids|children|"
    r"babies)|breed|(?:be|" + MENTION + r")\s+(?:(?:put|left)\s+in\s+charge|in\s+charge|trusted\s+with)|"
    r"hold\s+(?:office|power)|be\s+(?:teachers|doctors|nurses|pilots|police officers|judges|mps|leaders|managers|"
    r"bosses|in government|in power))"
)
# What derogates the group named right after it: "the world would be better without X", "there is nothing
# worse than X", "we must get rid of X" (read on the text before an identity term; see find_attacks).
_BEFORE_GROUP = re.compile(
    r"(?:\b(?:better|safer|nicer|cleaner)\s+(?:off\s+)?without|\bnothing\s+(?:is\s+)?(?:worse|lower|more disgusting)"
    r"\s+than|\bget rid of|\brid (?:the|this|our) (?:\w+\s+)?of)"
    r"\s+(?:all\s+|the\s+|those\s+|these\s+|any\s+|every\s+)?$|"
    # "don't ever hire a X", "do not trust any X" ("never" masks the verb after it as a mention)
    r"\b(?:don't|do not|dont)\s+(?:ever\s+)?(?:hire|trust|employ|rent to|vote for|believe)\s+"
    r"(?:a|an|any|one of (?:those|these|them))\s+$|"
    # a call to round up, expel or kill the group: "round up every last X", "time to intern the X", "sterilise
    # the X before they breed" (at a clause's start or after a call: "they want to deport X" reports one)
    r"(?:^|[.!?;:]\s*|\b(?:let's|lets|time to|we should|we must|we need to|need to|i say|someone should|"
    r"somebody should|just|we ought to|gotta|got to)\s+)(?:round up|sterili[sz]e|deport|intern|expel|lock up|gas|"
    r"exterminate|eradicate|purge|kick out|throw out|wipe out|shoot|hang|drown|lynch|kill|burn|nuke|cull)\s+"
    r"(?:all\s+|every\s+|the\s+|those\s+|these\s+|any\s+)?(?:last\s+|single\s+|one of the\s+)?(?:\w+\s+)?$|"
    # a genocide to be finished: "finish what Hitler started with the X", "finish the job with X"
    r"\bfinish(?:ed|ing)?\s+(?:what|the job)\s+(?:(?:hitler|the nazis|was|they|he|we)\s+started\s+)?(?:with|on)\s+"
    r"(?:the\s+)?$"
)
_GROUP_VIOLENCE = (
    r"die|be killed|be shot|be hanged|be hung|be gassed|be burned|be burnt|be exterminated|be eradicated|"
    r"be wiped out|be lynched|be beaten|be raped|be slaughtered|be executed|be put down|"
    r"be left to (?:drown|die|rot|starve|burn)|be stoned(?: to death)?|be drowned|be culled|be hunted(?: down)?|"
    r"be nuked|be shot on sight"
)
_GROUP_REMOVAL = (
    r"rot|be deported|be locked up|be sterili[sz]ed|be removed|be banned|be kicked out|be thrown out|be sent back|"
    r"be rounded up|be expelled|be jailed|be imprisoned|be caged|be segregated|be purged|be put in camps|"
    r"go back|get out|not be allowed|not exist|be barred|be banned from \w+|never have been given|"
    r"lose (?:the|their) (?:vote|right to vote|citizenship|rights)|be stripped of"
)
# Where a sentence puts a whole group: "X belong in a zoo", "X belong behind bars".
_GROUP_PLACE = (
    r"\s+(?:all\s+)?belongs?\s+(?:in|on|behind)\s+(?:an?\s+|the\s+)?(?:zoos?|cages?|jail|prison|gutters?|trash|"
    r"bins?|camps?|sewers?|bars|chains|ovens?|gas chambers?|hell|the ground)|"
    # out of a place that is ours: "X out of our country", "X out of our media and our banks"
    r"\s+out\s+of\s+(?:our|my|this)\s+\w+"
)
_SHOULD = r"\s+(?:should|must|need to|ought to|deserve to|have to)\s+(?:all\s+)?"
# An insult or slur addressed to the reader: "you idiot", "you're a pathetic loser", "shut up, moron", "nobody
# asked you, X." (read on the text before the word; see find_attacks). Said of a third person it is no address.
_INSULT_MODIFIERS = (
    r"stupid|dumb|fucking|fuckin|little|absolute|complete|total|utter|pathetic|ignorant|filthy|dirty|brainless|"
    r"worthless|useless|lying|ugly|fat|miserable|sad|sorry|big|old|damn|bloody|sick|disgusting|silly|stinking|"
    r"crazy|lazy|such|so|just|a|an|the"
)
_ADDRESSED = re.compile(
    r"\b(?:you|ya|u|yous|y'all|you're|youre|you are|you r|u r|ur|you were|your a|your an)\s*,?\s*"
    r"(?:(?:" + _INSULT_MODIFIERS + r")\s+){0,3}$"
)
_PHRASE_ADDRESSED = re.compile(
    r"\b(?:(?:you|u|ya)(?:\s+have|\s+has|'ve|\s+got|'ve got|\s+have got|\s+possess)\s+"
    r"(?:(?:the|a|an|all|about|roughly)\s+){0,2}|(?:your|ur)\s+)$"
)
_VOCATIVE = re.compile(
    r"(?:^|[,.!?;:]|\b(?:shut up|get lost|go away|piss off|fuck off|get out|go home|grow up|sit down|bye))\s*"
    r"(?:(?:" + _INSULT_MODIFIERS + r")\s+){0,3}$"
)
_VOCATIVE_END = re.compile(r"\s*(?:[.!?,;:]|$)")
_ADDRESSABLE = frozenset(("slur", "near_slur", "insult_word", "coined_compound"))
"""Word evidence that :func:`_addressed` checks for an address to the reader."""


def _addressed(text: str, start: int, end: int) -> bool:
    """Whether the word at [start, end) is said to the reader: after "you" (and at most three modifiers), or
    alone between punctuation, the text's ends or a dismissal ("shut up, moron.")."""
    before = max(0, start - 60)
    if _ADDRESSED.search(text, before, start):
        return True
    return _VOCATIVE.search(text, before, start) is not None and _VOCATIVE_END.match(text, end) is not None


_PEOPLE = re.compile(r"\b(?:people|folks?)\b")  # "young people are ...", "these folks should ...": groups too
_GROUP_NOUN = (
    r"(?:\s+(?:people|folks?|men|women|guys|kids|communities|immigrants|migrants|refugees|students|workers|families|"
    r"lads|girls|boys|parents|couples|children|teenagers|youths|neighbou?rs|drivers|tradesmen))?"
)
_GROUP_PLACE_PHRASE = r"(?:\s+(?:in|from|round|around|near|on|at|across|down)\s+(?:this|that|my|our|the|your)\s+\w+)?"
_GROUP_CLAIM = re.compile(
    _GROUP_NOUN
    + _GROUP_PLACE_PHRASE
    + r"(?:(?:\s+(?:are|is|were|r)|'re)\s+(?:(?:"
    + _GROUP_MODIFIERS
    + r")\s+){0,4}(?:"
    + _GROUP_PREDICATES
    + r")|"
    + _SHOULD
    + r"(?:"
    + _GROUP_REMOVAL
    + r")|"
    + _GROUP_PLACE
    + r"|"
    + _GROUP_DENIALS
    + r")\b"
)
# A claim put as a question, the group after its verb: "why are X always so lazy?".
_QUESTION_BEFORE = re.compile(r"\b(?:why|how come)\s+(?:are|r|were)\s+(?:all\s+|so many\s+|most\s+|the\s+)?$")
_GROUP_QUESTION = re.compile(
    _GROUP_NOUN + r"\s+(?:(?:" + _GROUP_MODIFIERS + r")\s+){0,4}(?:" + _GROUP_PREDICATES + r")\b"
)
_QUOTES = frozenset("'\"\u2018\u201c")
# "they" after a group's name goes on talking of it: "I've worked with X for years; they're dishonest".
_THEY = re.compile(r"\bthey\b")
# A subject quantified by a negation: "not all men are violent", "no Muslims are ...", "few refugees are ...".
_DENIED_SUBJECT = re.compile(
    r"\b(?:not|no|never|hardly any|few)\s+(?:" + MENTION + r"\s+|all\s+|every\s+|most\s+|many\s+)?$"
)
# A call for violence against a whole group is a threat ("X should be shot on sight", "X must all die").
_GROUP_THREAT = re.compile(_GROUP_NOUN + _SHOULD + r"(?:" + _GROUP_VIOLENCE + r")\b")
# Rude words that can be aimed at a person or at a thing (abuse of a printer is rudeness, not an insult).
_RUDE = (
    _ABUSIVE + r"|useless|pathetic|worthless|rubbish|junk|crap(?:py)?|shit(?:ty)?|bullshit|idiotic|ridiculous|"
    r"moronic|joke|awful|terrible|horrible|lame|sucks?"
)
_RUDE_WORD = re.compile(r"\b(?:" + _RUDE + r"|piece of \w+|excuse for an? \w+)\b")

_PERSON = re.compile(
    r"\b(?:you|your|yours|yourself|u|ur|ya|he|him|his|she|her|hers|they|them|their|people|"
    r"person|persons|anyone|anybody|someone|somebody|everyone|everybody|whoever|folks|boy|girl|lady|dude|"
    r"mate|sir|(?:" + _ROLES + r")s?|"
    # People named by title or side: "Mr. X is a ...", "liberals are ...".
    r"mr|mrs|ms|dr|premier|congressman|"
    r"liberals|conservatives|democrats|republicans|leftists|rightists|progressives|socialists|communists|"
    r"fascists|nazis|supporters|voters|fans|trolls|officials|leaders|members|citizens|residents|"
    r"parents|police|protesters|protestors|activists|followers)\b|@\w"
)

FEATURES: tuple[str, ...] = (
    "slur",
    "near_slur",
    "group_attack",
    "dehumanising",
    "obscene_blend",
    "identity_blend",
    "go_back",
    "threat",
    "no_person",
    "unaimed_rudeness",
    "insult_word",
    "group_claim",
    "addressed_insult",
    "coined_compound",
)
"""The attack features :class:`AttackFeatures` emits, in column order; also the `kind` of a :class:`Match`."""
_FEATURES_BEFORE_RECORDED = FEATURES[:9]
"""The features of bundles fitted before the fitted transformer recorded its own list, which they still
score with."""


@dataclass(frozen=True)
class Match:
    """A piece of attack evidence: `kind` (one of :data:`FEATURES`) at [start, end) of the normalised text."""

    kind: str
    start: int
    end: int


_INSULT_WORDS = r"idiot|moron|retard|loser|stupid|dumb|bitch|bastard|cunt|twat|whore|slut|scum"
_TARGET = r"(?:someone|somebody|anyone|anybody|everyone|people|others|him|her|them|me|you|us|a person|\w+s)"
_NEGATOR = r"(?:never|not|n't|dont|don't|stop|no one should|nobody should|shouldn't|wouldn't|won't)"
# Words that condemn, report or question what is quoted beside them (see _MENTION_RULES).
_CONDEMNING = (
    r"racist|racism|sexist|sexism|bigot(?:s|ed|ry)?|prejudiced?|hateful|hate speech|hate crimes?|antisemit\w*|"
    r"anti-semit\w*|islamophob\w*|homophob\w*|transphob\w*|xenophob\w*|misogyn\w*|slurs?|disgusting|disgraceful|"
    r"shameful|appalling|unacceptable|horrif\w+|offensive|abhorrent|reported|reporting|investigated|"
    r"conspiracy theory|quoting|quoted|considered|argument is|called (?:\w+\s+){1,3}?an?"
)
_CONDEMNING_KEYS = (
    "racis", "sexis", "bigot", "prejudice", "hate", "antisemit", "anti-semit", "phob", "misogyn", "slur", "disgust",
    "disgrace", "shameful", "appalling", "unacceptable", "horrif", "offensive", "abhorrent", "report", "investigated",
    "conspiracy", "quot", "considered", "argument", "called",
)  # fmt: skip
"""Substrings one of which every match of a rule with :data:`_CONDEMNING` holds: quotes are common, these words
rarer, so they spare the scan more often."""
# A statement of two words or more in double quotes, its words the group.
_QUOTED_STATEMENT = r"[\"\u201c]([^\"\u201d]{0,60}\s[^\"\u201d]{0,60})[\"\u201d]"
_MENTION_RULES: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = tuple(
    (frozenset(keys), re.compile(rule))
    for keys, rule in (
        # "I would never call anyone a X", "stop calling people X"
        (("call",), _NEGATOR + r"\s+(?:\w+\s+){0,2}call(?:s|ed|ing)?\s+" + _TARGET + r"\s+(?:an?\s+)?([\w*]+)"),
        # "calling someone a X is disgusting", "called me a X and I reported it"
        (("call",), r"call(?:s|ed|ing)\s+" + _TARGET + r"\s+(?:an?\s+)?([\w*]+)\s+(?:is|was|are|and|isn't|makes)\b"),
        # "the word X", "the slur X", "words like X"
        (
            ("word", "term", "slur", "insult"),
            r"\b(?:the|that|a)\s+(?:word|term|slur|insult|n-word|f-word)s?\s+(?:like\s+)?[\"'\u2018\u201c]?([\w*]+)",
        ),
        # "you are not an X", "they're not X", "never a X"
        (
            ("not", "never", "n't"),
            r"\b(?:not|never|isn't|aren't|wasn't|weren't|ain't)\s+(?:an?\s+|so\s+|that\s+|at all\s+)?([\w*]+)",
        ),
        # "I don't think you're a X", "no one here thinks they are X": a belief denied
        (
            ("think", "believ", "say", "said", "claim", "mean", "suggest"),
            r"\b(?:don't|do not|doesn't|didn't|never|no one|nobody|noone|not)\s+(?:\w+\s+){0,2}"
            r"(?:think|thinks|thinking|believe|believes|say|says|said|saying|claim|claims|claiming|mean|meant|"
            r"suggest|suggested|suggesting)\s+(?:that\s+)?(?:\w+\s+){0,3}?"
            r"(?:you're|youre|you are|you were|he's|he is|she's|she is|they're|they are|are|is|was|were)\s+"
            r"(?:an?\s+|so\s+|that\s+)?([\w*]+)",
        ),
        # reported use: "kids shouted X at him", "the account that wrote X under my photo"
        (
            ("shout", "yell", "scream", "wrote", "writ", "use", "using", "painted", "sprayed"),
            r"\b(?:shout|shouts|shouted|shouting|yell|yelled|yelling|scream|screamed|screaming|wrote|written|writing|"
            r"use|uses|using|painted|sprayed)\s+(?:the\s+word\s+)?[\"'\u2018\u201c]?([\w*]+)[\"'\u2019\u201d]?\s+"
            r"(?:at|to|about|under|on|in|as)\s",
        ),
        # calling as a condition: "if someone calls you a X, report them"
        (("call",), r"\b(?:if|when|whenever)\s+(?:\w+\s+){0,2}call(?:s|ed)?\s+" + _TARGET + r"\s+(?:an?\s+)?([\w*]+)"),
        # reported calling: "he called me a X", "she was called a X", "fired for calling a customer a X"
        (
            ("call",),
            r"\bcall(?:s|ed|ing)\s+(?:me|him|her|us|them|(?:my|his|her|our|their|an?|the)\s+\w+)\s+(?:an?\s+)?([\w*]+)",
        ),
        (("called",), r"\b(?:being|been|was|were|be|get|got|gets|getting)\s+called\s+(?:an?\s+)?([\w*]+)"),
        # a claim reported as a condition: "when someone says X are Y, speak up", "if anyone tells you you're Y"
        (
            ("if", "when"),
            r"\b(?:if|when|whenever)\s+(?:someone|somebody|anyone|anybody|people|they|you|he|she|a\s+\w+)\s+(?:says?|said|"
            r"claims?|claimed|tells?\s+you|told\s+you|writes?|wrote|posts?|posted)\s+(?:that\s+)?(?:(?:\w+\s+){1,3}?"
            r"(?:are|is|were|was)|(?:\w+\s+){0,2}?\w+'(?:re|s))\s+(?:an?\s+|so\s+|just\s+|all\s+)?([\w*]+)",
        ),
        # a claim condemned: "saying X are Y is bigotry", "to claim that X is Y is racist"
        (
            ("saying", "claiming", "to say", "to claim", "suggesting"),
            r"\b(?:saying|claiming|suggesting|to say|to claim|to suggest)\s+(?:that\s+)?(?:\w+\s+){1,3}?(?:are|is)\s+"
            r"(?:an?\s+|so\s+|just\s+|all\s+)?([\w*]+)\s+(?:is|was|isn't)\s+(?:\w+\s+)?(?:bigot(?:ed|ry)|racis[mt]|"
            r"sexis[mt]|homophobi[ac]|hateful|wrong|disgusting|unacceptable|vile|offensive|ignorant|hate\s+speech|"
            r"nonsense|false|a\s+lie)\b",
        ),
        # a claim someone was sanctioned for: "reported the comment for saying X are Y", "he was banned for
        # calling her a Z", "arrested for posting that X should be shot"
        (
            (
                "for saying",
                "for claiming",
                "for posting",
                "for writing",
                "for tweeting",
                "for suggesting",
                "for calling",
            ),
            r"\b(?:reported|flagged|banned|blocked|suspended|sacked|fired|arrested|charged|convicted|jailed|fined|"
            r"deleted|removed|called out|censured|disciplined|expelled|prosecuted)\s+(?:\w+\s+){0,4}?for\s+"
            r"(?:(?:saying|claiming|posting|writing|tweeting|suggesting)\s+(?:that\s+)?(?:\w+\s+){1,3}?(?:are|is|were|"
            r"was|(?:should|must|need to|ought to)\s+(?:all\s+)?be)\s+(?:an?\s+|so\s+|just\s+|all\s+)?|calling\s+"
            r"(?:\w+\s+){1,2}?(?:an?\s+)?)([\w*]+)",
        ),
        # a claim reported for removal: "comments claiming X are Y should be deleted", "posts saying X are Y
        # must be reported"
        (
            ("claiming", "saying", "suggesting", "implying"),
            r"\b(?:claiming|saying|suggesting|implying)\s+(?:that\s+)?(?:\w+\s+){1,3}?(?:are|is)\s+"
            r"(?:an?\s+|so\s+|just\s+|all\s+)?([\w*]+)\s+(?:\w+\s+){0,3}?(?:should|must|need to|needs to|ought to)\s+"
            r"be\s+(?:deleted|removed|banned|reported|flagged|blocked|condemned|challenged|called out|taken down)\b",
        ),
        # a claim its writer rejects: "stop saying X are Y", "it is hateful to say X are Y", "claims that X are
        # Y are lies", "never describe X as Y"
        (
            ("stop saying", "stop claiming", "stop pretending", "stop suggesting", "stop implying", "stop telling"),
            r"\bstop\s+(?:saying|claiming|pretending|suggesting|implying|telling\s+\w+)\s+(?:that\s+)?(?:\w+\s+){1,3}?"
            r"(?:are|is|were|was)\s+(?:an?\s+|so\s+|just\s+|all\s+)?([\w*]+)",
        ),
        (
            ("to say", "to claim", "to suggest", "to think", "to imply", "to pretend"),
            r"\b(?:hateful|wrong|racist|sexist|bigoted|disgusting|vile|offensive|unacceptable|ignorant|shameful|cruel|"
            r"false|a\s+lie|not\s+ok|not\s+okay)\s+to\s+(?:say|claim|suggest|think|imply|pretend)\s+(?:that\s+)?"
            r"(?:\w+\s+){1,3}?(?:are|is|were|was|(?:should|must|need to|ought to)\s+(?:all\s+)?be)\s+"
            r"(?:an?\s+|so\s+|just\s+|all\s+)?([\w*]+)",
        ),
        (
            ("claim", "idea that", "notion", "myth", "lie that", "lies that", "belief", "suggestion", "stereotype"),
            r"\b(?:claims?|idea|notion|myth|lie|belief|suggestion|stereotype)\s+that\s+(?:\w+\s+){1,3}?"
            r"(?:are|is|were|was)\s+(?:an?\s+|so\s+|just\s+|all\s+)?([\w*]+)\s+(?:is|are|was|were)\s+(?:\w+\s+)?"
            r"(?:lies?|false|wrong|untrue|nonsense|dangerous|racist|sexist|bigoted|hateful|baseless|myths?)\b",
        ),
        (
            ("describ", "refer", "label"),
            _NEGATOR + r"\s+(?:\w+\s+){0,2}(?:describe|describes|describing|refer to|referring to|label|labels|"
            r"labelling|labeling)\s+(?:\w+\s+){1,2}?as\s+(?:an?\s+)?([\w*]+)",
        ),
        # a statement quoted as an example or as what someone said: "statements like 'X are Y' have no place
        # here", "signs reading '...'", "posting '...' is harassment", "he shouted '...' at them" (an opening
        # quote after a space: the apostrophe of "don't" opens nothing, and spares the scan)
        (
            (" '", ' "', " \u2018", " \u201c"),
            r"\b(?:(?:statements?|comments?|posts?|phrases?|slogans?|chants?|remarks?|tweets?|signs?|messages?|things|"
            r"words|lines?|jokes?|taunts?|graffiti|banners?|placards?|insults?|slurs?)\s+(?:like|such as|saying|"
            r"reading|that said)|posting|posted|writing|wrote|written|saying|said|says|shouting|shouted|chanting|"
            r"chanted|tweeting|tweeted|yelling|yelled|screaming|screamed|typing|typed|(?:told|tell|tells|telling)\s+"
            r"(?:\w+\s+)?to) "
            r"[\"'\u2018\u201c]([^\"'\u2019\u201d]{1,120})[\"'\u2019\u201d]",
        ),
        # a claim its writer calls false: "it is simply false that X are less intelligent", "the myth that X are
        # lazy"; and what someone was told: "a man told her that her kind should be gassed"
        (
            ("false", "true", "lie", "myth", "nonsense", "rubbish", "trope", "told"),
            r"\b(?:false|untrue|not true|nonsense|rubbish|(?:an?|the)\s+(?:\w+\s+)?(?:lie|myth|trope)|"
            r"told\s+(?:me|him|her|us|them|my\s+\w+))\s+that\s+(?:\S+\s+){1,3}?(?:are|is|were|was|"
            r"(?:should|must|ought to|need to)\s+(?:all\s+)?be)\s+(?:an?\s+|so\s+|just\s+|all\s+|less\s+|more\s+)?"
            r"([\w*]+)",
        ),
        # a quoted statement named for what it is: "'X control the banks' is an old antisemitic conspiracy theory"
        (
            ("'", '"', "\u2018", "\u201c"),
            r"(?:^|\s)[\"'\u2018\u201c]([^\"'\u2019\u201d]{1,120})[\"'\u2019\u201d]\s+(?:is|was|are|were)\s+"
            r"(?:just\s+|simply\s+|still\s+)?(?:an?\s+|the\s+)?(?:\w+\s+){0,3}?(?:conspiracy|trope|myth|lie|slur|"
            r"stereotype|racist|sexist|bigoted|antisemitic|anti-semitic|homophobic|transphobic|islamophobic|xenophobic|"
            r"hateful|false|nonsense|propaganda|dog whistle|smear)",
        ),
        # a statement in double quotes in a text that condemns, reports or questions it, before or after the
        # quote: "if your argument is \"all X are thieves\", you have a prejudice", "quoting the councillor:
        # \"...\"", "is \"...\" considered hate speech?" (a writer who endorses a quote condemns nothing)
        (_CONDEMNING_KEYS, r"\b(?:" + _CONDEMNING + r")\b[^\"\u201c]{0,200}" + _QUOTED_STATEMENT),
        (_CONDEMNING_KEYS, _QUOTED_STATEMENT + r"(?=.{0,200}?\b(?:" + _CONDEMNING + r")\b)"),
        # a word named as a slur: "X is a racist slur"
        (("slur", "epithet", "insult"), r"\b([\w*]+)\s+is\s+(?:an?\s+)?(?:\w+\s+)?(?:slur|epithet|insult)\b"),
        # a quoted slur, insult or dehumanising word: reported speech, not the writer's own words
        (
            ("'", '"', "\u2018", "\u201c"),
            r"[\"'\u201c\u2018]((?:" + "|".join(sorted(SLURS)) + r"|" + _INSULT_WORDS + r"|" + _DEHUMANISING + r")s?)"
            r"[\"'\u201d\u2019]",
        ),
        # a slur's homonym in its ordinary sense: a cigarette ("nipped out for a fag", "a fag break"), the
        # meatball dish ("faggots and peas"), an earthwork ("Devil's Dyke"), a female dog ("the champion bitch
        # had six puppies"), a hound ("coon hounds"), a cry ("poof, and it was gone")
        (
            ("fag",),
            r"(?:\b(?:for a|quick|crafty|sneaky|packet of|pack of|smoke a|smoking a|light a|lit a|lighting a|roll a|"
            r"rolled a|rolling a|have a|had a|twenty|20)\s+|\b(?=fags?\s+(?:break|packet|end|butt|ash)))(fags?)\b",
        ),
        (
            ("faggot",),
            r"(?:\b(?:peas|gravy|butcher's|butchers|homemade|pork|savoury|savory)\s+(?:and\s+)?|\b(?=faggots?\s+"
            r"(?:(?:and|with|in)\s+(?:peas|gravy|mash|onion)|of\s+(?:wood|sticks|twigs|brushwood))))(faggots?)\b",
        ),
        (("dyke",), r"\b(?:devil's|devils|offa's|offas|sea|flood|drainage|dutch)\s+(dykes?)\b"),
        (
            ("bitch",),
            r"(?:\b(?:champion|brood|breeding|pedigree|whelping|maiden)\s+|\b(?=bitch(?:es)?\s+(?:(?:had|has|"
            r"gave birth to|whelped)\s+)?(?:\w+\s+)?(?:puppies|pups|litters?)\b))(bitch(?:es)?)\b",
        ),
        (("coon",), r"\b(coon)(?=\s*-?\s*(?:hounds?|dogs?)\b)"),
        (("poof",), r"(?:^|[.!?,;:]\s*)(poof)(?=\s*[,!.])"),
        # an insult the writer says of themself: "I'm such an idiot", "I'm the dumbest person in my family at
        # maths", "call me a fool, but ...": no one else is insulted
        (
            ("i'm ", "im ", "i am ", "i was ", "i've been ", "i feel like ", "i felt like ", "call me "),
            r"\b(?:i'm|im|i am|i was|i've been|i feel like|i felt like|call me)\s+(?:(?:such|just|a|an|the|a total|"
            r"total|complete|absolute|utter|proper|right|bit of an?|village|biggest|real|officially|probably)\s+){0,3}"
            r"(" + "|".join(sorted(INSULT_NOUNS, key=len, reverse=True)) + r"|" + _INSULT_WORDS + r"|dumbest|"
            r"stupidest|thickest|dimmest)\b",
        ),
    )
)
"""Each construction that mentions a word rather than using it, with words one of which the text must hold
for the rule to be tried (a substring test is far cheaper than a regular expression's scan)."""
_MENTION_INDEX = KeyIndex(set().union(*(keys for keys, _ in _MENTION_RULES)))
"""Every rule's keys, found in one pass per text rather than tested one by one."""


def mention_spans(text: str) -> list[tuple[int, int]]:
    """Spans of words that are mentioned rather than used: negated, quoted, reported, or named as a word or
    slur."""
    present = _MENTION_INDEX.present(text)
    if not present:
        return []
    return [m.span(1) for keys, rule in _MENTION_RULES if not keys.isdisjoint(present) for m in rule.finditer(text)]


def mask_mentions(text: str) -> str:
    """`text` with the words :func:`mention_spans` finds replaced by :data:`MENTION`: quoting or condemning a
    slur is not using it."""
    spans = mention_spans(text)
    if not spans:
        return text
    out, last = [], 0
    for start, end in sorted(spans):
        if start >= last:
            out.append(text[last:start])
            last = end
    out.append(text[last:])
    return f" {MENTION} ".join(part.strip() for part in out).strip()


def identity_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the identity terms in `text` (whole words only: "blackmail" names no group)."""
    if IDENTITY_TERMS.isdisjoint(_WORD.findall(text)):  # the common case, at C speed
        return []
    return [m.span() for m in _WORD.finditer(text) if m.group() in IDENTITY_TERMS]


def mask_identity(text: str) -> str:
    """`text` with every identity term replaced by a space, for the n-gram features."""
    return _mask_words(text, identity=True)


SLUR = "xslurx"
"""What a slur becomes in the n-gram view with :func:`mask_slurs`: one token for every slur, so a rare one
borrows the evidence of the common ones instead of resting on the few rows that spell it."""


def mask_slurs(text: str, near_slurs: frozenset[str] = frozenset(), identity: bool = False) -> str:
    """`text` with every slur (whole words of :data:`SLURS`, or of `near_slurs`, their misspellings) replaced
    by :data:`SLUR`; with `identity`, identity terms also replaced by a space, as :func:`mask_identity` does,
    in the same pass over the words."""
    return _mask_words(text, identity=identity, slurs=True, near_slurs=near_slurs)


def _mask_words(
    text: str, identity: bool = False, slurs: bool = False, near_slurs: frozenset[str] = frozenset()
) -> str:
    """One pass over the words of `text` for :func:`mask_identity` and :func:`mask_slurs`."""
    words = _WORD.findall(text)
    if (not identity or IDENTITY_TERMS.isdisjoint(words)) and (
        not slurs or (SLURS.isdisjoint(words) and near_slurs.isdisjoint(words))
    ):  # the common case, at C speed
        return text

    def token(m: re.Match[str]) -> str:
        word = m.group()
        if slurs and (word in SLURS or word in near_slurs):
            return SLUR
        return " " if identity and word in IDENTITY_TERMS else word

    return _WORD.sub(token, text)


WORD_CLASSES: tuple[str, ...] = ("insult", "slur", "obscene", "rude", "identity")
"""The curated classes :func:`word_classes` tells a word's membership of."""
_OBSCENE_WORD = re.compile(_OBSCENE_ROOT)
_RUDE_FULL = re.compile(_RUDE)


def word_classes(word: str) -> tuple[bool, ...]:
    """Whether a normalised word is an insult for a person, a slur, holds an obscenity, is a rude word or an
    identity term, in :data:`WORD_CLASSES` order."""
    return (
        word in INSULT_NOUNS,
        word in SLURS,
        _OBSCENE_WORD.search(word) is not None,
        _RUDE_FULL.fullmatch(word) is not None,
        word in IDENTITY_TERMS,
    )


def names_person(text: str) -> bool:
    """Whether a normalised text names anyone abuse could be aimed at: a pronoun, a person (by role, title
    or side, or by an insult for a person: "these idiots"), a group or a mention (``@name``)."""
    return bool(_PERSON.search(text) or identity_spans(text) or any(w in INSULT_NOUNS for w in _WORD.findall(text)))


def _is_innocent(word: str, innocent: frozenset[str]) -> bool:
    """An ordinary word, or an ordinary word's plural or inflected form."""
    if word in innocent:
        return True
    return any(word.endswith(end) and word[: -len(end)] in innocent for end in ("s", "es", "ed", "d", "ing", "er"))


@lru_cache(maxsize=16_384)
def _word_evidence(
    word: str, innocent: frozenset[str], near: frozenset[str], near_insults: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """The attack-feature kinds one token is evidence of on its own: a slur or near-slur, an insult (or a
    misspelt one, of `near_insults`), a blend.

    Memoised: tokens repeat across a comment stream, and the answer depends on nothing but its arguments.
    """
    word = word.strip("'*!@$")
    if "*" in word:
        word = _unmask(word)
    if word in SLURS or word in near:
        # A slur names a group with contempt: it is a group attack too (a feature with ample data).
        return ("slur" if word in SLURS else "near_slur", "group_attack")
    insult = ("insult_word",) if word in INSULT_NOUNS or word in near_insults else ()
    return insult + _blend_evidence(word, innocent)


_MASKABLE: dict[int, tuple[str, ...]] = {
    n: tuple(w for w in sorted(SLURS | INSULT_NOUNS) if len(w) == n) for n in {len(w) for w in SLURS | INSULT_NOUNS}
}
"""The slurs and insults a masked word may spell, by length."""


def _unmask(word: str) -> str:
    """The slur or insult a word masked with asterisks spells ("c*nt", "n****r"), one star a letter, when at
    least two letters show and every word it could be is of one kind (all slurs or all insults); else the word
    itself. "f***" shows too little to tell."""
    if sum(c.isalpha() for c in word) < 2:
        return word
    fits = [w for w in _MASKABLE.get(len(word), ()) if all(c == "*" or c == d for c, d in zip(word, w, strict=True))]
    if not fits or len({w in SLURS for w in fits}) > 1:
        return word
    return fits[0]


def _blend_evidence(word: str, innocent: frozenset[str]) -> tuple[str, ...]:
    """The blend kinds of a token that fuses a word, name or group with an obscenity."""
    if len(word) < 6 or _is_innocent(word, innocent):
        return ()
    if _IDENTITY_AFFIXED.match(word):
        return ("identity_blend", "group_attack")
    found = _ROOT_AT_END.match(word) or _ROOT_AT_START.match(word)
    if found is None:
        return ()
    other = found.group(1) if found.re is _ROOT_AT_END else found.group(2)
    if other in _INFLECTIONS:
        return ()
    # Every blend is an obscene blend (common in the data, so its weight is learned well). A group's name
    # fused with an obscenity attacks the group: an identity blend, and a group attack too (a feature with
    # ample training data, since identity blends themselves are rare in it).
    if other in IDENTITY_TERMS or other.rstrip("s") in IDENTITY_TERMS:
        return ("obscene_blend", "identity_blend", "group_attack")
    return ("obscene_blend",)


def find_attacks(
    text: str,
    innocent: frozenset[str] = frozenset(),
    near_slurs: frozenset[str] = frozenset(),
    near_insults: frozenset[str] = frozenset(),
) -> list[Match]:
    """All attack evidence in a normalised text, in order of position.

    `innocent` holds ordinary words that contain an obscenity (cocktail, assassin ...), never blends;
    `near_slurs` and `near_insults` the misspellings of slurs and of insults for a person that are not
    ordinary words (see :class:`AttackFeatures`).
    """
    evidence = {
        w: kinds for w in set(_TOKEN.findall(text)) if (kinds := _word_evidence(w, innocent, near_slurs, near_insults))
    }
    found = (
        [
            Match(kind, token.start(), token.end())
            for token in _TOKEN.finditer(text)
            for kind in evidence.get(token.group(), ())
        ]
        if evidence
        else []
    )
    present = _ATTACK_INDEX.present(text)
    if not present.isdisjoint(_COMPOUND_KEYS):
        found += [Match("coined_compound", m.start(), m.end()) for m in _COMPOUND.finditer(text)]
    if not present.isdisjoint(_INSULT_PHRASE_KEYS):
        phrases = [Match("insult_word", m.start(), m.end()) for m in _INSULT_PHRASE.finditer(text)]
        # said to the reader as what they have: "you have the IQ of a potato", "your brain is the size of a pea"
        found += phrases + [
            Match("addressed_insult", m.start, m.end)
            for m in phrases
            if _PHRASE_ADDRESSED.search(text, max(0, m.start - 40), m.start)
        ]
    if not present.isdisjoint(_CONTEMPT_KEYS):
        found += [Match("insult_word", m.start(), m.end()) for m in _CONTEMPT.finditer(text)]
    found += [
        Match("addressed_insult", m.start, m.end)
        for m in found
        if m.kind in _ADDRESSABLE and _addressed(text, m.start, m.end)
    ]
    found += [Match("dehumanising", m.start(), m.end()) for m in _DEHUMANISE.finditer(text)]
    found += [
        Match(kind, m.start(), m.end())
        for kind, keys, rule in _KEYED_ATTACKS
        if not present.isdisjoint(keys)
        for m in rule.finditer(text)
    ]
    identities = identity_spans(text)
    # Subjects a claim can be about: groups by name, and "they" after one (hateful when derogated), and
    # people at large (a claim, not hate).
    groups = identities + [m.span() for m in _THEY.finditer(text, identities[0][1])] if identities else []
    groups = [(a, b) for a, b in groups if text[a - 1 : a] not in _QUOTES]  # a quoted one is reported speech
    subjects = groups
    if "people" in text or "folk" in text:
        subjects = groups + [m.span() for m in _PEOPLE.finditer(text)]
    claimed: set[int] = set()  # "black people are ...": one claim, whether read from "black" or "people"
    denied: set[tuple[int, int]] = set()
    for i, (start, end) in enumerate(subjects):
        if _DENIED_SUBJECT.search(text, max(0, start - 30), start):  # "not all X are Y": a claim denied
            denied.add((start, end))
            continue
        named = (start, end) in identities  # a group by name, not "they" or "people"
        asked = named and _QUESTION_BEFORE.search(text, max(0, start - 30), start) is not None
        rules = [("group_claim", _GROUP_CLAIM), ("threat", _GROUP_THREAT)]
        for kind, pattern in rules + [("group_claim", _GROUP_QUESTION)] * asked:
            claim = pattern.match(text, end)
            if claim is not None and claim.end() not in claimed:
                claimed.add(claim.end())
                found.append(Match(kind, start, claim.end()))
                if i < len(groups):  # a group people are attacked for, not "people" at large: hate
                    found.append(Match("group_attack", start, claim.end()))
    for start, end in identities:
        before = _BEFORE_GROUP.search(text, max(0, start - 60), start)
        if before is not None:
            found += [Match("group_claim", before.start(), end), Match("group_attack", before.start(), end)]
    if identities:
        for m in _ABUSIVE_WORD.finditer(text):
            near = [s for s in identities if abs(s[0] - m.start()) <= 40 and s not in denied]
            if near:
                start = min(near[0][0], m.start())
                end = max(near[0][1], m.end())
                found.append(Match("group_attack", start, end))
    return sorted(found, key=lambda m: (m.start, m.end))


def innocent_words(words: Iterable[str]) -> frozenset[str]:
    """Of a vocabulary of ordinary words, those a blend rule would otherwise catch."""
    return frozenset(
        w
        for w in (w.lower() for w in words)
        if len(w) >= 6 and (_ROOT_AT_END.match(w) or _ROOT_AT_START.match(w) or _IDENTITY_AFFIXED.match(w))
    )


def english_vocabulary() -> list[str]:
    """An English dictionary word list (Webster's Second, public domain, via the `english-words` package)."""
    from english_words import get_english_words_set

    return sorted(get_english_words_set(["web2"], lower=True))


def _near_spellings(stems: Iterable[str], words: Iterable[str], min_length: int) -> frozenset[str]:
    """Spellings one slip away from `stems` of at least `min_length` letters (see :func:`_near_variants`),
    and their plurals, that are no ordinary word of `words`, slur or insult."""
    vocabulary = set(words)
    near = set().union(*(_near_variants(w) for w in stems if len(w) >= min_length)) - vocabulary
    near |= {w + "s" for w in near}
    return frozenset(near - vocabulary - SLURS - INSULT_NOUNS - _NAMES_NEAR_SLURS)


def near_slur_spellings(words: Iterable[str]) -> frozenset[str]:
    """Misspellings of slurs one slip away, and their plurals, that are not ordinary words of `words`."""
    return _near_spellings(_SLUR_STEMS, words, 4)


def near_insult_spellings(words: Iterable[str], near_slurs: frozenset[str]) -> frozenset[str]:
    """Misspellings of insults for a person ("idoit", "bufoon"), and their plurals, that are not ordinary
    words of `words` nor in `near_slurs` (:func:`near_slur_spellings` of the same words). Only from insults
    of five letters or more: one slip from a shorter one ("jerk", "twit") is too often another word."""
    stems = [w for w in INSULT_NOUNS if not w.endswith("s") or w[:-1] not in INSULT_NOUNS]
    return _near_spellings(stems, words, 5) - near_slurs


_RESPELT_WORDS = frozenset(
    """
    hate hates hated hating kill kills killed killing murder murders murdered shoot shooting stab stabbed rape
    raped lynch lynched hang hanged drown drowned gassed burn burned exterminate exterminated deport deported
    disgusting disgust pathetic worthless inferior filthy dirty vile scum trash garbage filth vermin parasite
    parasites animals cockroaches rats subhuman subhumans savage savages criminals terrorists rapists thugs
    """.split()  # noqa: SIM905 - a word list reads best as words
)
"""Words of hate and violence whose misspellings :func:`respellings` reads back, with the identity terms."""


def respellings(words: Iterable[str], taken: frozenset[str] = frozenset()) -> dict[str, str]:
    """Misspellings one slip away (see :func:`_near_variants`) of identity terms and of words of hate and
    violence ("Muslmis", "Mslims", "klil", "haet"), each mapped to the word it spells, that are no ordinary
    word of `words`, slur, insult or word of `taken` (misspelt slurs and insults, read as those); one that
    could spell two words is left as it is. Sorted, so that a fitted step pickles the same bytes."""
    vocabulary = frozenset(words) | SLURS | INSULT_NOUNS | IDENTITY_TERMS | _RESPELT_WORDS | taken
    found: dict[str, set[str]] = {}
    for stem in sorted(IDENTITY_TERMS | _RESPELT_WORDS):
        if len(stem) >= 4:
            for variant in _near_variants(stem) - vocabulary:
                if not _ordinary_form(variant, vocabulary):
                    found.setdefault(variant, set()).add(stem)
    return {variant: next(iter(stems)) for variant, stems in sorted(found.items()) if len(stems) == 1}


def _ordinary_form(word: str, vocabulary: frozenset[str]) -> bool:
    """Whether `word` is an inflection of an ordinary word (the dictionary lists few: "backs", "refuges",
    "rapped", "downed") or holds an obscenity ("shite" is no misspelt "shiite")."""
    if _is_innocent(word, vocabulary) or _OBSCENE_WORD.search(word) or _RUDE_FULL.fullmatch(word):
        return True
    stem = next((word[: -len(end)] for end in ("ed", "ing", "er", "ers") if word.endswith(end)), "")
    return len(stem) >= 3 and stem[-1] == stem[-2] and stem[:-1] in vocabulary  # "rapped": "rap"


def respell(text: str, spellings: Mapping[str, str]) -> str:
    """`text` with every whole word of `spellings` (see :func:`respellings`) spelt as the word it stands for."""
    if not spellings or spellings.keys().isdisjoint(_WORD.findall(text)):
        return text
    return _WORD.sub(lambda m: spellings.get(m.group(), m.group()), text)


class SortedSetState:
    """Pickles the word sets named in :attr:`sorted_sets` sorted: sets pickle in hash order, which changes from
    process to process, and the same fit must always give the same bytes (and bundle digests)."""

    sorted_sets: ClassVar[tuple[str, ...]] = ()

    def __getstate__(self) -> dict[str, object]:
        state = dict(super().__getstate__())  # type: ignore[misc]
        for name in self.sorted_sets:
            if name in state:
                state[name] = tuple(sorted(state[name]))  # type: ignore[call-overload]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        state = dict(state)
        for name in self.sorted_sets:
            if name in state:
                state[name] = frozenset(state[name])  # type: ignore[arg-type]
        super().__setstate__(state)  # type: ignore[misc]


class AttackFeatures(SortedSetState, TransformerMixin, BaseEstimator):
    """Counts of attack evidence per text (see :data:`FEATURES`), log-scaled, as a sparse matrix.

    Fitting learns nothing from the texts: it builds the innocent-word list from `vocabulary` (default:
    an English dictionary), so the fitted transformer carries it into the bundle.
    """

    sorted_sets = ("innocent_", "near_slurs_", "near_insults_")

    def __init__(self, vocabulary: tuple[str, ...] | None = None) -> None:
        self.vocabulary = vocabulary

    def fit(self, X: Iterable[str], y: object = None) -> AttackFeatures:
        words = set(self.vocabulary if self.vocabulary is not None else english_vocabulary())
        self.innocent_ = innocent_words(words)
        self.near_slurs_ = near_slur_spellings(words)
        self.near_insults_ = near_insult_spellings(words, self.near_slurs_)
        self.features_ = FEATURES
        self.n_features_in_ = 1
        return self

    def matches(self, text: str) -> list[Match]:
        """Attack evidence in one normalised text."""
        check_is_fitted(self, "innocent_")
        return find_attacks(text, *self._word_lists())

    def _word_lists(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """The fitted word lists :func:`find_attacks` takes (a bundle fitted before misspelt insults has none)."""
        return self.innocent_, self.near_slurs_, getattr(self, "near_insults_", frozenset())

    def counts(self, X: Iterable[str]) -> np.ndarray:
        """The log-scaled feature counts `transform` returns, as a dense ``(n_texts, len(FEATURES))`` array."""
        check_is_fitted(self, "innocent_")
        texts = [str(x) for x in X]
        word_lists = self._word_lists()
        features = self.fitted_features()
        counts = np.zeros((len(texts), len(FEATURES)), dtype=np.float32)
        column = {kind: j for j, kind in enumerate(FEATURES)}
        for i, text in enumerate(texts):
            for match in find_attacks(text, *word_lists):
                counts[i, column[match.kind]] += 1
            # Evidence already counted first: a slur or an insult for a person names someone, and spares
            # names_person its scan of the words for that insult.
            # So does a threat or an insult said to the reader, even with no pronoun ("die in a fire"), and
            # an attack on a group, even one named only in a blend ("more rapefugees landing").
            nobody = not (
                counts[i, column["slur"]]
                or counts[i, column["group_attack"]]
                or counts[i, column["insult_word"]]
                or counts[i, column["threat"]]
                or counts[i, column["addressed_insult"]]
                or names_person(text)
            )
            counts[i, column["no_person"]] = nobody
            if nobody:
                counts[i, column["unaimed_rudeness"]] = len(_RUDE_WORD.findall(text))
        counts = np.log1p(counts)
        return counts if features == FEATURES else counts[:, [column[kind] for kind in features]]

    def fitted_features(self) -> tuple[str, ...]:
        """The features this fitted transformer emits: :data:`FEATURES`, or the older list it was fitted with."""
        return tuple(getattr(self, "features_", _FEATURES_BEFORE_RECORDED))

    def transform(self, X: Iterable[str]) -> sparse.csr_matrix:
        return sparse.csr_matrix(self.counts(X))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.array(self.fitted_features(), dtype=object)
