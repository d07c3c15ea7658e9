"""The build cache: what the last build read and wrote, so that the next one redoes only what changed.

It lives in ``.cache/site-builder/`` next to ``site.yml`` (one file per
content/output/configuration triple) and holds:

- every content file parsed (:class:`ParseCache`), found again by its stat
  (size, mtime, inode) or, if that changed, by a hash of its bytes;
- the key of every page written (:class:`RenderCache`): a hash of everything
  the page shows (:mod:`site_builder.render.pagekeys`). A page whose key is
  unchanged is not rendered again: its file is taken over from the current
  output (a hard link into the new folder);
- the fingerprint of all inputs (:func:`inputs_fingerprint`): when nothing
  changed at all, there is nothing to do.

The keys and the stamps of the output's files, an entry for each page, are
saved whole now and then, and in between as what changed since
(:class:`BuildState`): an edit writes a few of them, not all.

The cache only ever saves work: a missing, stale or unreadable cache means a
full build, never a different site. The output it describes is recognised by
the identity of its marker file, written anew by every build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import multiprocessing
import operator
import os
import pickle
import tempfile
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable, Iterable, Iterator, NamedTuple, TypeVar

from site_builder.exceptions import SiteBuilderError
from site_builder.model.body import Block
from site_builder.model.edition import Body
from site_builder.model.load import KnownPinyin, Parse, ParsedFile, prepare_parsing
from site_builder.parallel import PARALLEL, Background, fork_map
from site_builder.render.pagekeys import Context, Listings, SiteKeys, digest
from site_builder.render.writer import MARKER, Trees, identity, identity_of, standby_ready

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from site_builder.render.site import Site

FORMAT = 23
"""Bumped when the cache's layout changes; an older cache is ignored."""

T = TypeVar("T")

UNREADABLE = (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError, KeyError, IndexError)
"""What reading a cache file written by another version, or damaged, may raise: the cache is then not used."""

RACY = 2_000_000_000
"""Nanoseconds: a file changed this close to when its stat was taken may change again with the same stat."""

PACKAGE = Path(__file__).resolve().parents[1]


def _sha(data: bytes) -> str:
    """The digest of a content file's bytes, which tells its versions apart when its stat cannot."""
    return hashlib.sha1(data).hexdigest()


