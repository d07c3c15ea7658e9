// Full-text search over the files in search/ (written by site_builder/render/search.py).
// They are loaded with <script> tags, never fetched, so search works from disk too.
(function () {
  "use strict";
  var self = document.currentScript;
  var base = self.dataset.index.replace(/index\.js$/, "");
  var root = self.dataset.root;
  var DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$_";
  var INDEXED = /[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;  // a character of the index's keys: 人, a, 2
  var PINYIN = /^[a-z]{2,}$/;  // a folded term that may be an author's pinyin: trf, tanrong
  var BATCH = 10;
  var SNIPPET = 110;
  var PATIENCE = 150;  // ms a search runs before the page says it is searching
  var SEGMENT = 65536;  // postings are numbers: article × SEGMENT + segment

  var form = document.querySelector(".search-form");
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var authorBox = document.getElementById("search-authors");
  var more = document.getElementById("search-more");
  var say = status.dataset;  // the page's messages, in its script

  function message(name, values) {
    return say[name].replace(/\{(\w+)\}/g, function (all, key) { return values[key]; });
  }

  var index = null, folding = null, shards = {}, texts = {}, folded = {}, postings = {}, authors = {};
  var loading = {};
  var value = new Int8Array(128);  // a digit's character code → its value
  for (var d = 0; d < DIGITS.length; d++) { value[DIGITS.charCodeAt(d)] = d; }

  window.__searchIndex = function (data) {
    index = data;
    var table = {};
    for (var i = 0; i < data.fold[0].length; i++) { table[data.fold[0][i]] = data.fold[1][i]; }
    folding = { table: table, pattern: new RegExp("[A-Z\\uff01-\\uff5e" + data.fold[0] + "]", "g") };
  };
  window.__searchShard = function (n, data) { shards[n] = data; };
  window.__searchTexts = function (chunk, list) {
    list.forEach(function (data, i) { texts[chunk * index.chunk + i] = data; });
  };
  window.__searchAuthors = function (letter, data) { authors[letter] = data; };

  function load(path) {
    if (!loading[path]) {
      loading[path] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = base + path;
        script.onload = resolve;
        script.onerror = function () { delete loading[path]; reject(new Error(base + path)); };
        document.head.appendChild(script);
      });
    }
    return loading[path];
  }

  // The same fold as the index: Traditional → Simplified, full width → ASCII, Latin lower case; one character for one.
  function fold(text) {
    return text.replace(folding.pattern, function (c) {
      var code = c.charCodeAt(0);
      if (code >= 0xff01) { c = String.fromCharCode(code - 0xfee0); }
      return folding.table[c] || c.toLowerCase();
    });
  }

  function shardOf(gram) {
    var bucket = (gram.charCodeAt(0) * 131 + gram.charCodeAt(1)) % index.buckets;
    var low = 0, high = index.starts.length - 1;
    while (low < high) {
      var mid = (low + high + 1) >> 1;
      if (index.starts[mid] <= bucket) { low = mid; } else { high = mid - 1; }
    }
    return low;
  }

  // Postings in a typed array, as many as the text may hold at most (a digit each): a common bigram has
  // a hundred thousand, which a growing array would copy again and again.
  // One loop without calls: a fresh page runs it before the engine has compiled it, when a call costs most.
  function decode(text) {
    var out = new Float64Array(text.length), count = 0, article = -1, segment = 0, i = 0, n = text.length;
    var v = 0, digit = 0, opened = false;
    while (i < n) {
      digit = value[text.charCodeAt(i++)];
      v = v * 32 + (digit & 31);
      if (digit >= 32) { continue; }  // a digit that carries on
      if (opened) {  // the segment that follows a new article
        segment = v;
        opened = false;
      } else if (v % 2) {  // a new article: its first segment follows
        article += (v - 1) / 2;
        opened = true;
        v = 0;
        continue;
      } else {
        segment += v / 2;
      }
      out[count++] = article * SEGMENT + segment;
      v = 0;
    }
    return out.subarray(0, count);
  }

  // A shard is ",gram:postings,gram:postings…"; postings hold neither "," nor ":".
  function postingsOf(gram) {
    if (!postings[gram]) {
      var shard = shards[shardOf(gram)], at = shard.indexOf("," + gram + ":"), end = shard.indexOf(",", at + 1);
      postings[gram] = at < 0 ? new Float64Array(0) : decode(shard.slice(at + gram.length + 2, end < 0 ? shard.length : end));
    }
    return postings[gram];
  }

  function intersect(a, b) {
    var out = new Float64Array(Math.min(a.length, b.length)), count = 0, i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) { i++; } else if (a[i] > b[j]) { j++; } else { out[count++] = a[i]; i++; j++; }
    }
    return out.subarray(0, count);
  }

  // Adjacent indexed pairs; every other one is enough to find candidates, the text then decides.
  function grams(term) {
    var all = [];
    for (var i = 0; i + 1 < term.length; i++) {
      if (INDEXED.test(term[i]) && INDEXED.test(term[i + 1])) { all.push(term.substr(i, 2)); }
    }
    return all.filter(function (gram, i) { return i % 2 === 0 || i === all.length - 1; });
  }

  function parse(query) {
    var seen = {};
    return fold(query).split(/\s+/).filter(function (text) {
      return text && !seen[text] && (seen[text] = true);
    }).map(function (text) { return { text: text, grams: grams(text), pinyin: PINYIN.test(text) }; });
  }

  function pinyinAuthors(term) {
    return authors[term[0]].filter(function (a) {
      return a[1] === term || (term.length >= 3 && a[2].indexOf(term) === 0);
    });
  }

  // Articles where every term may occur, best guesses first (a title or author hit counts most). Scores are
  // kept by article number in typed arrays (0: not a candidate): a common word has thousands of candidates.
  function candidates(terms) {
    var scores = null, a;
    terms.forEach(function (term) {
      if (!term.grams.length && !term.pinyin) { return; }
      // The shortest lists first: each step then walks fewer postings.
      var lists = term.grams.map(postingsOf).sort(function (x, y) { return x.length - y.length; });
      var found = lists.length ? lists.reduce(intersect) : [];
      var here = new Float64Array(index.articles);
      for (var k = 0; k < found.length; k++) {
        var article = Math.floor(found[k] / SEGMENT), segment = found[k] % SEGMENT;
        here[article] = Math.max(here[article], segment === 0 ? 12 : segment === 1 ? 8 : 1) + 0.01;
      }
      if (term.pinyin) {
        pinyinAuthors(term.text).forEach(function (author) {
          author[4].forEach(function (article) { here[article] = Math.max(here[article], 8); });
        });
      }
      if (scores) {
        for (a = 0; a < here.length; a++) { scores[a] = scores[a] && here[a] ? scores[a] + here[a] : 0; }
      } else {
        scores = here;
      }
    });
    var ranked = [];
    for (a = 0; scores && a < scores.length; a++) { if (scores[a]) { ranked.push(a); } }
    return ranked.sort(function (x, y) { return scores[y] - scores[x] || x - y; });
  }

  function segmentsOf(article) {
    if (!folded[article]) {
      var t = texts[article];
      folded[article] = [t.t, t.a.join("、")].concat(t.s.map(function (s) { return s[1]; })).map(fold);
    }
    return folded[article];
  }

  function weight(article, segment) {
    if (segment < 2) { return segment === 0 ? 12 : 8; }
    var anchor = texts[article].s[segment - 2][0];
    return anchor === "abstract" ? 3 : anchor[0] === "s" ? 4 : 1;
  }

  function count(haystack, needle) {
    var n = 0, at = haystack.indexOf(needle);
    while (at >= 0) { n++; at = haystack.indexOf(needle, at + needle.length); }
    return n;
  }

  // The verified hit of an article: its score and the body segment to show, or null if a term is missing.
  function verify(article, terms) {
    var segments = segmentsOf(article), score = 0, best = -1, bestTerms = 0;
    var byAuthor = {};
    terms.forEach(function (term) {
      if (term.pinyin) { pinyinAuthors(term.text).forEach(function (a) { if (a[4].indexOf(article) >= 0) { byAuthor[term.text] = true; } }); }
    });
    var perSegment = segments.map(function () { return 0; });
    for (var t = 0; t < terms.length; t++) {
      var top = byAuthor[terms[t].text] ? 8 : 0, total = 0;
      for (var s = 0; s < segments.length; s++) {
        var n = count(segments[s], terms[t].text);
        if (n) { top = Math.max(top, weight(article, s)); total += n; perSegment[s]++; }
      }
      if (!top) { return null; }
      score += top + Math.log(1 + total);
    }
    for (s = 2; s < segments.length; s++) {
      if (perSegment[s] > bestTerms) { best = s; bestTerms = perSegment[s]; }
    }
    if (terms.length > 1 && bestTerms === terms.length) { score += 2; }
    return { article: article, score: score, segment: best };
  }

  // ``text`` as nodes, every occurrence of a term marked; ``folded`` is the same text folded.
  function marked(parent, text, foldedText, terms, start, end) {
    var marks = [];
    terms.forEach(function (term) {
      for (var at = foldedText.indexOf(term.text, start); at >= 0 && at < end; at = foldedText.indexOf(term.text, at + 1)) {
        marks.push([at, Math.min(end, at + term.text.length)]);
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var position = start;
    marks.forEach(function (m) {
      if (m[1] <= position) { return; }
      if (m[0] > position) { parent.appendChild(document.createTextNode(text.slice(position, m[0]))); }
      var mark = document.createElement("mark");
      mark.textContent = text.slice(Math.max(position, m[0]), m[1]);
      parent.appendChild(mark);
      position = m[1];
    });
    parent.appendChild(document.createTextNode(text.slice(position, end)));
    return parent;
  }

  function element(tag, className) {
    var node = document.createElement(tag);
    node.className = className;
    return node;
  }

  function show(hit, terms) {
    var t = texts[hit.article], segments = segmentsOf(hit.article);
    var item = element("li", "search-result");
    var link = element("a", "result-title");
    link.href = root + t.u + (hit.segment >= 2 ? "#" + t.s[hit.segment - 2][0] : "");
    marked(link, t.t, segments[0], terms, 0, t.t.length);
    item.appendChild(link);
    var byline = t.a.join("、");
    var meta = marked(element("p", "result-meta"), byline, segments[1], terms, 0, byline.length);
    if (hit.segment >= 2) {
      var anchor = t.s[hit.segment - 2][0];
      meta.appendChild(document.createTextNode(
        " · " + (anchor === "abstract" ? say.abstract : anchor[0] === "s" ? say.heading : message("paragraph", { n: anchor.slice(1) }))));
    }
    item.appendChild(meta);
    var which = hit.segment >= 2 ? hit.segment : (t.s.length ? 2 : -1);
    if (which >= 0) {
      var text = t.s[which - 2][1], foldedText = segments[which], first = text.length;
      terms.forEach(function (term) {
        var at = foldedText.indexOf(term.text);
        if (at >= 0) { first = Math.min(first, at); }
      });
      var start = first < text.length ? Math.max(0, first - 30) : 0;
      var end = Math.min(text.length, start + SNIPPET);
      var snippet = element("p", "result-snippet");
      if (start > 0) { snippet.appendChild(document.createTextNode("…")); }
      marked(snippet, text, foldedText, terms, start, end);
      if (end < text.length) { snippet.appendChild(document.createTextNode("…")); }
      item.appendChild(snippet);
    }
    list.appendChild(item);
  }

  function showAuthors(terms) {
    authorBox.textContent = "";
    terms.filter(function (term) { return term.pinyin; }).forEach(function (term) {
      pinyinAuthors(term.text).slice(0, 12).forEach(function (a) {
        var link = element("a", "search-author");
        link.href = root + a[3];
        link.textContent = message("articles", { name: a[0], n: a[4].length });
        authorBox.appendChild(link);
      });
    });
    if (authorBox.firstChild) { authorBox.insertBefore(element("span", "label"), authorBox.firstChild).textContent = say.authors; }
  }

  var current = 0;

  // Shows the results of ``query``, then puts it in the page's address, links and title if no other search
  // started meanwhile: changing the address first would hold up the loading of the search files in Chromium.
  function search(query) {
    var run = ++current;
    return find(query, run).then(function () {
      if (run === current) { remember(query); }
    });
  }

  function find(query, run) {
    list.textContent = "";
    authorBox.textContent = "";
    status.textContent = "";
    more.hidden = true;
    if (!query.trim()) { return Promise.resolve(); }
    // Said only when the results take a while: a quick search shows them without a flash of this message, and
    // without the page laying it out while the search files load.
    setTimeout(function () { if (run === current && !status.textContent) { status.textContent = say.searching; } }, PATIENCE);
    return load("index.js").then(function () {
      var terms = parse(query);
      if (!terms.some(function (t) { return t.grams.length || t.pinyin; })) {
        status.textContent = say.short;
        return;
      }
      return loadFor(terms).then(function () {
        if (run !== current) { return; }
        showAuthors(terms);
        return page(query, terms, candidates(terms), 0, 0, run);
      });
    }).catch(function (error) {
      if (run === current) { status.textContent = message("failed", { file: error.message }); }
    });
  }

  // Every shard and author table the terms need, all loading at once.
  function loadFor(terms) {
    var files = {};
    terms.forEach(function (t) { t.grams.forEach(function (g) { files["shards/" + shardOf(g) + ".js"] = true; }); });
    terms.forEach(function (t) { if (t.pinyin) { files["authors/" + t.text[0] + ".js"] = true; } });
    return Promise.all(Object.keys(files).map(load));
  }

  // Verifies and shows the next batch of candidates; ``found`` counts hits shown so far.
  function page(query, terms, ranked, from, found, run) {
    var batch = ranked.slice(from, from + BATCH);
    var chunks = {};
    batch.forEach(function (a) { chunks["texts/" + Math.floor(a / index.chunk) + ".js"] = true; });
    return Promise.all(Object.keys(chunks).map(load)).then(function () {
      if (run !== current) { return; }
      var hits = batch.map(function (a) { return verify(a, terms); }).filter(Boolean);
      hits.sort(function (a, b) { return b.score - a.score || a.article - b.article; });
      hits.forEach(function (hit) { show(hit, terms); });
      found += hits.length;
      var rest = ranked.length - from - batch.length;
      if (!found && !rest) {
        status.textContent = message("none", { q: query.trim() });
      } else {
        status.textContent = rest ? message("partial", { n: found, rest: rest }) : message("found", { n: found });
      }
      more.hidden = !rest;
      more.onclick = function () { more.hidden = true; page(query, terms, ranked, from + BATCH, found, run); };
    });
  }

  function remember(query) {
    try {
      history.replaceState(null, "", "?q=" + encodeURIComponent(query));
    } catch (error) {
      // Some browsers refuse to change the address of a page opened from disk; the results still show.
    }
    // The link to this page in the other script keeps the query.
    document.querySelectorAll("a[hreflang]").forEach(function (link) {
      link.href = link.getAttribute("href").split("?")[0] + "?q=" + encodeURIComponent(query);
    });
    document.title = document.title.replace(/^[^·]*·/, message("title", { q: query }) + " ·");
  }

  var timer = null;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);  // the search typed so far runs now, not once more when the pause is over
    search(input.value);
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    // The shards start loading while the reader pauses; the search after the pause finds them loading or loaded.
    if (index) { loadFor(parse(input.value)).catch(function () {}); }
    timer = setTimeout(function () { search(input.value); }, 200);
  });
  // The index's table is small and every query needs it: load it before the first one.
  load("index.js").catch(function () {});
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    search(initial);
  }
  // For measuring a query in the page (bench/search.py): returns a promise settled when the results show.
  window.siteSearch = search;
  // For the tests: postings as the search reads them (article × SEGMENT + segment).
  search.decode = decode;
})();
