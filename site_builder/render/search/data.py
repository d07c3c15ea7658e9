"""The search files of an edition: built whole, streamed, or updated from the state the previous build left.

Articles are indexed in blocks of :data:`BLOCK_ARTICLES`. A full build
indexes each block, writes its text files and puts its postings, sorted by
bucket, in a scratch file; then it merges the blocks' postings one group of
:data:`GROUP_BUCKETS` buckets at a time and writes each shard as soon as its
last bucket is done, so that neither the postings nor the files are ever all
in memory. A large edition's blocks are indexed, then its groups merged, in
a worker process per core, each block's postings in its worker's scratch
file. An update re-indexes the blocks of the articles whose digest changed,
and rewrites only the buckets whose hash in such a block changed: their
entries are decoded, the block's postings replaced, and encoded again.
"""

from __future__ import annotations

import hashlib
import json
import os
import string
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from site_builder.model import Article, Edition
from site_builder.parallel import PARALLEL, ForkStream, workers
from site_builder.render.search import FOLDER
from site_builder.render.search.encoding import (
    BUCKETS,
    SHARD_BYTES,
    TEXT_CHUNK,
    author_entry,
    bucket_texts,
    buckets_of,
    call,
    decode_entries,
    fold_table,
    load_tables,
    postings,
    segments,
    shard_end,
    shard_starts,
)
from site_builder.render.search.state import StaleState, State, StateWriter, digest, load_state

BLOCK_ARTICLES = 64
"""Articles indexed together (a multiple of :data:`TEXT_CHUNK`): an edit re-indexes its block, in some 20 ms."""

GROUP_BUCKETS = 16
"""Buckets merged at once in a full build, and per file of the state: a 256th of the postings (some 10 MB to merge)."""

SEGMENT_BITS = 26
"""Bits of the segment in a packed posting, ``bigram << 32 | article in its block << 26 | segment``."""

KEY_BYTES = 20
"""Bytes of an article's digest (SHA-1)."""


@dataclass
class SearchIndex:
    """The search files of an edition: site path → JavaScript in UTF-8 (bytes: Chinese text takes half the memory of a str)."""

    files: dict[str, bytes]
    postings: int
    """(article, segment) pairs indexed: the index's size in entries."""

    @property
    def shard_count(self) -> int:
        return sum(1 for name in self.files if name.startswith(f"{FOLDER}/shards/"))


def build_index(edition: Edition, shard_bytes: int = SHARD_BYTES) -> SearchIndex:
    """Every search file of ``edition`` in memory (tests and benchmarks; a build streams :meth:`SearchData.files`)."""
    data = SearchData(None, shard_bytes)
    files = {name: content for name, content in data.files(edition) if content is not None}
    return SearchIndex(files, data.postings)


