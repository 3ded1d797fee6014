"""Attack knowledge: identity masking, mentioned words, and the attack patterns with their spans."""

from __future__ import annotations

import copy
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from moderation.lexicon import (
    _COMPOUND,
    _COMPOUND_KEYS,
    _CONTEMPT,
    _CONTEMPT_KEYS,
    _INSULT_PHRASE,
    _INSULT_PHRASE_KEYS,
    _KEYED_ATTACKS,
    _MENTION_RULES,
    _RESPELT_WORDS,
    FEATURES,
    IDENTITY_TERMS,
    SLUR,
    AttackFeatures,
    _Anchored,
    _near_variants,
    find_attacks,
    identity_spans,
    mask_identity,
    mask_mentions,
    mask_slurs,
    mention_spans,
    names_person,
    near_insult_spellings,
    near_slur_spellings,
    respell,
    respellings,
)
from moderation.normalize import normalize

VOCABULARY = ("cocktail", "assassin", "applicant", "dungeon", "therapist", "scrapbook")


@pytest.fixture(scope="module")
def features() -> AttackFeatures:
    return AttackFeatures(vocabulary=VOCABULARY).fit([])


def kinds(features: AttackFeatures, text: str) -> set[str]:
    return {m.kind for m in features.matches(normalize(text))}


@pytest.mark.parametrize(
    "text",
    ["I am a Muslim.", "My neighbour is gay and Black.", "Jewish women and trans men marched together.", "Immigrants"],
)
def test_identity_words_alone_are_no_evidence(features: AttackFeatures, text: str) -> None:
    assert kinds(features, text) == set()
    masked = mask_identity(normalize(text))
    for word in ("muslim", "gay", "black", "jewish", "women", "trans", "men", "immigrants"):
        assert f" {word} " not in f" {masked} "


