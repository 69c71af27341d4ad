/*
 * The header's search box (partials/search.html), driven by Pagefind instead of Material's lunr
 * search: see hooks/garden/site/search.py for why.
 *
 * - Nothing is downloaded until a reader focuses the box (or opens it with f, s or /): then
 *   pagefind/pagefind.js is imported and warms up (its wasm, each shard's entry and meta files),
 *   and each query fetches only the index chunks and result fragments it needs.
 * - The site root is resolved once, from `data-garden-search-base` (MkDocs' `base_url` for the
 *   page first loaded), so the index is found under a sub-path and from any page depth.
 * - Material's instant navigation swaps the page but keeps the header, and runs this script
 *   once: every listener is bound once, on elements that stay.
 * - Results use Material's markup (`.md-search-result__item` > `a.md-search-result__link` >
 *   `article`, `h1` title, excerpt with `<mark>`), so they look like Material's own.
 */
(() => {
  "use strict"

  const box = document.querySelector("[data-garden-search]")
  const toggle = document.getElementById("__search")
  if (!box || !toggle || box.dataset.gardenSearchBound) return
  box.dataset.gardenSearchBound = "true"

  const form = box.querySelector("form")
  const input = box.querySelector(".md-search__input")
  const meta = box.querySelector(".md-search-result__meta")
  const list = box.querySelector(".md-search-result__list")
  const scrollwrap = box.querySelector(".md-search__scrollwrap")

  const root = new URL(`${box.dataset.gardenSearchBase || "."}/`, location.href)
  const bundle = new URL("pagefind/pagefind.js", root)
  const PAGE = 5 // results rendered at a time (each fetches a fragment); more as the list nears its end
  const SECTIONS = 2 // matching sections shown under a result

  /* Material's own wording, in the site's language. */
  const translations = (() => {
    try {
      return JSON.parse(document.getElementById("__config").textContent).translations || {}
    } catch {
      return {}
    }
  })()
  const say = (key, count) => {
    const text = translations[key] || {
      "search.result.placeholder": "Type to start searching",
      "search.result.none": "No matching documents",
      "search.result.one": "1 matching document",
      "search.result.other": "# matching documents",
    }[key]
    return count === undefined ? text : text.replace("#", count)
  }

  /* ----------------------------------------------------------------------------------------
   * Pagefind, loaded once, on first use.
   */

  let engine = null
  function pagefind() {
    if (!engine) {
      engine = (async () => {
        if (location.protocol === "file:")
          throw new Error("search needs the site to be served over HTTP, not opened as a file")
        // The index may be cut into shards (hooks/garden/site/search.py): the first is the
        // bundle itself, the others are listed beside it and merged, loaded as a query needs them.
        const [module, shards] = await Promise.all([
          import(bundle.href),
          fetch(new URL("pagefind/garden-shards.json", root)).then(response => (response.ok ? response.json() : [])).catch(() => []),
        ])
        const settings = { baseUrl: root.pathname, excerptLength: 24 }
        await module.options(settings)
        await Promise.all(shards.map(shard => module.mergeIndex(new URL(`pagefind/${shard}`, root).pathname, settings)))
        await module.init()
        return module
      })()
      engine.catch(error => {
        console.error("search:", error)
        engine = null // the next query tries again, e.g. once the network is back
      })
    }
    return engine
  }

  /* ----------------------------------------------------------------------------------------
   * Searching and rendering.
   */

  const result = box.querySelector(".md-search-result")
  let current = { results: [], shown: 0, busy: false }
  let generation = 0 // a newer query makes older, slower ones drop their results

  /* The count and the first results change together, and `data-query` says which query they
     answer (browser tests wait for it). */
  function show(query, text, items) {
    meta.textContent = text
    list.replaceChildren(...items)
    result.dataset.query = query
  }

  async function run(query) {
    const mine = ++generation
    query = query.trim()
    if (!query) {
      current = { results: [], shown: 0, busy: false }
      show("", say("search.result.placeholder"), [])
      return
    }
    let search, listing, items
    try {
      const module = await pagefind()
      // Wait for a pause in the typing, then ask once. Pagefind's own debouncedSearch() fetches
      // the index chunks of every prefix typed on the way ("l", "la", …) to have them ready,
      // which with one index per shard costs one chunk per shard per prefix: about 100 kB of a
      // first search at 5,000 essays.
      await new Promise(resolve => setTimeout(resolve, 150))
      if (mine !== generation) return // superseded by a newer query
      search = await module.search(query)
      if (mine !== generation) return
      listing = { results: search.results, shown: 0, busy: false, terms: terms(query), strong: false, dropped: 0 }
      items = await next(listing)
    } catch (error) {
      if (mine === generation) show(query, `Search is not available: ${error.message}`, [])
      return
    }
    if (mine !== generation) return
    current = listing
    show(query, tally(listing), items)
    scrollwrap.scrollTop = 0
    if (nearEnd()) more()
  }

  /* "12 matching documents": Pagefind's count less the results next() has dropped so far. */
  function tally(listing) {
    const count = listing.results.length - listing.dropped
    return count === 0 ? say("search.result.none") : count === 1 ? say("search.result.one") : say("search.result.other", count)
  }

  /* Whether the list ends within 200 px of the panel's bottom: then the next results are fetched,
     so a panel shows as many results as it has room for (about three on most screens) and only
     those cost their fragments. A hidden panel (no height) never asks for more. */
  function nearEnd() {
    return scrollwrap.clientHeight > 0 && scrollwrap.scrollTop + scrollwrap.clientHeight >= scrollwrap.scrollHeight - 200
  }

  /* The next results, as the list is scrolled: each costs one small fragment file. */
  async function more() {
    const mine = generation
    const shown = current
    if (shown.busy || shown.shown >= shown.results.length) return
    shown.busy = true
    try {
      const items = await next(shown)
      if (mine !== generation) return
      list.append(...items)
      meta.textContent = tally(shown) // a later batch may drop results too
    } catch (error) {
      console.error("search:", error)
      return
    } finally {
      shown.busy = false
    }
    if (mine === generation && nearEnd()) more()
  }

  /* The next PAGE results of a listing, rendered. A shard that lacks a query's word answers
     with the longest prefix of it that it has instead (Pagefind's fallback for a word it cannot
     find: "onerror" finds "on"), which one whole index does only when no page has the word. So
     once some result matches a query word itself, results that match only a short prefix of
     one are dropped, as one index would not have returned them. */
  async function next(listing) {
    const batch = listing.results.slice(listing.shown, listing.shown + PAGE)
    listing.shown += batch.length
    const pages = await Promise.all(batch.map(result => result.data()))
    const strong = pages.map(page => matchesItself(page, listing.terms))
    listing.strong ||= strong.includes(true)
    const kept = listing.strong ? pages.filter((_, index) => strong[index]) : pages
    listing.dropped += pages.length - kept.length
    return kept.map(render)
  }

  const normal = word => word.toLocaleLowerCase().replace(/[^\p{L}\p{N}]/gu, "")
  const terms = query => query.split(/\s+/).map(normal).filter(Boolean)

  /* Whether a word of the page that Pagefind matched shares most of a query word's letters: all
     but three, and at least three ("garden" for "gardening" does, "on" for "onerror" does not). */
  function matchesItself(page, queryTerms) {
    const words = (page.content || "").split(/[\r\n\s]+/g)
    // A page matched outside its text (in its metadata) has no locations: nothing says it is weak.
    if (!page.locations?.length) return true
    return page.locations.some(location => {
      const word = normal(words[location] || "")
      return queryTerms.some(term => {
        let shared = 0
        while (shared < word.length && shared < term.length && word[shared] === term[shared]) shared++
        return shared >= Math.min(term.length, Math.max(3, term.length - 3))
      })
    })
  }

  function render(page) {
    const item = element("li", "md-search-result__item")
    item.append(link(page.url, page.meta.title || page.url, page.excerpt, "h1", true))
    const sections = (page.sub_results || []).filter(section => section.url !== page.url).slice(0, SECTIONS)
    for (const section of sections) item.append(link(section.url, section.title, section.excerpt, "h2", false))
    return item
  }

  function link(url, title, excerpt, heading, icon) {
    const anchor = element("a", "md-search-result__link")
    anchor.href = url
    anchor.tabIndex = -1
    const article = element("article", "md-search-result__article md-typeset")
    if (icon) article.append(element("div", "md-search-result__icon md-icon"))
    const name = element(heading)
    name.textContent = title
    const text = element("p")
    text.append(...highlighted(excerpt))
    article.append(name, text)
    anchor.append(article)
    return anchor
  }

  /* Pagefind's excerpt is escaped text with <mark> around the matches: keep only the marks. */
  function highlighted(excerpt) {
    const template = document.createElement("template")
    template.innerHTML = excerpt || ""
    return [...template.content.childNodes].map(node => {
      if (node.nodeName === "MARK") {
        const mark = element("mark")
        mark.textContent = node.textContent
        return mark
      }
      return document.createTextNode(node.textContent)
    })
  }

  function element(name, className) {
    const el = document.createElement(name)
    if (className) el.className = className
    return el
  }

  /* ----------------------------------------------------------------------------------------
   * Opening, closing and the keyboard, as Material's search does it.
   */

  const open = () => toggle.checked || toggle.click() // a click also tells Material (scroll lock)
  const close = () => {
    if (toggle.checked) toggle.click()
    input.blur()
  }
  const links = () => [...list.querySelectorAll("a.md-search-result__link")]

  toggle.addEventListener("change", () => {
    list.hidden = !toggle.checked
    list.setAttribute("role", toggle.checked ? "list" : "presentation")
    if (!toggle.checked) input.blur()
  })

  /* Opened a moment later, so that a click on a label for the toggle has flipped it first. */
  input.addEventListener("focus", () => {
    setTimeout(open)
    pagefind().catch(error => { meta.textContent = `Search is not available: ${error.message}` })
  })
  input.addEventListener("input", () => run(input.value))
  form.addEventListener("submit", event => event.preventDefault())
  form.addEventListener("reset", () => {
    setTimeout(() => {
      run("")
      input.focus()
    })
  })
  scrollwrap.addEventListener("scroll", () => {
    if (nearEnd()) more()
  })
  box.addEventListener("click", event => {
    if (event.target instanceof Element && event.target.closest("a")) close()
  })

  /* The magnifier in the header: focusing the box brings up the keyboard on phones. */
  document.querySelector(".md-header__button[for=__search]")?.addEventListener("click", () => input.focus())

  /* As Material: single-letter shortcuts only when the reader is not typing somewhere. */
  const typing = el =>
    el instanceof HTMLInputElement ? el.type !== "radio"
      : el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el instanceof HTMLElement && el.isContentEditable)

  window.addEventListener("keydown", event => {
    if (event.metaKey || event.ctrlKey || event.altKey || event.isComposing) return
    const active = document.activeElement
    if (!toggle.checked) {
      if (["f", "s", "/"].includes(event.key) && !typing(active)) {
        event.preventDefault()
        input.focus()
        input.select()
      }
      return
    }
    switch (event.key) {
      case "Enter":
        if (active === input) {
          event.preventDefault()
          links()[0]?.click()
        }
        break
      case "Escape":
      case "Tab":
        close()
        break
      case "ArrowUp":
      case "ArrowDown": {
        const stops = [input, ...links()]
        const here = Math.max(0, stops.indexOf(active))
        stops[(here + stops.length + (event.key === "ArrowUp" ? -1 : 1)) % stops.length].focus()
        event.preventDefault()
        break
      }
      default:
        if (active !== input && event.key.length === 1) input.focus()
    }
  })

  /* Deep links such as ?q=pruning open the search, as Material's do. */
  const query = new URL(location.href).searchParams.get("q")
  if (query) {
    input.value = query
    input.focus()
    run(query)
  }
})()