def _files(folder: str) -> list[os.DirEntry]:
    """Every file below ``folder``, in a stable order (hidden folders such as .git left out, and the bytecode
    Python writes as it imports the code): the files of a folder by name, then those of each folder in it.
    Entries, not Paths: thousands of files cost less so."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=operator.attrgetter("name"))
    except OSError:
        return []  # as os.walk: a folder that cannot be listed holds nothing
    found = [entry for entry in entries if not entry.is_dir()]
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink() and not entry.name.startswith(".") and entry.name != "__pycache__":
            found += _files(entry.path)
    return found


def file_keys(folder: Path, names: Iterable[str]) -> list[str]:
    """The absolute paths of the files ``names`` of ``folder``, which key their stats (:class:`Stats`) and parsed
    files (:class:`ParseCache`): the folder's worked out once, not each file's."""
    prefix = os.path.join(os.path.abspath(folder), "")
    return [prefix + name for name in names]


@dataclass
class Stats:
    """The stats of files a build took, by absolute path: each file's is taken once a build, by
    :func:`inputs_fingerprint`, and used again by :meth:`ParseCache.get_all`."""

    taken: int = field(default_factory=time.time_ns)
    """When the first of them was taken (ns)."""
    _of: dict[str, tuple[int, int, int]] = field(default_factory=dict, init=False, repr=False)
    _coming: Callable[[], dict[str, tuple[int, int, int]]] | None = field(default=None, init=False, repr=False)

    @property
    def of(self) -> dict[str, tuple[int, int, int]]:
        """The stats, waited for if they are still coming (:meth:`come_from`)."""
        if self._coming:
            coming, self._coming = self._coming, None
            self._of = coming()
        return self._of

    def come_from(self, source: Callable[[], dict[str, tuple[int, int, int]]]) -> None:
        """The stats are what ``source()`` returns, called when they are first needed."""
        self._coming = source

    def files_in(self, folder: Path) -> dict[str, tuple[int, int, int]]:
        """The stats of the files directly in ``folder``, by name, in name order (as :func:`_files` took them): the
        build lists a folder of 30,000 articles once, not again for their names."""
        prefix = os.path.join(os.path.abspath(folder), "")
        start = len(prefix)
        return {key[start:]: stat for key, stat in self.of.items() if key.startswith(prefix) and key.find(os.sep, start) < 0}


def inputs_fingerprint(paths: Iterable[Path], today: dt.date, stats: Stats | None = None) -> tuple[str, int]:
    """A fingerprint of every file below ``paths`` (by stat), and the newest mtime among them; the stats go
    into ``stats`` too."""
    entries: list[tuple[str, tuple[int, int, int]]] = []
    for top in paths:
        if top.is_dir():
            entries += ((entry.path, identity(entry.stat())) for entry in _files(os.path.abspath(top)))
        elif top.exists():
            entries.append((os.path.abspath(top), identity_of(top)))
    if stats is not None:
        stats.of.update(entries)
    # Pickled, not written out (digest): 10,000 paths and stats in half the time.
    fingerprint = hashlib.sha1(pickle.dumps((FORMAT, today.isoformat(), entries), protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
    return fingerprint, max((stat[0] for _, stat in entries), default=0)


class InputsFingerprint:
    """:func:`inputs_fingerprint` of ``paths``, which puts the stats in ``stats``: ``aside``, taken by a forked
    process while the build reads what it needs if anything changed (at 10,000 files, a tenth of a second each).
    That process sends the fingerprint first, then the stats, which only a build with something to do waits for
    (sending 30,000 of them takes some 40 ms). A context manager: leaving ends the process, if it still runs."""

    def __init__(self, paths: list[Path], today: dt.date, stats: Stats, aside: bool):
        self._stats = stats
        self._value: tuple[str, int] | None = None
        self._taking: Background | None = None
        if aside:
            self._first, sent = multiprocessing.Pipe(duplex=False)
            self._taking = Background(partial(_fingerprint_and_stats, paths, today, sent))
            sent.close()
            if not self._taking.forked:
                self._first.close()
                self._taking = None
        if self._taking is None:
            self._value = inputs_fingerprint(paths, today, stats)

    def ready(self) -> bool:
        """Whether the fingerprint is taken."""
        return self._value is not None or self._first.poll()

    def value(self) -> tuple[str, int]:
        """The fingerprint and the newest mtime among the files, once taken."""
        if self._value is None:
            try:
                self._value = self._first.recv()
            except EOFError:
                self._taking.result()  # raises what stopped the process
                raise
            self._stats.come_from(self._taking.result)
        return self._value

    def __enter__(self) -> InputsFingerprint:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._taking:
            self._taking.close()
            self._first.close()


def _fingerprint_and_stats(paths: list[Path], today: dt.date, first: Connection) -> dict[str, tuple[int, int, int]]:
    # Taken after the build's ``Stats.taken``, which the build keeps: the earlier time, the safer.
    stats = Stats()
    first.send(inputs_fingerprint(paths, today, stats))
    return stats.of


class _Entry(NamedTuple):
    stat: tuple[int, int, int]
    checked: int
    """When the stat was taken (ns)."""
    sha: str
    parsed: ParsedFile

    def __reduce__(self) -> tuple:
        # Made by the tuple's own constructor: the cache loads one for every content file.
        return tuple.__new__, (_Entry, tuple(self))


@dataclass
class ParseCache:
    """Parsed content files by path: a file whose stat (or else bytes) did not change is not parsed again."""

    context: str = ""
    """What parsing depends on besides the file (the seeds): when it changes, everything is parsed again."""
    entries: dict[str, _Entry] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    on_parse: Callable[[], None] | None = None
    dirty: set[int] = field(default_factory=set)
    """The shards (:func:`shard`) whose entries changed since they were saved."""
    parsed: set[str] = field(default_factory=set)
    """The files parsed since the entries were saved: those whose strings the next save shares (:func:`_shared_strings`);
    the others' were shared when they were first saved, and loaded so."""
    store: Path | None = None
    """Where the blocks of parsed files are kept, in packs of up to :data:`PACK` files (:attr:`ParsedFile.stored`
    says where), instead of in memory: a build reads only those of the pages it renders, and the cache loads
    fast. ``None``: in memory."""
    parse: Parse | None = None
    memos: dict[str, tuple[str, object]] = field(default_factory=dict)
    """What the edition worked out from the files' metadata (related articles), by name: (key, value)."""
    known: KnownPinyin = field(default_factory=KnownPinyin)
    """How every file parsed in this context read its authors' names and cited titles, kept as files are parsed:
    not gathered again from thousands of entries by every build."""
    stats: Stats | None = None
    """The stats this build took of the files (:func:`inputs_fingerprint`), for each :meth:`get_all` of the build."""
    saving: Background | None = None
    """The shards being written by a forked process (:meth:`save_aside`)."""
    unsaved: BaseException | None = None
    """What stopped that process: the next build parses the files again."""
    folder: Path | None = None
    """Where the shards are saved: each is read when first needed (:meth:`_read`)."""
    read: set[int] = field(default_factory=set)
    """The shards read from :attr:`folder` (or given up, if unreadable or of another context)."""
    packs: int = 0
    """The packs the store held when a build last removed those no entry names (:meth:`save`)."""

    def start(
        self, context: str, on_parse: Callable[[], None] | None = None, store: Path | None = None, stats: Stats | None = None
    ) -> None:
        """Begin a build in ``context``; ``stats``: those it took of the files since it began."""
        if context != self.context or store != self.store:
            self.entries.clear()
            self.memos.clear()
            self.known = KnownPinyin()
            self.dirty, self.parsed = set(range(SHARDS)), set()
        self.context, self.seen, self.on_parse, self.store, self.stats = context, set(), on_parse, store, stats

    def get_all(self, folder: Path, names: list[str], parse: Parse) -> list[ParsedFile]:
        """Each file of ``folder`` parsed, the ones that changed parsed again, side by side in worker processes."""
        # A file is checked when its stat was taken: with the build's own stats, when it began taking them.
        now = self.stats.taken if self.stats else time.time_ns()
        taken = self.stats.of if self.stats else {}
        found: list[ParsedFile | None] = []
        stale: list[tuple[int, str, tuple[int, int, int]]] = []
        keys = file_keys(folder, names)
        self.seen.update(keys)
        self._read(range(SHARDS) if len(keys) >= SHARDS else {shard(key) for key in keys})
        for index, key in enumerate(keys):
            stat = taken.get(key) or identity_of(key)
            entry = self.entries.get(key)
            if entry is not None and unchanged(entry.stat, entry.checked, stat):
                found.append(entry.parsed)
                continue
            self.dirty.add(shard(key))
            if entry is not None and entry.sha == _sha(Path(key).read_bytes()):
                self.entries[key] = entry._replace(stat=stat, checked=now)
                found.append(entry.parsed)
            else:
                stale.append((index, key, stat))
                found.append(None)
        self.parse = parse
        if self.store:
            self.store.mkdir(parents=True, exist_ok=True)
        prepare_parsing(len(stale))
        # In packs of files, each pack's blocks written to one file: enough packs to share out among workers.
        size = min(PACK, max(1, len(stale) // PARALLEL))
        packs = [[folder / names[index] for index, _, _ in stale[start : start + size]] for start in range(0, len(stale), size)]
        parsed_files = [pair for pack in fork_map(self._parse_and_keep, packs, chunk=1) for pair in pack]
        for (index, key, stat), (sha, parsed) in zip(stale, parsed_files):
            if self.on_parse:
                self.on_parse()
            self.entries[key] = _Entry(stat, now, sha, parsed)
            self.parsed.add(key)
            self.known.add(parsed)
            self.dirty.add(shard(key))
            found[index] = parsed
        return found

    def listed(self, folder: Path, names: list[str]) -> None:
        """The files of ``folder`` are ``names``, those :meth:`get_all` was not asked for included: :meth:`prune`
        keeps them."""
        self.seen.update(file_keys(folder, names))

    def _parse_and_keep(self, paths: list[Path]) -> list[tuple[str, ParsedFile]]:
        """Read, hash and parse ``paths`` (in a worker, for many files: hashing 10,000 files takes 0.4 s), each
        file read once; their blocks go to one file of the store (a file each would cost more to create than to
        write), the rest back to the build, each parsed file with the digest of its bytes."""
        contents = [path.read_bytes() for path in paths]
        shas = list(map(_sha, contents))
        parsed = [self.parse(path, data=content) for path, content in zip(paths, contents)]
        if self.store is None:
            return list(zip(shas, parsed))
        data = [pickle.dumps(p.blocks, protocol=pickle.HIGHEST_PROTOCOL) if p.digest else b"" for p in parsed]
        name = hashlib.sha1("".join(p.digest for p in parsed).encode()).hexdigest() + ".pack"
        temporary = self.store / f".{name}.{os.getpid()}"
        temporary.write_bytes(b"".join(data))
        os.replace(temporary, self.store / name)
        offsets = [0, *itertools.accumulate(map(len, data))]
        return [
            (sha, p._replace(blocks=None, stored=(name, start, len(blob))) if blob else p)
            for sha, p, blob, start in zip(shas, parsed, data, offsets)
        ]

    def body(self, parsed: ParsedFile) -> Body:
        if parsed.stored is None:
            return Body(parsed.blocks)
        # Not the parsed file itself: a first build lets go of those before its pages are rendered (save_aside).
        return self.stored_body(parsed.stored, parsed.document.file)

    def stored_body(self, stored: tuple[str, int, int], file: str) -> StoredBody:
        """The body of content file ``file``, whose blocks are kept where ``stored`` says."""
        return StoredBody(self, stored, file)

    def known_pinyin(self) -> KnownPinyin:
        return self.known

    def _blocks(self, stored: tuple[str, int, int], file: str) -> list[Block]:
        """The blocks of content file ``file`` kept where ``stored`` says; parsed again should the store have lost them."""
        name, start, length = stored
        try:
            # A read at an offset without a buffered file object: a third of the time, twice for every article of
            # a first build (its page, its search data).
            descriptor = os.open(os.path.join(self.store, name), os.O_RDONLY)
            try:
                data = os.pread(descriptor, length, start)
            finally:
                os.close(descriptor)
            return pickle.loads(data)
        except UNREADABLE:
            return self.parse(Path(file)).blocks

    def prune(self) -> None:
        """Forget files that are gone."""
        for key in set(self.entries) - self.seen:
            del self.entries[key]
            self.dirty.add(shard(key))
        self.on_parse = None

    def save_aside(self, folder: Path) -> None:
        """Begin writing the shards that changed, in a forked process, when many did (a first build), and let go
        of the entries: sharing their strings and pickling them takes half a second at 10,000 files, which the
        build's next steps leave a core idle for, and the build needs them no more (the worker processes
        that render its pages need not copy them: 364 → 318 MB at the peak of a cold build of 10,000
        articles). The next build reads them from the shards; what stopped the process is kept in
        :attr:`unsaved`."""
        if len(self.dirty) < SHARDS // 4 or self.saving:
            return
        self.prune()
        # Counted here: what the forked process learns stays there.
        self.packs = len(self._named_packs())
        saving = Background(partial(self.save, folder))
        if not saving.forked:
            return  # saved at the end, here, as by any other build
        self.saving = saving
        self.dirty, self.entries, self.parsed = set(), {}, set()

    def wait_saving(self) -> None:
        """Wait for the shards being written aside, if any: a build that fails leaves none half written."""
        if self.saving:
            saving, self.saving = self.saving, None
            try:
                saving.result()
            except Exception as error:
                self.unsaved = error

    def save(self, folder: Path) -> None:
        """Write the shards that changed into ``folder``, each atomically.

        Every entry proves itself (by the stat and hash of its file), and each
        shard names the context it was parsed in: shards of different builds
        can be read together."""
        self.wait_saving()
        folder.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(folder)
        shards: dict[int, dict[str, _Entry]] = {number: {} for number in self.dirty}
        for key, entry in self.entries.items():
            if (number := shard(key)) in shards:
                shards[number][key] = entry
        now = time.time_ns()
        for number, entries in shards.items():
            strings: dict[str, str] = {}
            entries = {key: _shared_strings(entry, strings) if key in self.parsed else entry
                       for key, entry in ((key, _settled(key, entry, now)) for key, entry in entries.items())}
            _dump(folder / f"{number}.pickle", (FORMAT, self.context, entries))
        if self.dirty and self.store and self.store.is_dir():
            self._remove_unnamed_packs()
        self.dirty, self.parsed = set(), set()

    def _remove_unnamed_packs(self) -> None:
        """Remove the packs of the store that no entry names (the files parsed again wrote new ones). Which they
        are is known only once every shard is read: a build that did not read them all (an edit) reads them
        when :data:`UNPRUNED` packs may have piled up since the last removal."""
        names = os.listdir(self.store)
        if len(self.read) < SHARDS and len(names) <= self.packs + UNPRUNED:
            return
        self._read(range(SHARDS))
        named = self._named_packs()
        for name in names:
            if name not in named:
                (self.store / name).unlink(missing_ok=True)
        self.packs = len(named)

    def _named_packs(self) -> set[str]:
        """The packs of the store that the entries read name."""
        return {entry.parsed.stored[0] for entry in self.entries.values() if entry.parsed.stored}

    def load(self, folder: Path) -> None:
        """Take the shards saved in ``folder``: each is read when first needed. An edit reads those of the few
        files it parses, and none when the edition is kept (:mod:`site_builder.render.kept`)."""
        self.folder, self.read = folder, set()

    def _read(self, numbers: Iterable[int]) -> None:
        """Read the shards ``numbers`` of :attr:`folder` not read yet, those parsed in this cache's context."""
        for number in numbers:
            if number in self.read:
                continue
            self.read.add(number)
            if self.folder is None:
                continue
            try:
                with (self.folder / f"{number}.pickle").open("rb") as stream:
                    version, context, entries = pickle.load(stream)
            except UNREADABLE:
                self.dirty.add(number)
                continue
            if version == FORMAT and context == self.context:
                self.entries.update(entries)
            else:
                self.dirty.add(number)

    def remembered(self, name: str, key: str, compute: Callable[[], T]) -> T:
        known = self.memos.get(name)
        if known is None or known[0] != key:
            known = self.memos[name] = (key, compute())
        return known[1]

    def __getstate__(self) -> dict:
        # The entries are saved in shards of their own (:meth:`save`): a build rewrites only those that changed.
        return {"context": self.context, "store": self.store, "memos": self.memos, "known": self.known, "packs": self.packs}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["context"], store=state["store"], memos=state["memos"], known=state["known"], packs=state["packs"])


class StoredBody(Body):
    """A body whose blocks the parse cache keeps in its store (:attr:`ParseCache.store`), read each time they
    are asked for: it knows where, for a kept edition (:mod:`site_builder.render.kept`) to say it in a few bytes."""

    def __init__(self, cache: ParseCache, stored: tuple[str, int, int], file: str):
        # Not Body's checks: a kept edition makes one for each of thousands of articles.
        self._blocks, self._cache, self.stored, self.file = None, cache, stored, file

    def _load(self) -> list[Block]:
        return self._cache._blocks(self.stored, self.file)


def _settled(key: str, entry: _Entry, now: int) -> _Entry:
    """``entry``, trusted from ``now`` if its file proves the same (:func:`proven_settled`). Otherwise the next
    build would read and hash it again, and save its shard again."""
    if proven_settled(key, entry.stat, entry.checked, now, lambda data: _sha(data) == entry.sha):
        return entry._replace(checked=now)
    return entry


def unchanged(stat: tuple[int, int, int], checked: int, current: tuple[int, int, int] | None) -> bool:
    """Whether a file whose stat was ``stat`` when checked at ``checked`` (ns) is as it was, its stat being ``current``:
    the same stat, checked long enough after the file was written (:data:`RACY`) that it could not change unseen."""
    return current == stat and checked - stat[0] > RACY


def proven_settled(
    path: str | os.PathLike, stat: tuple[int, int, int], checked: int, now: int, same: Callable[[bytes], bool]
) -> bool:
    """Whether a file whose stat was ``stat`` at ``checked`` (ns), too soon after it was written to trust the stat
    (within :data:`RACY`: a file the converter had just written), can be trusted from ``now`` (taken before the
    file is read): the window has passed, and its stat is the same and its bytes too, by ``same``."""
    if checked - stat[0] > RACY or now - stat[0] <= RACY:
        return False
    try:
        return identity_of(path) == stat and same(Path(path).read_bytes())
    except OSError:
        return False


def _shared_strings(entry: _Entry, strings: dict[str, str]) -> _Entry:
    """``entry`` with each string of its parsed file and front matter replaced by the equal one in ``strings``
    (added if new): a shard pickles a string its entries repeat (an author, a cited title, a key of the front
    matter, a title both as written and as shown) once, and loads it once."""
    parsed = ParsedFile._make(_shared(value, strings) for value in entry.parsed)
    if parsed.document:
        parsed = parsed._replace(document=dataclasses.replace(parsed.document, meta=_shared(parsed.document.meta, strings)))
    return entry._replace(parsed=parsed)


def _shared(value: T, strings: dict[str, str]) -> T:
    """``value`` (strings, numbers, and lists, tuples and dicts of them) with each string replaced by the equal
    one in ``strings``, added if new."""
    kind = type(value)
    if kind is str:
        return strings.setdefault(value, value)
    if kind is list or kind is tuple:
        return kind([_shared(item, strings) for item in value])
    if kind is dict:
        return {_shared(key, strings): _shared(item, strings) for key, item in value.items()}
    return value


SHARDS = 64
"""Files the parsed content is saved in: an edit rewrites one of them, not the whole cache."""

PACK = 32
"""Parsed files whose blocks are kept in one file of the store, at most."""

UNPRUNED = 64
"""Packs of the store that no entry may name, at most, before a build reads every shard to remove them."""


def shard(key: str) -> int:
    """The shard of a content file's entry."""
    return zlib.crc32(key.encode()) % SHARDS


_NOT_KEPT = object()
"""The stamp of a file the standby copy does not hold: equal to none of the output's."""


@dataclass
class RenderCache:
    """The key of every output of the last build; :meth:`reuse` says whether a page can be taken over."""

    keys: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    """Output path → keys (:meth:`SiteKeys.coarse`, :meth:`SiteKeys.page`), as written by the last build."""
    marker: tuple[int, int, int] | None = None
    """Stat of the output's marker file after the last build: the output this cache describes."""
    out: Path | None = None
    salt: str = ""
    new_keys: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    rendered: int = 0
    on_page: Callable[[int], None] | None = None
    trees: Trees = field(default_factory=Trees)
    """The files of the output and of its standby copy, for the writer."""
    search_tokens: dict[str, str] = field(default_factory=dict)
    """Script → the token of the search state that describes the output's search files."""
    new_search_tokens: dict[str, str] = field(default_factory=dict)
    listings: dict[str, Listings] = field(default_factory=dict)
    """Script prefix → what the last build's keys of the site were worked out from: the structure of its edition,
    its settings, its articles' listed keys and digests (:class:`Listings`)."""
    new_listings: dict[str, Listings] = field(default_factory=dict)
    _sites: dict[int, SiteKeys] = field(default_factory=dict)
    _standby: bool = False
    """The build updates the standby copy (:func:`~site_builder.render.writer.standby_ready`)."""

    def describes(self, out: Path) -> bool:
        """Whether ``out`` is the output the last build wrote (not replaced or rebuilt since)."""
        marker = out / MARKER
        return marker.is_file() and identity_of(marker) == self.marker

    def start(self, out: Path, salt: str, on_page: Callable[[int], None] | None = None) -> None:
        """Begin a build into ``out``; outputs are reused only if ``out`` is the one the keys describe."""
        self.out, self.salt, self.on_page = out.resolve(), salt, on_page
        if not self.describes(self.out):
            self.keys, self.trees.live, self.search_tokens = {}, {}, {}
        self._standby = standby_ready(self.trees)
        self.new_keys, self.new_search_tokens, self.new_listings, self.rendered, self._sites = {}, {}, {}, 0, {}

    def reuse(self, site: Site, path: str, template: str, context: Context) -> bool:
        """Whether the current output file of the page at ``path`` (rendered with ``template`` and ``context``)
        can be kept (its key is unchanged); if not, render it."""
        if self.on_page:
            self.on_page(1)
        keys = self._keys(site)
        name = site.script.prefix + path
        old = self.keys.get(name)
        coarse = keys.coarse(path, template, context)
        # Nothing the page shows changed: its finer key neither.
        key = self.new_keys[name] = old if old and old[0] == coarse and not keys.lists_changed(context) else (coarse, keys.page(path, template, context))
        if old and old[1] == key[1] and self._kept(name):
            return True
        self.rendered += 1
        return False

    def kept_articles(self, site: Site) -> dict[int, str]:
        """The articles whose pages the last build wrote as this one would (:meth:`SiteKeys.unchanged_articles`)
        and the output holds: their keys are carried over, their files kept, without a key worked out for each.
        By the article's ``id``, the name of its page's file."""
        prefix, kept = site.script.prefix, {}
        articles = self._keys(site).unchanged_articles()
        names = [prefix + url for url in map(operator.attrgetter("url"), articles)]
        for article, name, old, there in zip(articles, names, map(self.keys.get, names), self._kept_all(names)):
            if old is not None and there:
                self.new_keys[name] = old
                kept[id(article)] = name
        if self.on_page:
            self.on_page(len(kept))
        return kept

    def _keys(self, site: Site) -> SiteKeys:
        keys = self._sites.get(id(site))
        if keys is None:
            keys = self._sites[id(site)] = SiteKeys(site, self.salt, self.listings, self.new_listings)
        return keys

    def _kept(self, name: str) -> bool:
        """Whether the output file ``name`` is there to keep: the standby copy, which the build swaps in, holds
        what the output held (the output may have lost it by hand), or else the output holds it."""
        return self._kept_all([name])[0]

    def _kept_all(self, names: list[str]) -> list[bool]:
        """:meth:`_kept` of each of ``names``, the standby copy asked about them all at once (30,000 articles'
        pages after an edit)."""
        trees = self.trees
        # A file the output does not hold (None) is not the standby's (a number, or _NOT_KEPT).
        kept = itertools.repeat(False)
        if self._standby:
            kept = map(operator.eq, map(trees.live.get, names), map(trees.standby.get, names, itertools.repeat(_NOT_KEPT)))
        return [there or os.path.isfile(f"{self.out}/{name}") for there, name in zip(kept, names)]

    def took_over(self, out: Path, names: list[str]) -> None:
        """Pages ``names`` of ``out`` were written outside a build (:mod:`site_builder.render.edited`): the output
        is still the one described, those pages the next build renders again."""
        self.marker = identity_of(out / MARKER)
        # A new map, not this one changed in place (:attr:`BuildState.saved`).
        taken = set(names)
        self.keys = {name: keys for name, keys in self.keys.items() if name not in taken}

    def finish(self, out: Path) -> None:
        """The build wrote its outputs into ``out``: remember their keys for the next one."""
        self.keys, self.search_tokens, self.marker = self.new_keys, self.new_search_tokens, identity_of(out / MARKER)
        # Those of this build's sites: the listings of scripts the site no longer has are forgotten.
        self.listings, self.new_listings = self.new_listings, {}
        self._sites, self.on_page = {}, None


JOURNALED_SHARE = 1 / 64
"""A build saves what changed in the cache's maps since they were saved whole (:class:`BuildState`) as long as
that is at most this share of their entries; then it saves them whole again."""

_ABSENT = object()
"""The value of a key a map does not hold: equal to none."""

_Changes = dict[str, tuple[dict, list]]
"""Per map (:meth:`BuildState.maps`): its entries added or changed, and the keys of those removed."""


@dataclass
class BuildState:
    """Everything the cache keeps between builds; :meth:`load` and :meth:`save` keep it on disk.

    Most of it is in a few maps (:meth:`maps`) with an entry for each page or article, of which an edit
    changes a few. They are saved whole now and then, beside the rest (the *base*); builds in between save
    the rest, and what changed in the maps since the base (the *journal*): at 30,000 articles an edit then
    writes 0.6 MB instead of 10 MB. The journal names its base: one left from an earlier base is not read."""

    files: ParseCache = field(default_factory=ParseCache)
    renders: RenderCache = field(default_factory=RenderCache)
    inputs: str = ""
    """Fingerprint of every input at the end of the last successful build."""
    counts: tuple[int, int, int] = (0, 0, 0)
    """Pages, files and articles of the last build, for the report of a build that had nothing to do."""
    path: Path | None = None
    base: str | None = field(default=None, repr=False)
    """The name of the base this state was loaded from or saved as, if any."""
    journal: _Changes = field(default_factory=dict, repr=False)
    """What changed in the maps since the base, as loaded or saved."""
    saved: dict[str, dict] = field(default_factory=dict, repr=False)
    """The maps as loaded or saved. A build replaces a map it changes (it makes a new one), never changes one in
    place: a map that is still the one saved has not changed (:func:`_changes`)."""

    def maps(self) -> dict[str, dict]:
        """The state's large maps, by name: the keys of the output's pages, the stamps of its files and of its
        standby's, and per script the articles' listed keys and digests."""
        renders = self.renders
        maps = {"keys": renders.keys, "live": renders.trees.live, "standby": renders.trees.standby}
        for prefix, listings in renders.listings.items():
            maps[f"listed {prefix}"], maps[f"digests {prefix}"] = listings.listed_keys, listings.digests
        return maps

    def _rest(self) -> BuildState:
        """This state with its maps empty: what every save writes whole (some 600 kB at 30,000 articles)."""
        renders, empty = self.renders, {}
        trees = dataclasses.replace(renders.trees, live=empty, standby=empty)
        listings = {prefix: listings._replace(listed_keys=empty, digests=empty) for prefix, listings in renders.listings.items()}
        renders = dataclasses.replace(renders, keys=empty, new_keys=empty, trees=trees, listings=listings)
        return BuildState(self.files, renders, self.inputs, self.counts)

    def _fill(self, maps: dict[str, dict]) -> None:
        """Put the ``maps`` in this state, whose maps are empty (:meth:`_rest`)."""
        renders = self.renders
        renders.keys, renders.trees.live, renders.trees.standby = maps["keys"], maps["live"], maps["standby"]
        renders.listings = {
            prefix: listings._replace(listed_keys=maps[f"listed {prefix}"], digests=maps[f"digests {prefix}"])
            for prefix, listings in renders.listings.items()
        }

    @classmethod
    def load(cls, path: Path) -> BuildState:
        try:
            with path.open("rb") as stream:
                version, name, state, maps = pickle.load(stream)
            if version != FORMAT or not isinstance(state, BuildState):
                raise ValueError("another format")
            journal = _read_journal(_journal(path), name)
            changes: _Changes = {}
            if journal is not None:
                state, changes = journal
                for key, (changed, removed) in changes.items():
                    entries = maps.setdefault(key, {})
                    for gone in removed:
                        entries.pop(gone, None)
                    entries.update(changed)
            state._fill(maps)
        except UNREADABLE:
            return cls(path=path)
        state.path, state.base, state.journal, state.saved = path, name, changes, state.maps()
        state.files.load(_parsed(path))
        return state

    @staticmethod
    def unchanged(path: Path, inputs: str, out: Path) -> tuple[int, int, int] | None:
        """The counts of the last build if its inputs were ``inputs`` and ``out`` is still its output, from the
        summary saved beside the cache (:meth:`save`); ``None`` otherwise."""
        try:
            with _summary(path).open("rb") as stream:
                version, last, counts, marker = pickle.load(stream)
        except UNREADABLE:
            return None
        marker_path = out / MARKER
        if version == FORMAT and last == inputs and marker_path.is_file() and identity_of(marker_path) == marker:
            return counts
        return None

    def save_aside(self) -> None:
        """Begin writing the parsed files now, beside the build, when many changed (:meth:`ParseCache.save_aside`)."""
        if self.path is not None:
            self.files.save_aside(_parsed(self.path))

    def save(self) -> None:
        """Write the cache atomically (a killed save leaves the old cache), then its summary: the journal, or
        else the base (see the class).

        The summary names the output it describes (its marker): a summary left from an older build
        never matches the output of a newer one."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(self.path.parent)
        self.files.save(_parsed(self.path))
        maps, rest = self.maps(), self._rest()
        journal = _merged(self.journal, _changes(self.saved, maps)) if self.base else None
        if journal is not None and _count(journal) <= JOURNALED_SHARE * sum(map(len, maps.values())):
            _dump(_journal(self.path), (FORMAT, self.base, rest, journal))
        else:
            name, journal, maps = os.urandom(8).hex(), {}, _shared_keys(maps)
            _dump(self.path, (FORMAT, name, rest, maps))
            _journal(self.path).unlink(missing_ok=True)
            self.base = name
            self._fill(maps)
        self.journal, self.saved = journal, maps
        _dump(_summary(self.path), (FORMAT, self.inputs, self.counts, self.renders.marker))
        if self.files.unsaved:
            error, self.files.unsaved = self.files.unsaved, None
            raise SiteBuilderError(f"the site is built, but the parsed files could not be saved in the cache ({error}): "
                                   "the next build reads them all again")


def _changes(saved: dict[str, dict], maps: dict[str, dict]) -> _Changes:
    """What changed in each of ``maps`` since they were ``saved`` (those not replaced since, nothing), compared in C:
    some 2 ms for each of 30,000 entries."""
    changes = {}
    for name, entries in maps.items():
        before = saved.get(name, {})
        if entries is before:
            continue
        differ = map(operator.ne, map(before.get, entries, itertools.repeat(_ABSENT)), entries.values())
        changed = dict(itertools.compress(entries.items(), differ))
        # Keys are gone only if the map lost more than it gained: most saves need no set of every key.
        added = sum(1 for key in changed if key not in before)
        removed = list(before.keys() - entries.keys()) if len(before) + added > len(entries) else []
        changes[name] = changed, removed
    return changes


def _merged(journal: _Changes, changes: _Changes) -> _Changes:
    """The ``journal`` of changes since the base, followed by ``changes``."""
    merged = dict(journal)
    for name, (changed, removed) in changes.items():
        before, gone = journal.get(name, ({}, []))
        removed = set(removed)
        after = {key: value for key, value in before.items() if key not in removed}
        after.update(changed)
        merged[name] = after, [key for key in removed.union(gone) if key not in changed]
    return merged


def _count(changes: _Changes) -> int:
    return sum(len(changed) + len(removed) for changed, removed in changes.values())


def _read_journal(path: Path, base: str) -> tuple[BuildState, _Changes] | None:
    """The rest of the state and the changes of its maps saved in the journal ``path`` since the base named ``base``;
    ``None`` when there are none (no journal, or one of another base)."""
    try:
        with path.open("rb") as stream:
            version, name, state, changes = pickle.load(stream)
    except FileNotFoundError:
        return None
    if version != FORMAT or not isinstance(state, BuildState):
        raise ValueError("another format")
    return (state, changes) if name == base else None


def _shared_keys(maps: dict[str, dict]) -> dict[str, dict]:
    """``maps`` with each key the same string in all of them (most pages are both in the output and in its
    standby): pickled and loaded once."""
    keys: dict[str, str] = {}
    return {name: {keys.setdefault(key, key): value for key, value in entries.items()} for name, entries in maps.items()}


def _journal(path: Path) -> Path:
    return path.with_suffix(".journal")


def _summary(path: Path) -> Path:
    return path.with_suffix(".inputs")


def _parsed(path: Path) -> Path:
    """The folder of the shards of parsed content beside the cache ``path``."""
    return path.with_suffix(".parsed")


def blocks_folder(path: Path) -> Path:
    """The folder of the parsed files' blocks (:attr:`ParseCache.store`) beside the cache ``path``."""
    return path.with_suffix(".blocks")


def _remove_leftovers(folder: Path) -> None:
    """Remove what a save that was killed left in ``folder``: the temporary files (:func:`_dump`) of processes
    that are gone. Not those of a save in progress: builds of other outputs share the folder."""
    for leftover in folder.glob(".tmp-*"):
        pid = leftover.name.split("-")[1]
        if not pid.isdigit() or not _running(int(pid)):
            leftover.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's
    return True


def _dump(path: Path, value: object) -> None:
    """Pickle ``value`` to ``path`` atomically."""
    with replacing(path) as stream:
        pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)


@contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A new file to write, which replaces ``path`` once written whole; a temporary file of the cache's folder
    until then, which :func:`_remove_leftovers` removes should the process be killed."""
    fd, temp = tempfile.mkstemp(prefix=f".tmp-{os.getpid()}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def standby_folder(state: Path, out: Path) -> Path | None:
    """Where the standby copy of ``out`` is kept, beside the cache ``state``; ``None`` when the two are on
    different file systems (the copy must be swapped with the output in one step)."""
    try:
        if os.stat(state.parent).st_dev == os.stat(out.resolve().parent).st_dev:
            return state.with_suffix(".standby")
    except OSError:
        pass
    return None


def state_path(content: Path, out: Path, config_path: Path) -> Path:
    """The cache file of one build setup: ``.cache/site-builder/<hash>.pickle`` next to the configuration."""
    name = digest(str(content.resolve()), str(out.resolve()), str(config_path.resolve()))[:16]
    return config_path.resolve().parent / ".cache" / "site-builder" / f"{name}.pickle"


def code_fingerprint() -> str:
    """site-builder's own code and tables: a cache written by other code is not trusted."""
    code = [entry for entry in _files(str(PACKAGE)) if os.path.splitext(entry.name)[1] in (".py", ".yml")]
    return digest([(entry.path, identity(entry.stat())[:2]) for entry in code])