def test_identity_terms_are_whole_words() -> None:
    assert identity_spans("blackmail on the whiteboard, mankind") == []
    text = "black cats and gay, muslim men"
    assert [text[a:b] for a, b in identity_spans(text)] == ["black", "gay", "muslim", "men"]
    assert mask_identity(text) == "  cats and  ,    "


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Refugees are vermin and should be sent away", "group_attack"),
        ("you are a rat-eater", "dehumanising"),
        ("get lost, eater of rats", "dehumanising"),
        ("they are nothing but cockroaches", "dehumanising"),
        ("go back to where you came from", "go_back"),
        ("shut up, you shitbag", "obscene_blend"),
        ("what a catholicshit take", "identity_blend"),
        ("what a catholicshit take", "obscene_blend"),
        ("look at that spic", "slur"),
        ("look at that spic", "group_attack"),
        ("get lost, you chnik", "near_slur"),
        ("I know where you live", "threat"),
        ("I'm going to hurt you badly", "threat"),
        ("you will pay for this", "threat"),
        ("I'm coming for you and your kids", "threat"),
        ("you'd better hide, all of you", "threat"),
        ("I will make sure you never walk again", "threat"),
        ("I will shoot the author of this article", "threat"),
        ("refugees are a swarm of locusts", "group_attack"),
        ("nobody cares, you cretin", "insult_word"),
        ("Immigrants are nothing but filthy parasites", "group_claim"),
        ("gay people are disgusting", "group_claim"),
        ("old folks are a burden", "group_claim"),
        ("muslims should all be deported", "group_claim"),
        ("immigrants should be shot on sight", "threat"),  # a call for violence against a group
        ("nobody cares what you think, you loser", "addressed_insult"),
        ("you're such a pathetic idiot", "addressed_insult"),
        ("shut up, moron.", "addressed_insult"),
        ("nobody asked you, spic.", "addressed_insult"),
        ("typical frog-muncher, always moaning", "coined_compound"),
        ("the goat-shaggers are at it again", "coined_compound"),
        ("get lost, eater of snails", "coined_compound"),
        ("get lost, frog-muncher.", "addressed_insult"),  # a compound said to the reader
        ("die in a fire", "threat"),  # a death wish needs no pronoun
        ("why don't you go kill yourself", "threat"),
        ("I hope you die.", "threat"),
        ("just drop dead, ok?", "threat"),
        ("you absolute waste of oxygen", "addressed_insult"),  # a set phrase is an insult for a person
        ("she has shit for brains", "insult_word"),
        ("you have the attention span of a goldfish", "insult_word"),  # a mind likened to a thing's
        ("f*** you and the horse you rode in on", "addressed_insult"),  # an obscenity said at the reader
        ("screw you, seriously", "addressed_insult"),
        ("refugees belong in cages", "group_claim"),
        ("gay people should be rounded up", "group_attack"),  # a claim about a group people are attacked for
        ("women are only good for cooking", "group_claim"),
        ("the world would be better without muslims", "group_attack"),  # a group derogated after the words
        ("there is nothing worse than immigrants", "group_claim"),
        ("we need to get rid of the mexicans", "group_attack"),
        ("the senator who signed it should be taken outside and hanged", "threat"),  # violence a person should suffer
        ("whoever wrote this is getting knifed", "threat"),
        ("I hope your whole family gets cancer", "threat"),  # harm wished on someone
        ("hoping he gets run over tomorrow", "threat"),
        ("go get cancer, loser", "threat"),
        ("somebody should put a bullet in him", "threat"),  # a weapon put into a person
        ("he deserves a bat to the head", "threat"),
        ("you'll end up in a body bag", "threat"),  # what will become of someone
        ("burn down the mosque on King Street tonight", "threat"),  # arson called for, as an order
        ("what a sad little man he is", "insult_word"),  # contempt in the words around a plain noun
        ("the editor is a gutless, lying hack", "insult_word"),
        ("easily the stupidest people on this site", "insult_word"),
        ("she's a walking advert for birth control", "insult_word"),
        ("shut up, you bufoon", "addressed_insult"),  # a misspelt insult
        ("the idoits at the council", "insult_word"),
        ("dotheads everywhere", "slur"),
        ("why are gypsies always so dishonest?", "group_claim"),  # a claim put as a question
        ("I've met loads of Turks and they're all thieves", "group_attack"),  # "they" after the group's name
        ("immigrants round our way are a drain on the NHS", "group_claim"),
        ("Roma just have lower intelligence", "group_claim"),
        ("Syrians don't even want to integrate", "group_claim"),
        ("Catholics are incapable of thinking for themselves", "group_claim"),
        ("those hostels should all be torched", "threat"),  # or in the passive
        ("keep running your mouth and see what happens", "threat"),  # menace as a dare or a forecast
        ("he'll be going home in a box", "threat"),
        ("we'll pay that reporter a visit with a crowbar", "threat"),
        ("the only good tory is a dead tory", "threat"),
        ("someone should plough a lorry into that protest", "threat"),  # a call to drive into a crowd
        ("they are going to teach that reporter a lesson", "threat"),
        ("we should burn down their mosque", "threat"),  # arson where people worship or live
        ("catholics simply are not as smart as everyone else", "group_claim"),  # a good quality denied
        ("women are too hysterical to lead", "group_claim"),
        ("muslims are less civilised", "group_attack"),
        ("immigrants can't be trusted with anything", "group_claim"),  # what a group cannot do
        ("jews secretly control the media", "group_attack"),  # the power a group is said to hold
        ("refugees only come here for the handouts", "group_claim"),
        ("migrants contribute nothing", "group_claim"),
        ("don't ever trust a gypsy", "group_attack"),  # a group derogated after the words
        ("what a c*nt", "insult_word"),  # a masked insult, one star a letter
        ("get out, n****r", "slur"),
        ("send the rapefugees home", "identity_blend"),  # a group's name fused with contempt
        ("the jewrats again", "identity_blend"),
        ("shut up, you dykke", "near_slur"),  # a letter doubled
        ("chinnks everywhere", "near_slur"),  # the plural of a near slur
        ("refugees always bring crime", "group_claim"),  # a habit imputed to a whole group
        ("catholics cheat on everything", "group_attack"),
        ("gypsies don't wash", "group_claim"),
        ("muslims run half the scams in town", "group_claim"),
        ("old people shouldn't be allowed to vote", "group_claim"),
        ("shame if something happened to your kids", "threat"),  # menace by innuendo
        ("won't take me long to find your address", "threat"),
        ("someone should take a bat to his kneecaps", "threat"),
        ("string the traitors up", "threat"),
        ("I hope the cancer gets you", "threat"),
        ("the author has the intellect of a wet sponge", "insult_word"),
        ("shut up, you nincompoop", "addressed_insult"),
        ("we know what time your wife leaves work", "threat"),  # menace by what the writer knows
        ("i've got your home address now", "threat"),
        ("his address isn't very difficult to find", "threat"),
        ("enjoy your final days on earth, councillor", "threat"),  # a reckoning foretold
        ("your days are numbered, mate", "threat"),
        ("they will need his dental records to identify him", "threat"),
        ("don't be surprised if your shop gets torched", "threat"),
        ("accidents can happen to journalists who dig too deep", "threat"),
        ("we're done asking nicely", "threat"),
        ("he'll go home on a stretcher", "threat"),
        ("the councillor is a blowhard and a crackpot", "insult_word"),  # more insults for a person
        ("you've got the social skills of a doorknob", "addressed_insult"),  # a phrase said to the reader
        ("his brain is smaller than a peanut", "insult_word"),
        ("what an insufferable, self-important man", "insult_word"),
        ("a pathetic excuse for a human being", "insult_word"),
        ("roma families simply don't share our values", "group_claim"),  # more habits and noun heads
        ("muslims don't belong in this country", "group_claim"),
        ("italians are not remotely mentally capable", "group_claim"),  # an adverb before the quality denied
        ("polish workers will always cut corners.", "group_claim"),
        ("asian students cheat.", "group_claim"),
        ("refugees come over here and bleed the nhs", "group_claim"),
        ("disabled people shouldn't be raising children", "group_claim"),
        ("women should not be allowed to hold office", "group_claim"),
        ("jews must not be put in charge of banks", "group_claim"),
        ("catholics should be barred from teaching", "group_claim"),
        ("somebody should take a bat to that referee's knees", "threat"),
        ("that journalist deserves a proper hiding", "threat"),
        ("i'd love to knock the presenter's teeth in", "threat"),
        ("gay men shouldn't be doctors", "group_claim"),
        ("the jews always end up running the media", "group_claim"),
        ("i'm going to put a bullet in that mp's head", "threat"),  # menace by a shot, a search, a deadline
        ("I'll find you, it really isn't hard.", "threat"),
        ("delete the article while you still can", "threat"),
        ("k y s, nobody would notice", "threat"),
        ("the next cyclist who blocks me is going under my wheels", "threat"),
        ("accidents tend to happen to people who talk", "threat"),
        ("round up every last muslim and put them on a boat", "group_attack"),  # a call against the group next
        ("time to intern the chinese", "group_claim"),
        ("jews out of our media", "group_claim"),  # out of a place that is ours
        ("the romanians on our street are cattle", "group_claim"),  # a place phrase, a noun for livestock
        ("chinese are bugmen", "group_claim"),
        ("gypsies are human litter", "group_claim"),
        ("f*ck off back to where you came from", "go_back"),
        ("g0 b4ck t0 y0ur 0wn c0untry", "go_back"),  # leet at a word's end, in a text that shows leet
        ("he is a lying sack of shit", "insult_word"),
        ("the minister is as thick as two short planks", "insult_word"),
        ("someone needs to finish what was started with the roma", "group_attack"),
        ("atheists should be stoned in the town square", "threat"),
        ("refugees should be left to drown", "threat"),
    ],
)
def test_attack_patterns(features: AttackFeatures, text: str, kind: str) -> None:
    assert kind in kinds(features, text)


