"""The bundle options shared by the benchmark scripts that score comments (imported from the scripts' own folder)."""

from __future__ import annotations

import argparse

from moderation.moderator import Moderator


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """`--model` (the bundle) and `--flag-on` (the labels that flag), as every scoring benchmark takes them."""
    parser.add_argument("--model", default=None, help="bundle folder (default: $MODERATION_MODEL or models/default)")
    parser.add_argument(
        "--flag-on", default=None, help="labels that flag, comma-separated (default: the card's flag policy)"
    )


def load_moderator(args: argparse.Namespace) -> Moderator:
    """The moderator the options of :func:`add_model_options` name."""
    return Moderator.load(args.model, flag_on=args.flag_on)
