"""Command line: ``site-builder <command>`` (also ``python -m site_builder``)."""

from __future__ import annotations

import argparse
import os
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
    _left.append(report)
    return 0


def _check(args: argparse.Namespace) -> int:
    from site_builder.check import check

    report = check(args.content, args.config)
    print(report.json() if args.format == "json" else report.text())
    return report.status


def _serve(args: argparse.Namespace) -> int:
    from site_builder.serve import serve

    serve(args.content, args.out, args.config, args.host, args.port)
    return 0


def _bundle(args: argparse.Namespace) -> int:
    from site_builder.bundle import bundle

    print(bundle(args.content, args.config, args.out).summary())
    return 0


def _project_arguments(parser: argparse.ArgumentParser, out: bool = True) -> None:
    """--content, --out and --config, the folders and file every command on the edition works with."""
    parser.add_argument("--content", type=Path, default=Path("content"), help="the Markdown edition (default: content/)")
    if out:
        parser.add_argument("--out", type=Path, default=Path("public"), help="output folder, replaced whole (default: public/)")
    parser.add_argument("--config", type=Path, default=Path("site.yml"), help="site configuration (default: site.yml)")


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
    _project_arguments(build)
    build.set_defaults(run=_build)

    bundle = commands.add_parser(
        "bundle",
        help="build the edition for reading offline and zip it",
        description=(
            "Build the site without base_url (every link relative, nothing from another host) and write it as "
            "one zip named after the edition and its date; unpacked anywhere, its index.html works from disk."
        ),
    )
    _project_arguments(bundle, out=False)
    bundle.add_argument("--out", type=Path, help="the zip file, or a folder for it (default: dist/<edition>-<date>.zip)")
    bundle.set_defaults(run=_bundle)

    serve = commands.add_parser(
        "serve",
        help="build, serve public/ and rebuild on every change, reloading the browser",
        description=(
            "Build the site, serve the output folder (only it) and watch content/, the configuration and the "
            "theme: every change rebuilds what it touched and reloads the open pages. A change that breaks "
            "the build keeps the last good site and shows its problems in the terminal and on the pages."
        ),
    )
    _project_arguments(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.set_defaults(run=_serve)

    check = commands.add_parser(
        "check",
        help="check the configuration and every content file without building",
        description=(
            "Report every problem the build would stop at (YAML syntax, unknown or missing keys, wrong types, "
            "duplicate slugs, unknown topics or regions, broken cross-references, missing source lines) and the "
            "open review messages. Exit status: 0 clean, 1 problems, 3 only open review messages."
        ),
    )
    _project_arguments(check, out=False)
    check.add_argument("--format", choices=["text", "json"], default="text",
                       help="text (default) or json: a list of {file, line, column, message, kind}, kind 'error' or 'review'")
    check.set_defaults(run=_check)
    return parser


_left: list = []
"""What the last command leaves, held until :func:`run` ends the process without freeing it (what a build read:
hundreds of thousands of objects, freed one by one in tens of milliseconds)."""


def main(argv: list[str] | None = None) -> int:
    _left.clear()
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except SiteBuilderError as error:
        print(f"site-builder {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """The command's entry point: :func:`main`, then out at once. A build leaves millions of objects (the
    edition, its pages' views, the cache) that the interpreter would free one by one, a third of a second at
    10,000 articles; the system takes back the memory all together."""
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