@pytest.mark.parametrize(
    "text",
    [
        "Muslims are our neighbours and friends",
        "women are underrepresented in parliament",
        "immigrants are often victims of hate crimes",
        "refugees are not criminals",  # a negated claim: its predicate is masked as mentioned
        "saying gay people are disgusting is bigotry",
        "comments claiming Jews are vermin should be removed",
        "people are strange when you're a stranger",
    ],
)
def test_statements_about_groups_that_derogate_none_are_no_claim(features: AttackFeatures, text: str) -> None:
    assert "group_claim" not in kinds(features, mask_mentions(normalize(text)))


@pytest.mark.parametrize(
    "text",
    [
        "my brother is an idiot sometimes",  # said of someone else
        "did you see that idiot on the news",
        "the idiot in charge resigned",
        "You are not a moron.",  # negated: the word is masked as mentioned
    ],
)
def test_insults_not_said_to_the_reader_are_no_address(features: AttackFeatures, text: str) -> None:
    assert "addressed_insult" not in kinds(features, mask_mentions(normalize(text)))


@pytest.mark.parametrize(
    "text",
    [
        "the anteater at the zoo",
        "a disc jockey played all night",
        "please stop licking the spoon",
        "a beekeeper",
        "my kids are such picky eaters",  # spaced: table talk, not a coinage
        "pac-man is a ghost eater",
    ],
)
def test_ordinary_words_are_no_coined_compound(features: AttackFeatures, text: str) -> None:
    assert not {"coined_compound", "dehumanising"} & set(kinds(features, text))


def test_slurs_are_one_token_for_the_ngrams() -> None:
    near = near_slur_spellings(VOCABULARY)
    assert mask_slurs("you spic and you wetbak") == f"you {SLUR} and you wetbak"
    assert mask_slurs("you spic and you wetbak", near) == f"you {SLUR} and you {SLUR}"
    assert (
        mask_slurs("a spicy dish, spice and a wetback-free town", near) == f"a spicy dish, spice and a {SLUR}-free town"
    )
    text = normalize("Muslim kids heard kikes and muzzies at the Jewish school")
    assert mask_slurs(text, near, identity=True) == mask_slurs(mask_identity(text), near)