@dataclass
class IndexedBlock:
    """The postings of a block of articles, packed (:data:`SEGMENT_BITS`) and sorted by bucket, bigram, article, segment."""

    start: int
    """The number of the block's first article."""
    packed: np.ndarray
    bounds: np.ndarray
    """Where each bucket's postings start in ``packed``, and where the last one's end."""
    hashes: np.ndarray
    """Per bucket, the sum of the mixed packed postings: equal sums, equal postings (but for a 2**-64 chance)."""
    characters: np.ndarray
    """The BMP characters of the block's text, as bits."""
    articles: list[Article]
    segments: list[list[tuple[str, str]]]
    """Each article's :func:`segments`, for its text file."""

    def unpack(self, chosen: np.ndarray | slice = slice(None)) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return unpack(self.packed[chosen], self.start)

    @property
    def chunks(self) -> range:
        """The numbers of the text files of the block's articles."""
        return range(self.start // TEXT_CHUNK, -(-(self.start + len(self.articles)) // TEXT_CHUNK))

    def text_file(self, chunk: int) -> bytes:
        """The text file of the articles of chunk number ``chunk``, one of :attr:`chunks`."""
        first = chunk * TEXT_CHUNK - self.start
        entries = [{"u": article.url, "t": article.display_title, "a": [a.name for a in article.authors],
                    "s": [[anchor, text] for anchor, text in parts[2:]]}
                   for article, parts in zip(self.articles[first : first + TEXT_CHUNK], self.segments[first : first + TEXT_CHUNK])]
        return call("__searchTexts", chunk, entries)


def text_file_name(chunk: int) -> str:
    return f"{FOLDER}/texts/{chunk}.js"


def shard_file_name(number: int) -> str:
    return f"{FOLDER}/shards/{number}.js"


def author_file_name(letter: str) -> str:
    return f"{FOLDER}/authors/{letter}.js"


INDEX_FILE = f"{FOLDER}/index.js"


def unpack(packed: np.ndarray, start: int | np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Packed postings of a block starting at article ``start`` as their bigrams, articles and segments."""
    halves = packed.view(np.uint32).reshape(-1, 2)
    high, low = (halves[:, 1], halves[:, 0]) if np.little_endian else (halves[:, 0], halves[:, 1])
    return high.copy(), (low >> SEGMENT_BITS).astype(np.int32) + start, (low & ((1 << SEGMENT_BITS) - 1)).astype(np.int32)


def index_block(articles: list[Article], start: int) -> IndexedBlock:
    """The postings of ``articles``, the edition's from number ``start`` on (a block); their text files when asked for."""
    found = [segments(article) for article in articles]
    present = np.zeros(0x110000, dtype=bool)
    keys = postings([text for parts in found for _, text in parts], present)
    counts = [len(parts) for parts in found]
    article_of = np.repeat(np.arange(len(found), dtype=np.uint64), counts)
    segment_of = np.concatenate([np.arange(count, dtype=np.uint64) for count in counts]) if found else article_of
    text = keys & 0xFFFFFFFF
    packed = keys >> 32 << 32 | article_of[text] << SEGMENT_BITS | segment_of[text]
    owners = buckets_of(keys >> 32).astype(np.uint16)
    # Stable: each bucket's postings stay sorted by bigram, article and segment (NumPy sorts 16 bits by radix).
    order = np.argsort(owners, kind="stable")
    packed, owners = packed[order], owners[order]
    bounds = np.searchsorted(owners, np.arange(BUCKETS + 1))
    hashes = np.zeros(BUCKETS, dtype=np.uint64)
    used = np.flatnonzero(bounds[1:] > bounds[:-1])
    if len(used):
        hashes[used] = np.add.reduceat(_mix(packed), bounds[used])
    return IndexedBlock(start, packed, bounds, hashes, np.packbits(present[:0x10000]), articles, found)


@dataclass
class SpilledBlock:
    """What a full build keeps of an indexed block once its postings are in a scratch file."""

    hashes: np.ndarray
    characters: np.ndarray
    cuts: np.ndarray
    """Where the postings of each group of :data:`GROUP_BUCKETS` buckets start in the scratch file, and where
    the last group's end, in postings."""
    text_files: list[tuple[int, bytes]]
    """(chunk, text file) of the block's articles."""


def _mix(values: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each value (SplitMix64's finalizer), so that sums of them tell sets of values apart."""
    values = values ^ (values >> np.uint64(30))
    values *= np.uint64(0xBF58476D1CE4E5B9)
    values ^= values >> np.uint64(27)
    values *= np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def article_keys(articles: list[Article], salt: str = "") -> tuple[np.ndarray, str]:
    """Per article, the digest of everything it gives the search files (URL, title, authors, abstract, blocks),
    and the digest of the URLs in order, which tells one set and order of articles from another.

    An article with a :attr:`~Article.digest` (of its file) counts by it and its URL: its file gives all the rest,
    which then need not be read (the blocks) or joined (10,000 titles and abstracts, after each edit). ``salt``
    then stands for whatever else makes its text (the script, its conversion tables, the names it protects)."""
    keys = bytearray()
    urls = [article.url for article in articles]
    for article, url in zip(articles, urls):
        if article.digest:
            text = f"{salt}\0{article.digest}\0{url}"
        else:
            body = [f"{b.anchor}\0{b.text}" for b in article.blocks]
            text = "\0".join([f"{len(article.authors)} {len(body)}", url, article.title, article.untitled, article.abstract,
                              *[a.name for a in article.authors], *body])
        keys += hashlib.sha1(text.encode("utf-16-le", "surrogatepass"), usedforsecurity=False).digest()
    return np.frombuffer(bytes(keys), dtype=np.uint8).reshape(len(articles), KEY_BYTES), digest("\n".join(urls).encode())


def text_fingerprint(keys: np.ndarray, chunk: int) -> str:
    """What the state keeps of a text file instead of its digest: the digest of its articles' :func:`article_keys`,
    which is cheaper than digesting its bytes (the text files are most of the index)."""
    return digest(keys[chunk * TEXT_CHUNK : (chunk + 1) * TEXT_CHUNK])


def author_files(edition: Edition) -> tuple[str, Iterator[tuple[str, bytes]]]:
    """The digest of what the author files hold, and the files, made only when asked for (pinyin costs)."""
    numbers = {id(article): n for n, article in enumerate(edition.articles)}
    listed = [[author.name, author.url, [numbers[id(a)] for a in author.articles]] for author in edition.authors]

    def files() -> Iterator[tuple[str, bytes]]:
        entries = [author_entry(a, numbers) for a in edition.authors]
        for letter in string.ascii_lowercase:
            yield author_file_name(letter), call("__searchAuthors", letter, [e for e in entries if e[2][:1] == letter])

    return digest(json.dumps(listed, ensure_ascii=False).encode()), files()


def index_file(articles: int, starts: list[int], characters: np.ndarray) -> bytes:
    """``index.js``: the article count, the shards' first buckets and the fold table of ``characters`` (bits)."""
    present = np.flatnonzero(np.unpackbits(characters)).astype("<u2").tobytes().decode("utf-16-le", "surrogatepass")
    table = fold_table([present])
    return call("__searchIndex", {"articles": articles, "chunk": TEXT_CHUNK, "buckets": BUCKETS, "starts": starts,
                                  "fold": ["".join(table), "".join(table.values())]})


def shard_file(number: int, entries: bytes) -> bytes:
    # What json.dumps would write: the entries hold no character it escapes.
    return b'__searchShard(%d,"%s");\n' % (number, entries)


def bucket_major(bigrams: np.ndarray) -> np.ndarray:
    """The stable order that sorts ``bigrams`` by bucket, then by bigram (by radix, on small numbers of runs)."""
    starts = np.append(0, np.flatnonzero(bigrams[1:] != bigrams[:-1]) + 1) if len(bigrams) else np.zeros(0, np.int64)
    runs = bigrams[starts].astype(np.uint64)
    ranks = buckets_of(runs).astype(np.uint64) << np.uint64(32) | runs
    table = np.unique(ranks)
    ids = np.searchsorted(table, ranks).astype(np.uint16 if len(table) <= 1 << 16 else np.uint32)
    return np.argsort(np.repeat(ids, np.diff(np.append(starts, len(bigrams)))), kind="stable")


def merge_group(sources: list[int], begins: np.ndarray, ends: np.ndarray, group: int) -> list[bytes]:
    """The entries of each bucket of ``group``, from every block's postings: block n's are in the scratch file
    ``sources[n]`` from posting ``begins[n]`` to ``ends[n]``."""
    counts = ends - begins
    packed = np.empty(int(counts.sum()), dtype=np.uint64)
    at = 0
    for source, begin, count in zip(sources, begins.tolist(), counts.tolist()):
        os.preadv(source, [packed[at : at + count]], 8 * begin)
        at += count
    bigrams, articles, places = unpack(packed, np.repeat(np.arange(len(counts), dtype=np.int32) * BLOCK_ARTICLES, counts))
    del packed
    order = bucket_major(bigrams)
    owners, texts = bucket_texts(bigrams[order], articles[order], places[order])
    entries = [b""] * GROUP_BUCKETS
    for owner, text in zip(owners.tolist(), texts):
        entries[owner - group * GROUP_BUCKETS] = text
    return entries


class Outputs:
    """What the new state keeps of each search file given out (its :func:`digest`, or a text file's
    :func:`text_fingerprint`); a file the previous build wrote alike is given out as ``None``."""

    def __init__(self, previous: dict[str, str]):
        self.previous = previous
        self.fingerprints: dict[str, str] = {}

    def out(self, name: str, content: bytes, fingerprint: str | None = None) -> tuple[str, bytes | None]:
        self.fingerprints[name] = fingerprint or digest(content)
        return name, None if self.previous.get(name) == self.fingerprints[name] else content

    def unchanged(self, name: str) -> tuple[str, None]:
        """A file of the previous build, which this one did not make again."""
        self.fingerprints[name] = self.previous[name]
        return name, None


class SearchData:
    """The search files of an edition; the state of the last build is kept in ``folder`` (``None``: none kept).

    ``postings`` is the number of (article, segment) pairs indexed, once :meth:`files` is exhausted.
    """

    def __init__(self, folder: Path | None, shard_bytes: int = SHARD_BYTES, salt: str = "", token: str | None = None):
        """``salt``: a fingerprint of what turns an article's file into the text indexed (see :func:`article_keys`).
        ``token``: that of the state the caller knows to describe its files (a build that was stopped before its
        files were in place may have committed a newer one); ``None``: whichever is in ``folder``.
        :attr:`token` is the new state's once :meth:`files` is exhausted."""
        self.folder = folder
        self.shard_bytes = shard_bytes
        self.salt = salt
        self.token = token
        self.postings = 0

    def files(self, edition: Edition) -> Iterator[tuple[str, bytes | None]]:
        """Every search file (site path below the site root, e.g. ``search/shards/3.js``) with its content, or
        ``None`` when its bytes are those the previous build wrote under that name. Saves the new state when exhausted."""
        if not self.folder:
            yield from self._build(edition, None, None)
            return
        state = load_state(self.folder, GROUP_BUCKETS, self.token)
        keys, order = article_keys(edition.articles, self.salt)
        if state and state.manifest["order"] == order and state.arrays["keys"].shape == keys.shape:
            try:
                files, save = self._update(edition, keys, state)
            except StaleState:
                pass
            else:
                yield from files
                save()
                return
        yield from self._build(edition, (keys, order), state)

    def _build(self, edition: Edition, keys: tuple[np.ndarray, str] | None, state: State | None) -> Iterator[tuple[str, bytes | None]]:
        """Every file made anew; ``keys`` (:func:`article_keys`) when a state is to be saved, ``state`` the previous one.

        A large edition's blocks are indexed, then its groups merged, in worker processes (:class:`ForkStream`):
        each worker puts the postings of its blocks in a scratch file of its own, which the merge reads."""
        articles = edition.articles
        writer = StateWriter(self.folder) if self.folder else None
        outputs = Outputs(state.files if state else {})

        def out(name: str, content: bytes, fingerprint: str | None = None) -> tuple[str, bytes | None]:
            return outputs.out(name, content, fingerprint) if writer else (name, content)

        blocks = range(0, len(articles), BLOCK_ARTICLES)
        processes = min(workers(), len(blocks)) if len(articles) >= PARALLEL else 1
        hashes = np.zeros((len(blocks), BUCKETS), dtype=np.uint64)
        characters = np.zeros((len(blocks), 0x10000 // 8), dtype=np.uint8)
        cuts = np.zeros((len(blocks), BUCKETS // GROUP_BUCKETS + 1), dtype=np.int64)
        load_tables()
        with ExitStack() as opened:
            # Block n's postings go to scratch file n % processes, which only the process indexing it writes.
            scratches = [opened.enter_context(tempfile.TemporaryFile(dir=self.folder)) for _ in range(processes)]

            def spill(start: int) -> SpilledBlock:
                block = index_block(articles[start : start + BLOCK_ARTICLES], start)
                scratch = scratches[start // BLOCK_ARTICLES % processes]
                at = scratch.tell() // 8
                scratch.write(block.packed)
                scratch.flush()  # a worker ends without flushing its files
                return SpilledBlock(block.hashes, block.characters, at + block.bounds[::GROUP_BUCKETS],
                                    [(chunk, block.text_file(chunk)) for chunk in block.chunks])

            with ForkStream(spill, blocks, processes) as indexed:
                for number, block in enumerate(indexed):
                    for chunk, content in block.text_files:
                        yield out(text_file_name(chunk), content, keys and text_fingerprint(keys[0], chunk))
                    hashes[number], characters[number], cuts[number] = block.hashes, block.characters, block.cuts
            self.postings = int((cuts[:, -1] - cuts[:, 0]).sum())
            sources = [scratches[number % processes].fileno() for number in range(len(blocks))]

            def merge(group: int) -> tuple[list[bytes], list[str] | None]:
                texts = merge_group(sources, cuts[:, group], cuts[:, group + 1], group)
                return texts, writer and writer.group(group, b"".join(texts))

            sizes: list[int] = []
            pending: list[bytes] = []
            starts = [0]
            groups = []
            with ForkStream(merge, range(BUCKETS // GROUP_BUCKETS), processes) as merged:
                authors, files_of_authors = author_files(edition)
                author_texts = list(files_of_authors)  # made here while the workers merge
                for texts, group_file in merged:
                    sizes.extend(map(len, texts))
                    pending.extend(texts)
                    groups.append(group_file)
                    while (end := shard_end(sizes, starts[-1], self.shard_bytes)) < len(sizes):
                        yield out(shard_file_name(len(starts) - 1), shard_file(len(starts) - 1, b"".join(pending[: end - starts[-1]])))
                        del pending[: end - starts[-1]]
                        starts.append(end)
            yield out(shard_file_name(len(starts) - 1), shard_file(len(starts) - 1, b"".join(pending)))
        for name, content in author_texts:
            yield out(name, content)
        yield out(INDEX_FILE, index_file(len(articles), starts, np.bitwise_or.reduce(characters, axis=0)))
        if writer:
            arrays = {"keys": keys[0], "hashes": hashes, "characters": characters, "sizes": np.array(sizes, dtype=np.int64)}
            writer.commit({"order": keys[1], "postings": self.postings, "authors": authors, "starts": starts,
                           "files": outputs.fingerprints, "groups": groups,
                           "arrays": {name: writer.array(name, array) for name, array in arrays.items()}})
            self.token = writer.token

    def _update(self, edition: Edition, keys: np.ndarray, state: State) -> tuple[list[tuple[str, bytes | None]], Callable[[], None]]:
        """The files of ``edition`` made from ``state`` and the articles that changed since, and what saves the new state.

        Everything read from the state is read here, before any file is given out: a file of the state that
        is not what its manifest says (:class:`StaleState`) can still turn this into a full build."""
        articles = edition.articles
        hashes = np.array(state.arrays["hashes"])
        characters = np.array(state.arrays["characters"])
        sizes = np.array(state.arrays["sizes"])
        changed = np.flatnonzero((keys != state.arrays["keys"]).any(axis=1))
        buckets: dict[int, bytes] = {}
        made: dict[str, bytes] = {}
        fingerprints: dict[str, str] = {}
        postings_count = state.manifest["postings"]

        def entries(first: int, end: int) -> bytes:
            """The entries of buckets ``first`` to ``end``: as rewritten here, or as the state keeps them."""
            return b"".join(buckets[k] if k in buckets else state.bucket(k) for k in range(first, end))

        for start in sorted({int(n) // BLOCK_ARTICLES * BLOCK_ARTICLES for n in changed}):
            block = index_block(articles[start : start + BLOCK_ARTICLES], start)
            number = start // BLOCK_ARTICLES
            moved = np.flatnonzero(block.hashes != hashes[number]).tolist()
            hashes[number], characters[number] = block.hashes, block.characters
            for chunk in sorted({int(n) // TEXT_CHUNK for n in changed if start <= n < start + BLOCK_ARTICLES}):
                made[text_file_name(chunk)] = block.text_file(chunk)
                fingerprints[text_file_name(chunk)] = text_fingerprint(keys, chunk)
            if not moved:
                continue
            old = decode_entries(b"".join(entries(k, k + 1) for k in moved))
            kept = (old[1] < start) | (old[1] >= start + BLOCK_ARTICLES)
            new = block.unpack(np.concatenate([np.arange(block.bounds[k], block.bounds[k + 1]) for k in moved]))
            bigrams, found, places = (np.concatenate((before[kept], after)) for before, after in zip(old, new))
            postings_count += len(new[0]) - int((~kept).sum())
            order = np.lexsort((places, found, buckets_of(bigrams).astype(np.uint64) << np.uint64(32) | bigrams))
            owners, texts = bucket_texts(bigrams[order], found[order], places[order])
            buckets.update(dict.fromkeys(moved, b""))
            buckets.update(zip(owners.tolist(), texts))
        for bucket, text in buckets.items():
            sizes[bucket] = len(text)
        starts = shard_starts(sizes.tolist(), self.shard_bytes)
        old_starts = state.manifest["starts"]
        for number, (first, end) in enumerate(zip(starts, [*starts[1:], BUCKETS])):
            same_range = old_starts[number : number + 2] == starts[number : number + 2]
            if not same_range or any(bucket in buckets for bucket in range(first, end)):
                made[shard_file_name(number)] = shard_file(number, entries(first, end))
        authors, author_texts = author_files(edition)
        if authors != state.manifest["authors"]:
            made.update(author_texts)
        made[INDEX_FILE] = index_file(len(articles), starts, np.bitwise_or.reduce(characters, axis=0))
        outputs = Outputs(state.files)
        files = []
        for name in self._names(len(articles), len(starts)):
            if name in made:
                files.append(outputs.out(name, made[name], fingerprints.get(name)))
            elif name in state.files:
                files.append(outputs.unchanged(name))
            else:
                raise StaleState(name)
        groups = list(state.manifest["groups"])
        group_texts = {group: entries(group * GROUP_BUCKETS, (group + 1) * GROUP_BUCKETS)
                       for group in sorted({bucket // GROUP_BUCKETS for bucket in buckets})}
        self.postings = postings_count

        def save() -> None:
            writer = StateWriter(self.folder)
            for group, text in group_texts.items():
                groups[group] = writer.group(group, text)
            arrays = {"keys": keys, "hashes": hashes, "characters": characters, "sizes": sizes}
            writer.commit({**state.manifest, "postings": postings_count, "authors": authors, "starts": starts,
                           "files": outputs.fingerprints, "groups": groups,
                           "arrays": {name: writer.array(name, array, state) for name, array in arrays.items()}})
            self.token = writer.token

        return files, save

    @staticmethod
    def _names(articles: int, shards: int) -> list[str]:
        """Every search file of an edition of ``articles`` articles in ``shards`` shards, in the order they are made."""
        return [*map(text_file_name, range(-(-articles // TEXT_CHUNK))), *map(shard_file_name, range(shards)),
                *map(author_file_name, string.ascii_lowercase), INDEX_FILE]
