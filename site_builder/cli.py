"""Command line: ``site-builder <command>`` (also ``python -m site_builder``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from site_builder import __version__
from site_builder.exceptions import SiteBuilderError
from site_builder.scripts import DEFAULT_PROFILE, LANGS, PROFILES


def _convert(args: argparse.Namespace) -> int:
    from site_builder.convert import convert_seeds

    report = convert_seeds(
        args.seeds,
        args.content,
        force=args.force,
        script=args.script,
        script_profile=args.script_profile,
        corner_quotes=args.corner_quotes,
    )
    print(report.summary())
    return 0 if report.written or report.unchanged or report.skipped else 1


def _build(args: argparse.Namespace) -> int:
    from site_builder.render import build

    report = build(args.content, args.out, args.config)
    print(report.summary())
    return 0


def _bundle(args: argparse.Namespace) -> int:
    from site_builder.bundle import bundle

    print(bundle(args.content, args.config, args.out).summary())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Turn OCR'd magazine pages into a Markdown edition and a static site.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    convert = commands.add_parser(
        "convert",
        help="repair the OCR pages in seeds/ and write one Markdown file per article to content/",
        description=(
            "Repair the OCR text of the seed pages and write one Markdown file per article. "
            "Files an editor changed since they were generated are never overwritten "
            "unless --force is given."
        ),
    )
    convert.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of OCR pages (default: seeds/)")
    convert.add_argument("--content", type=Path, default=Path("content"), help="output folder (default: content/)")
    convert.add_argument("--force", action="store_true", help="overwrite files even if an editor changed them")
    convert.add_argument(
        "--script",
        choices=sorted(LANGS),
        default="hans",
        help="hans: Simplified characters, as printed (default); hant: Traditional characters, with OpenCC",
    )
    convert.add_argument(
        "--script-profile",
        choices=list(PROFILES),
        default=DEFAULT_PROFILE,
        help=f"OpenCC profile for --script hant (default: {DEFAULT_PROFILE}; see the README)",
    )
    convert.add_argument("--corner-quotes", action="store_true", help="with --script hant: “ ” ‘ ’ become 「 」 『 』")
    convert.set_defaults(run=_convert)

    build = commands.add_parser(
        "build",
        help="build the static site from content/ into public/",
        description=(
            "Check the configuration and every content file, render all pages, then replace the "
            "output folder in one step. Any problem is reported with its file and line, and the "
            "previous output is left as it was."
        ),
    )
    build.add_argument("--content", type=Path, default=Path("content"), help="the Markdown edition (default: content/)")
    build.add_argument("--out", type=Path, default=Path("public"), help="output folder, replaced whole (default: public/)")
    build.add_argument("--config", type=Path, default=Path("site.yml"), help="site configuration (default: site.yml)")
    build.set_defaults(run=_build)

    bundle = commands.add_parser(
        "bundle",
        help="build the edition for reading offline and zip it",
        description=(
            "Build the site without base_url (every link relative, nothing from another host) and write it as "
            "one zip named after the edition and its date; unpacked anywhere, its index.html works from disk."
        ),
    )
    bundle.add_argument("--content", type=Path, default=Path("content"), help="the Markdown edition (default: content/)")
    bundle.add_argument("--config", type=Path, default=Path("site.yml"), help="site configuration (default: site.yml)")
    bundle.add_argument("--out", type=Path, help="the zip file, or a folder for it (default: dist/<edition>-<date>.zip)")
    bundle.set_defaults(run=_bundle)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except SiteBuilderError as error:
        print(f"site-builder {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