def test_near_slur_spellings_keep_the_first_letter_and_skip_words() -> None:
    near = near_slur_spellings(VOCABULARY)
    assert {"wetbak", "raghed", "kkie", "spci", "dkye"} <= near  # inner letter dropped, or neighbours swapped
    assert {"dykke", "muzzrat"} <= near  # a letter doubled
    assert not {"hink", "igger", "samb", "beane", "niger", "hony"} & near  # first or last letter lost, a name
    assert "cocktail" not in near_slur_spellings(("cocktail",)) and "kike" not in near
    assert {"chinnks", "wetbaks"} <= near  # plurals too, so the n-gram view masks them as the attack features do
    assert mask_slurs("chinnks everywhere", near) == f"{SLUR} everywhere"
    assert "dykkes" not in near_slur_spellings(("dykkes",))  # an ordinary word of the vocabulary stays itself


def test_respellings_read_misspelt_groups_and_hate_words_back() -> None:
    spellings = respellings(["refuge", "back", "rap", "down", "chamber"], frozenset({"idoit"}))
    text = respell("i haet mslims, klil the muslmis", spellings)
    assert text == "i hate muslims, kill the muslims"
    # inflections of ordinary words, obscenities, taken misspellings and the words themselves stay
    for word in ("refuges", "backs", "rapped", "downed", "shite", "idoit", "muslims", "kill"):
        assert word not in spellings
    assert respell("plain text", spellings) == "plain text"
    assert respell("i haet mslims", {}) == "i haet mslims"


def test_respellings_leave_a_spelling_of_two_words_alone() -> None:
    # "aarbs" is a slip from "arabs" only; a variant shared by two stems would be left as it is
    spellings = respellings([])
    assert spellings["aarbs"] == "arabs"
    stems_of: dict[str, set[str]] = {}
    for stem in IDENTITY_TERMS | _RESPELT_WORDS:
        for variant in _near_variants(stem) if len(stem) >= 4 else ():
            stems_of.setdefault(variant, set()).add(stem)
    shared = [v for v, stems in stems_of.items() if len(stems) > 1 and v not in IDENTITY_TERMS | _RESPELT_WORDS]
    assert shared and not any(v in spellings for v in shared)


def test_near_insult_spellings_skip_words_short_insults_and_near_slurs() -> None:
    near_slurs = near_slur_spellings(("crepe",))
    near = near_insult_spellings(("crepe",), near_slurs)
    assert {"idoit", "idoits", "bufoon", "mroon"} <= near
    assert "crepe" not in near and "crepes" not in near  # a word, and its plural
    assert not {"jrek", "prta"} & near  # from insults of four letters, too many slips are words
    assert not near & near_slurs


def test_one_claim_counts_once_whichever_word_names_the_group(features: AttackFeatures) -> None:
    text = normalize("black people are animals")
    claims = [m for m in features.matches(text) if m.kind == "group_claim"]
    assert [text[m.start : m.end] for m in claims] == ["black people are animals"]


@pytest.mark.parametrize(
    "text",
    [
        "Die Hard is the best Christmas film",
        "a drop dead gorgeous dress",
        "don't kill yourself over the deadline",  # kindness: no call to die
        "old habits die hard",
        "people die every day on these roads",
        "I'd die for a coffee right now",
    ],
)
def test_death_words_that_wish_no_death_are_no_threat(features: AttackFeatures, text: str) -> None:
    assert "threat" not in kinds(features, text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("that car is a waste of money", "insult_word"),
        ("she has the energy of a toddler", "insult_word"),
        ("fuck yeah, we won", "addressed_insult"),
        ("young people should be locked up after midnight", "group_attack"),  # "people" at large: a claim only
        ("immigrants belong in this town as much as anyone", "group_claim"),
        ("we must get rid of the weeds", "group_claim"),
        ("my life is better without social media", "group_claim"),
        ("he should be careful not to get shot out there", "threat"),  # an act not called for
        ("people will get killed at that junction", "threat"),  # a forecast
        ("I hope you get well soon", "threat"),
        ("I hope this bill gets killed in committee", "threat"),  # a wish for a thing
        ("he took a bullet to the chest for his unit", "threat"),
        ("put the knife in the drawer", "threat"),
        ("the council should torch the old plan", "threat"),
        ("that defeat taught them a lesson", "threat"),
        ("immigrants come here for a better life", "group_claim"),
        ("women are not as likely to be promoted", "group_claim"),
        ("refugees can't work legally for six months", "group_claim"),
        ("not all men are violent", "group_claim"),  # a claim denied
        ("not all muslims are terrorists", "group_attack"),
        ("f*** this weather", "insult_word"),  # too little shows to tell the word
        ("muslims don't drink alcohol", "group_claim"),
        ("refugees can't work legally for six months", "group_claim"),
        ("women won't work for that pay", "group_claim"),
        ("old people can't read small print", "group_claim"),
        ("it would be a shame if the rain ruined the parade", "threat"),
        ("can you find your address on the form", "threat"),
        ("take a bat to the nets and practise", "threat"),
        ("we strung up the fairy lights", "threat"),
        ("the church burned down in 1920 and was rebuilt", "threat"),
        ("burn the old photos before you move", "threat"),
        ("keep stirring the sauce and see what happens", "threat"),
        ("you will be leaving in a taxi at six", "threat"),
        ("I'll pay you a visit with a cake", "threat"),
        ("the only good thing here is a dead battery", "threat"),
        ("a man drove a van into the crowd last year", "threat"),  # reported, not called for
        ("we should drive the bus into the depot", "threat"),
        ("a sad little story about a lost dog", "insult_word"),
        ("why are women paid less than men?", "group_claim"),
        ("my neighbours are Sikhs and they are lovely", "group_claim"),
        ("they are lazy, the lot of them", "group_claim"),  # "they" with no group named before
        ("women at my office are incapable of being late", "group_claim"),
        ("the study found migrants as honest as anyone, so the 'they're all liars' guy is wrong", "group_attack"),
        ("the dumbest thing I ever did was sell that car", "insult_word"),
        ("mindless vandalism in the park again", "insult_word"),
        ("I am a walking disaster in the kitchen", "insult_word"),
        ("I know where you're coming from", "threat"),
        ("we know which train you mean", "threat"),  # knowing, but no routine of the target's
        ("we have your details on the form", "threat"),
        ("enjoy your last day at school!", "threat"),
        ("enjoy your last few days of the holiday", "threat"),
        ("his days as manager are numbered", "threat"),
        ("don't be surprised if it rains at the weekend", "threat"),
        ("accidents happen, don't worry about the vase", "threat"),
        ("the striker went off on a stretcher", "threat"),
        ("we're done writing the report", "threat"),
        ("the size of a pea, the seeds go in the ground in march", "insult_word"),
        ("an insufferable heatwave", "insult_word"),
        ("muslims share our values", "group_claim"),
        ("women always cut the cake at weddings", "group_claim"),
        ("refugees come here and work in the nhs", "group_claim"),
        ("women should be in charge of the budget", "group_claim"),
        ("the midfield needs a good kicking into shape", "threat"),  # no person
        ("my son always ends up running the barbecue", "group_claim"),
        ("girls run the world", "group_claim"),
        ("he put a bullet in the chamber", "threat"),
        ("I'll find you a seat near the front", "threat"),
        ("we will find him, the search goes on", "threat"),
        ("shame if anything happened to the old pub", "threat"),
        ("buy the shares while you still can", "threat"),
        ("the wheels came off under my car", "threat"),
        ("they want to deport muslims and that is wrong", "group_claim"),  # a call reported, not made
        ("catholics out of work after the factory closed", "group_claim"),
        ("albanians on our street are lovely people", "group_claim"),
        ("i went back to where we started", "go_back"),
        ("indian farmers sold their cattle at the market", "group_attack"),  # livestock is no insult near a group
        ("mexican farmers say pests destroyed their crops", "group_attack"),
        ("they keep livestock and a few sows", "dehumanising"),
        ("ban catholic schools from receiving public money", "group_claim"),  # a policy, not a call against people
        ("bring the jobs back to our own country", "go_back"),
        ("a sack of potatoes and a bag of crisps", "insult_word"),
        ("finish what you started with the kitchen", "group_claim"),
        ("the students were left to drown in paperwork", "threat"),
    ],
)
def test_lookalikes_of_the_new_patterns_are_no_evidence(features: AttackFeatures, text: str, kind: str) -> None:
    assert kind not in kinds(features, text)


def test_an_attack_on_a_group_names_someone(features: AttackFeatures) -> None:
    # A blend with a group's name in it attacks the group, though no word of it is an identity term.
    out = features.counts([normalize("more rapefugees landing today"), normalize("more boats landing today")])
    assert out[0, FEATURES.index("no_person")] == 0 and out[1, FEATURES.index("no_person")] > 0


def test_a_death_wish_names_the_reader(features: AttackFeatures) -> None:
    out = features.counts([normalize("die in a fire"), normalize("the fire died down")])
    assert out[0, FEATURES.index("no_person")] == 0 and out[1, FEATURES.index("no_person")] > 0


@pytest.mark.parametrize("text", ["I will shoot the photos tomorrow", "we will beat the champions on Saturday"])
def test_violent_verbs_at_things_are_no_threat(features: AttackFeatures, text: str) -> None:
    assert "threat" not in kinds(features, text)


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe won at home",
        "the assassin ordered a cocktail",
        "all applicants met in the dungeon",
        "my therapist keeps a scrapbook",
        "what a fucking brilliant goal",
        "I will find the answer tomorrow",
    ],
)
def test_innocent_words_and_plain_profanity_are_not_blends(features: AttackFeatures, text: str) -> None:
    assert not kinds(features, text) & {"obscene_blend", "identity_blend"}


def test_spans_point_at_the_evidence(features: AttackFeatures) -> None:
    text = normalize("well, you shitbag, go back to your cave")
    found = {m.kind: text[m.start : m.end] for m in find_attacks(text, features.innocent_)}
    assert found["obscene_blend"] == "shitbag"
    assert found["go_back"].startswith("go back to")


def test_transform_is_log_counts(features: AttackFeatures) -> None:
    out = features.transform([normalize("you shitbag, you scumbag"), "hello"]).toarray()
    assert out.shape == (2, len(FEATURES))
    assert out[0, FEATURES.index("obscene_blend")] == pytest.approx(np.log1p(2))
    assert out[1, FEATURES.index("no_person")] > 0  # "hello" names nobody
    assert (np.delete(out[1], FEATURES.index("no_person")) == 0).all()
    assert list(features.get_feature_names_out()) == list(FEATURES)


def test_rude_words_count_only_where_nobody_is_named(features: AttackFeatures) -> None:
    column = FEATURES.index("unaimed_rudeness")
    out = features.counts([normalize("this stupid printer is a useless piece of junk"), normalize("you stupid idiot")])
    assert out[0, column] == pytest.approx(np.log1p(3))  # stupid, useless, piece of junk
    assert out[1, column] == 0  # aimed at someone: the insult features' business


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("this stupid printer is a useless piece of junk", False),
        ("what a stupid rule", False),
        ("these idiots never learn", True),  # an insult for a person names one
        ("mr. smith is clueless", True),
        ("the president lied again", True),
        ("liberals ruined this town", True),
        ("you are wrong", True),
    ],
)
def test_who_a_text_names(text: str, named: bool) -> None:
    assert names_person(normalize(text)) is named


def test_a_transformer_fitted_before_a_feature_existed_keeps_its_columns(features: AttackFeatures) -> None:
    old = copy.deepcopy(features)
    del old.features_  # as unpickled from a bundle fitted before the transformer recorded its features
    assert old.transform(["this stupid printer"]).shape == (1, 9)
    assert list(old.get_feature_names_out()) == list(FEATURES[:9])
    newer = copy.deepcopy(features)
    newer.features_ = ("slur", "insult_word")  # any recorded list: its columns, in its order
    text = normalize("you moron")
    assert newer.counts([text])[0].tolist() == pytest.approx([0.0, np.log1p(1)])


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("I would never call anyone a moron.", "moron"),
        ("Calling someone a retard is disgusting", "retard"),
        ('He called me a "moron" and I reported it', "moron"),
        ("You are not an idiot", "idiot"),
        ("the word bastard is vile", "bastard"),
        ("I don't think you're a moron at all.", "moron"),
        ("No one here thinks they are subhuman", "subhuman"),
        ("kids used to shout spic at my brother", "spic"),
        ("the account that wrote kike under my photo was banned", "kike"),
        ("she was called a dyke at school", "dyke"),
        ("he called my sister a whore and got banned", "whore"),
        ("tranny is a hurtful slur", "tranny"),
        ("if anyone calls you a retard, report it", "retard"),
        ("When someone says refugees are vermin, we should speak up.", "vermin"),
        ("if anyone tells you you're worthless, ignore them", "worthless"),
        ("Saying that immigrants are criminals is racist.", "criminals"),
        ("to claim women are inferior is just sexist", "inferior"),
        ("Comments claiming refugees are a disease should be deleted.", "disease"),
        ("posts saying that women are stupid must be reported", "stupid"),
        ("It is disgusting to say Jews must be wiped out.", "wiped"),  # a call condemned, as a claim is
        ("I'm not saying you're an idiot, I'm saying the plan is flawed.", "idiot"),
        ("If you say refugees are vermin, you're the problem.", "vermin"),  # a claim as the reader's condition
        ("Statements like 'kill all immigrants' have no place here.", "kill"),  # a statement quoted
        ("Posting 'refugees are rats' is harassment.", "rats"),
        ("he shouted 'go back home' at my mum", "back"),
        ("the troll who told her to 'kill herself' was banned", "kill"),  # what someone was told
        ("'jews control the banks' is an old antisemitic trope", "control"),  # a quoted statement named
        ("I'm such an idiot, I left my keys at home", "idiot"),  # an insult the writer says of themself
        ("I'm the village idiot when it comes to DIY", "idiot"),
        ("im the dumbest person in my family at maths", "dumbest"),
        ("call me a fool, but I still buy the paper", "fool"),
        ("nipped out for a fag and a coffee", "fag"),  # a slur's homonym in its ordinary sense
        ("back after a quick fag break", "fag"),
        ("faggots and peas with onion gravy", "faggot"),
        ("we walked Offa's Dyke last summer", "dyke"),
        ("the champion bitch took Best in Show", "bitch"),
        ("our bitch had six puppies", "bitch"),
        ("two coon hounds barking all night", "coon"),
        ("Poof, and the money was gone.", "poof"),
        ("It is simply false that Roma are less honest.", "honest"),  # a claim its writer calls false
        ("the old myth that immigrants are lazy", "lazy"),
        ("a man on the bus told my son that 'his kind' should be deported", "deported"),  # what someone was told
        ("when reporters call migrants a 'swarm' they dehumanise them", "swarm"),  # a quoted dehumanising word
        ("I flagged the post for saying refugees are parasites", "parasites"),  # a claim sanctioned
        ("the coach was sacked for calling a player a retard", "retard"),
        ('if your argument is "all gypsies are thieves", you have a prejudice', "thieves"),  # a quote condemned
        ('quoting the mayor directly: "these people breed like rabbits". shameful.', "rabbits"),
        ('"we know where you live" and "watch your back" were reported to police', "watch"),
    ],
)
def test_mentioned_words_are_masked(text: str, gone: str) -> None:
    assert gone not in mask_mentions(normalize(text))


@pytest.mark.parametrize(
    "text",
    [
        "You are an idiot",
        "Don't call me names, you moron",
        "I think you're a moron",
        "Nobody likes you, moron",
        "you used to be a moron and you still are one",
        "when I say you are an idiot I mean it",
        "I am saying you are an idiot, plain and simple",
        "I'm telling you, you are an idiot",
        "I'm not the idiot here, you are the idiot",
        "it is true that you are an idiot",
    ],
)
def test_used_insults_stay(text: str) -> None:
    masked = mask_mentions(normalize(text))
    assert "idiot" in masked or "moron" in masked


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ('i said it before: "muslims are scum" and i stand by it', "scum"),  # a quote endorsed, not condemned
        ('the "refugees" are all criminals and nobody reported it', "refugees"),  # one scare-quoted word
    ],
)
def test_quotes_nobody_condemns_stay(text: str, kept: str) -> None:
    assert kept in mask_mentions(normalize(text))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("you are a fag", "fag"),
        ("dirty fags everywhere", "fag"),
        ("shut up you faggot", "faggot"),
        ("the dyke next door", "dyke"),
        ("stupid bitch", "bitch"),
        ("you bitch, you had it coming", "bitch"),
        ("what a poof", "poof"),
    ],
)
def test_slurs_aimed_at_people_stay(text: str, word: str) -> None:
    assert word in mask_mentions(normalize(text))


def test_pickles_the_same_bytes_in_every_process() -> None:
    """Sets pickle in hash order; the fitted word sets must not, or bundle digests would change run to run."""
    script = (
        "import hashlib, pickle; from moderation.lexicon import AttackFeatures; "
        "print(hashlib.sha256(pickle.dumps(AttackFeatures(vocabulary=('cocktail', 'scunthorpe')).fit([]))).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1 and next(iter(digests)).strip()


def _texts_of(words: str) -> st.SearchStrategy[str]:
    """Texts of 1 to 14 of `words`, in any order, to meet the constructions those words make."""
    return st.lists(st.sampled_from(words.split()), min_size=1, max_size=14).map(" ".join)


_MENTION_TEXT = (
    "i would never call anyone a idiot calling someone a slur is wrong the word 'moron' when they call you "
    "stupid he said not a fag isn't an insult saying that people are scum is vile if someone calls "
    "me a loser was called a bitch dyke is an epithet \" ' shouted wrote used stop saying claims that lie idea "
    "are lies hateful to say describe refer to as never comments claiming should be deleted must reported "
    "not saying thinking you're must be should all be statements like such as posting wrote shouted said 'x y' "
    "i'm im i am such the village dumbest call me fool false true myth that told her his kind deported swarm "
    "quick fag fags break faggots and peas gravy devil's dyke champion bitch had puppies coon hounds poof , ."
)


@settings(max_examples=300, deadline=None)
@given(_texts_of(_MENTION_TEXT))
@example("stop saying people are scum")
@example("it is hateful to say people are scum")
@example("the lie that people are scum is wrong")
@example("never describe people as scum")
@example("comments claiming people are scum should be deleted")
@example("it is hateful to say people must be scum")
@example("not saying you're scum")
@example("comments like 'people are scum'")
@example("he shouted 'scum' at them")
def test_mention_key_test_never_hides_a_rule_match(text: str) -> None:
    # The keys only spare a rule its scan: every rule run on every text finds the same spans.
    unkeyed = [m.span(1) for _, rule in _MENTION_RULES for m in rule.finditer(text)]
    assert mention_spans(text) == unkeyed


_ATTACK_TEXT = (
    "i we will 'll gonna want to kill hurt shoot stab beat them you your the author know found where you he "
    "live work watch your back you'll will pay die suffer deserves to be shot go going back to where home send "
    "them back came from leave get out of our this country i'm coming for better hide run make sure never walk "
    "frog- -eater eaters of -muncher -humper -jockey -licker -botherer - gobbler chomper die in a fire dead drop "
    "go just kill yourself urself hope jump off a bridge fuck f*** screw off waste of oxygen shit for brains "
    "excuse for a human , . should be dragged out and shot is getting stabbed hope your kids get hit by a car "
    "cancer put a bullet in him brick to the skull won't be walking away getting up end up in a ditch teach "
    "that lesson torch firebomb the mosque blow up iq of a potato must ought to needs to has to have to deserves to "
    "is getting are getting and shame if something happened won't take me long to find your address take a bat to "
    "his kneecaps string them up burn down burned razed mosques synagogue keep talking and see what happens "
    "she'll be leaving in an ambulance a box pay you a visit with bat the only good one is dead ones someone needs "
    "to drive a truck through that march ram plough sad little man brainless spineless hack the dumbest person "
    "most stupid people you're a walking embarrassment they those all are less than human lesser beings "
    "sub-humans subhuman rats vermin breeding infested a plague filth i we know which what time where your kids "
    "use catch i've got your home address isn't that hard to find enjoy final last few days on earth numbered "
    "you're a dead man need dental records to identify don't be surprised if it gets torched accidents can happen "
    "to people who we're done asking nicely he needs a good kicking knocking that guy's teeth out keep writing "
    "put pump a bullet bullets in through that mp's head shame if anything owt happened to i'll we're gonna find "
    "track hunt down u ya delete leave it while u still can kys going end up under my wheels car tyres tend to "
    "sack bag pile of shit lies thick as mince two short planks"
)


@settings(max_examples=300, deadline=None)
@given(_texts_of(_ATTACK_TEXT))
@example("i will hurt the author")
@example("i know where you live")
@example("watch your back")
@example("you'll pay")
@example("he deserves to be shot")
@example("send them back")
@example("get out of our country")
@example("i'm coming for you")
@example("you better hide")
@example("make sure you never walk")
@example("get lost frog-muncher")
@example("eaters of frog")
@example("die in a fire")
@example("go kill yourself")
@example("f*** off")
@example("waste of oxygen")
@example("he should be dragged out and shot")
@example("i hope your kids get hit by a car")
@example("go get cancer")
@example("put a bullet in him")
@example("getting a brick to the skull")
@example("you won't be getting up")
@example("you'll end up in a ditch")
@example("gonna teach that guy a lesson")
@example("we should firebomb the mosque")
@example("burn down the synagogue")
@example("mosques should be razed")
@example("keep talking and see what happens")
@example("she'll be leaving in a body bag")
@example("i'll pay you a visit with a bat")
@example("the only good one is a dead one")
@example("someone needs to ram a truck into the crowd")
@example("a sad little man")
@example("you spineless, lying weasel")
@example("the most stupid people")
@example("he's a walking joke")
@example("we know which gym your kids use")
@example("his address isn't that hard to find")
@example("you're a dead man")
@example("don't be surprised if it gets torched")
@example("accidents can happen to people who talk")
@example("he needs a good kicking")
@example("knocking that guy's teeth out")
@example("keep writing and see what happens")
@example("they are less than human")
@example("you lot are sub-humans")
@example("they are all rats's nests")
@example("those dog-eaters")
@example("i'm going to put a bullet in that mp's head")
@example("shame if anything happened to your car")
@example("i'll find you, it isn't hard")
@example("we're gonna hunt you down.")
@example("delete it while you still can")
@example("kys")
@example("he's going under my car")
@example("accidents tend to happen to people who talk")
@example("a lying sack of shit")
@example("thick as mince")
def test_attack_keys_never_hide_a_match(text: str) -> None:
    # Their key words only spare a pattern its scan: every match holds one of them.
    for _, keys, pattern in _KEYED_ATTACKS:
        assert not pattern.search(text) or any(key in text for key in keys)
        if isinstance(pattern, _Anchored):  # the anchor's own keys spare its scan too
            assert not pattern.anchor.search(text) or any(key in text for key in pattern.keys)
    assert not _COMPOUND.search(text) or any(key in text for key in _COMPOUND_KEYS)
    assert not _INSULT_PHRASE.search(text) or any(key in text for key in _INSULT_PHRASE_KEYS)
    assert not _CONTEMPT.search(text) or any(key in text for key in _CONTEMPT_KEYS)
