/*
 * Chat widget for the "Uitgelicht: Mensenhandel" assistant (docs/widget.md).
 *
 * Embed with one tag; everything is configured on that tag:
 *   <script src="/static/widget.js" defer data-endpoint="/webhooks/rest"
 *           data-title="Stel uw vraag"></script>
 *
 * Made to run under a strict Content-Security-Policy: no inline styles or scripts,
 * no eval, no innerHTML (all text goes in as text nodes), no third-party requests.
 */
(function () {
  "use strict";

  // currentScript only exists while this file first runs, so read it now.
  const script = document.currentScript || document.querySelector("script[src*='widget.js']");
  const data = (script && script.dataset) || {};

  function positiveInt(value, fallback) {
    const number = Number.parseInt(value, 10);
    return number > 0 ? number : fallback;
  }

  function webUrl(value) {
    try {
      const url = new URL(value, document.baseURI);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  const config = {
    endpoint: (data.endpoint || "/webhooks/rest").replace(/\/+$/, ""),
    title: data.title || "Stel uw vraag",
    // Only a web address: a javascript: exit URL would run code on the way out.
    exitUrl: webUrl(data.exitUrl || "") || "https://www.google.nl/",
    maxChars: positiveInt(data.maxChars, 1000),
    timeoutMs: positiveInt(data.timeoutMs, 15000),
    slowMs: positiveInt(data.slowMs, 3000),
  };
  // The page's own "Snel weg" link (it works without JavaScript); the widget makes it
  // replace the history entry and then needs no exit button of its own in the dock.
  const pageExit = document.querySelector("a[data-quick-exit]");
  if (pageExit && webUrl(pageExit.href)) config.exitUrl = webUrl(pageExit.href);

  const TEXT = {
    region: "Digitale assistent",
    close: "Chat sluiten",
    exit: "Snel weg",
    danger: "In direct gevaar? Bel 112.",
    dangerEn: "In danger? Call 112.",
    newChat: "Nieuw gesprek",
    clear: "Gesprek wissen",
    // Said before the first question (EU AI Act art. 50: people must know they talk to a machine).
    intro: "U chat met een digitale assistent. Dat is een computerprogramma, geen mens. " +
      "Het antwoordt met informatie van deze pagina uit december 2019. " +
      "Melden of hulp vragen kan hier niet: bel bij gevaar 112, of de politie op 0900-8844.",
    privacy: "Deel hier geen persoonlijke gegevens, zoals uw naam, adres of telefoonnummer. " +
      "Medewerkers van de Tweede Kamer lezen gesprekken zonder persoonlijke gegevens om de assistent te verbeteren. " +
      "Na 30 dagen worden de gesprekken verwijderd.",
    examples: "Voorbeeldvragen",
    log: "Gesprek",
    you: "U: ",
    bot: "Assistent: ",
    note: "Let op: ",
    inputLabel: "Uw vraag",
    send: "Versturen",
    chars: " tekens",
    // Warned before the limit; a longer question is kept, never cut off.
    near: (left) => "Nog " + left + " tekens.",
    tooLong: "Uw vraag is te lang. Maak hem korter dan " + config.maxChars + " tekens.",
    slow: "Dit duurt langer dan normaal.",
    cancel: "Annuleren",
    cancelled: "Gestopt. U kunt uw vraag opnieuw versturen.",
    suggestions: "Suggesties",
    feedbackGroup: "Was dit antwoord nuttig?",
    feedbackUp: "Nuttig antwoord",
    feedbackDown: "Niet nuttig antwoord",
    shownUp: "👍 Nuttig",
    shownDown: "👎 Niet nuttig",
    newWindow: " (opent in een nieuw venster)",
    typing: "De assistent schrijft een antwoord…",
    connecting: "Verbinding maken…",
    started: "Er is een nieuw gesprek gestart.",
    restarted: "Het vorige gesprek was verlopen. Er is een nieuw gesprek gestart.",
    cleared: "Het gesprek is gewist.",
    clearing: "Het gesprek wordt gewist…",
    clearedHere: "Het gesprek is hier gewist. De kopie op de server wordt na 30 dagen automatisch verwijderd.",
    empty: "Typ eerst uw vraag.",
    busy: "Een moment, de assistent beantwoordt nog uw vorige vraag.",
    retry: "Opnieuw proberen",
    errNetwork: "Er is geen verbinding met de assistent. Controleer uw internetverbinding en probeer het opnieuw.",
    errTimeout: "De assistent reageert niet op tijd. Probeer het opnieuw.",
    errServer: "De assistent is nu niet bereikbaar. Probeer het opnieuw.",
    errBusy: "Even rustig aan: u stuurt veel berichten. Probeer het over een paar seconden opnieuw.",
    errEmpty: "De assistent gaf geen antwoord. Probeer het opnieuw.",
    errStart: "Het gesprek kon niet worden gestart. Probeer het opnieuw.",
  };

  const FEEDBACK = {
    up: { payload: "/feedback_positive", shown: TEXT.shownUp },
    down: { payload: "/feedback_negative", shown: TEXT.shownDown },
  };
  const MAX_ITEMS = 200;
  const STORE_KEY = "mhc-chat:" + config.endpoint;

  // -- state, kept per tab in sessionStorage ---------------------------------------
  function isText(value) {
    return typeof value === "string";
  }

  function cleanButtons(buttons) {
    if (!Array.isArray(buttons)) return [];
    return buttons
      .filter((b) => b && isText(b.title) && isText(b.payload) && b.title.trim() && b.payload)
      .map((b) => ({ title: b.title, payload: b.payload }));
  }

  // Only tel: and https: links get through, whatever the server (or storage) says.
  const SAFE_HREF = /^(tel:\+?\d+|https:\/\/[\w.-]+(\/[\w./-]*)?)$/;

  // The links of an answer (custom payload "links", bot/knowledge.py): each "plain" span
  // of the text is shown as a link with the words "text". Besides tel: and https:, only
  // a section of this page ("/#id", the "Bron:" line).
  function cleanLinks(links) {
    return Array.isArray(links) ? links.filter((l) => l && isText(l.text) && isText(l.plain) && l.plain &&
      (SAFE_HREF.test(l.href) || /^\/#[\w-]+$/.test(l.href))).map((l) => ({ text: l.text, plain: l.plain, href: l.href })) : [];
  }

  // The crisis card (bot/crisis_card.py).
  function cleanCard(card) {
    const links = card && Array.isArray(card.links) ? card.links.filter((l) => l && isText(l.label) &&
      isText(l.shown) && SAFE_HREF.test(l.href)) : [];
    if (!links.length) return null;
    return {
      lang: /^[a-z]{2,3}$/.test(card.lang) ? card.lang : "nl",
      dir: card.dir === "rtl" ? "rtl" : "ltr",
      title: isText(card.title) ? card.title : "",
      new_window: isText(card.new_window) ? card.new_window : "",
      links: links.map((l) => ({ label: l.label, shown: l.shown, href: l.href })),
    };
  }

  function cleanItem(item) {
    if (!item || !["user", "bot", "note"].includes(item.who) || !isText(item.text)) return null;
    return {
      who: item.who,
      text: item.text,
      buttons: cleanButtons(item.buttons),
      rate: item.rate === true,
      rated: item.rated === "up" || item.rated === "down" ? item.rated : null,
      // The payload of the suggestion chosen: its buttons stay disabled.
      used: isText(item.used) ? item.used : null,
      card: cleanCard(item.card),
      links: cleanLinks(item.links),
    };
  }

  function loadState() {
    try {
      const stored = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "null");
      if (stored && Array.isArray(stored.items)) {
        return {
          sender: isText(stored.sender) && stored.sender ? stored.sender : null,
          items: stored.items.map(cleanItem).filter(Boolean).slice(-MAX_ITEMS),
        };
      }
    } catch (error) {
      // Storage blocked or damaged: start empty rather than fail.
    }
    return { sender: null, items: [] };
  }

  function saveState() {
    try {
      window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (error) {
      // Storage full or blocked: the chat still works, it just will not survive a reload.
    }
  }

  let state = loadState();
  let busy = false;
  // The message being answered, if any: erasure waits for it, so its reply is not
  // stored after the conversation was deleted.
  let inflight = null;
  // Bumped by "Nieuw gesprek" / "Gesprek wissen" so late replies to an old
  // conversation are dropped instead of landing in the new one.
  let epoch = 0;
  // The request being made, so "Annuleren" can stop it.
  let active = null;

  // -- DOM helpers -------------------------------------------------------------------
  function el(tag, className, text, attributes) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    if (attributes) {
      Object.keys(attributes).forEach((name) => node.setAttribute(name, attributes[name]));
    }
    return node;
  }

  function button(className, text, onClick, attributes) {
    const node = el("button", "mhc-btn " + className, text, Object.assign({ type: "button" }, attributes));
    node.addEventListener("click", onClick);
    return node;
  }

  const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;
  // The help lines the answers give, as the citizen can tap them on a phone, and the
  // websites they name. Only these: any other number or name stays plain text.
  const PHONE_NUMBERS = ["+31 343 578 844", "0900-8844", "0800-7000", "0800-5151", "0800-0432", "112"];
  const NAMED_SITES = ["comensha.nl", "www.tweedekamer.nl", "tweedekamer.nl", "nationaalrapporteur.nl"];
  const escapeRegExp = (value) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const LINK_PATTERN = new RegExp(
    URL_PATTERN.source +
      "|(?<![\\w+\\-/.])(?:" + PHONE_NUMBERS.map(escapeRegExp).join("|") + ")(?![\\w\\-])" +
      "|(?<![\\w./@-])(?:" + NAMED_SITES.map(escapeRegExp).join("|") + ")(?![\\w/-])",
    "gi"
  );

  function linkFor(raw) {
    if (/^https?:/i.test(raw)) return webUrl(raw);
    if (/^[+\d]/.test(raw)) return "tel:" + raw.replace(/[^\d+]/g, "");
    return webUrl("https://www." + raw.toLowerCase().replace(/^www\./, ""));
  }

  // A web link opens in a new window and says so to screen readers.
  function anchor(href, text) {
    const external = /^https?:/.test(href);
    const node = el("a", "mhc-link", text,
      external ? { href: href, rel: "noopener noreferrer", target: "_blank" } : { href: href });
    if (external) node.appendChild(el("span", "mhc-sr", TEXT.newWindow));
    return node;
  }

  // Plain text, except http(s) addresses, the help lines (tel: links) and the named
  // websites, which become links. Nothing is parsed as HTML, so markup and
  // javascript: links in an answer stay visible, inert text.
  function appendText(parent, text, withLinks) {
    let last = 0;
    if (withLinks) {
      for (const match of text.matchAll(LINK_PATTERN)) {
        const raw = /^https?:/i.test(match[0]) ? match[0].replace(/[.,;:!?)\]'"’]+$/, "") : match[0];
        const href = linkFor(raw);
        if (!href || match.index < last) continue;
        parent.appendChild(document.createTextNode(text.slice(last, match.index)));
        parent.appendChild(anchor(href, raw));
        last = match.index + raw.length;
      }
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // A bot message: lines starting with "- " become a list, the answer's own links
  // (cleanLinks) replace their "plain" spans, the rest goes through appendText.
  function appendAnswer(parent, text, links) {
    let list = null;
    text.split("\n").forEach((line, index) => {
      let target = parent;
      if (line.startsWith("- ")) {
        list = list || parent.appendChild(el("ul", "mhc-list"));
        target = list.appendChild(el("li"));
        line = line.slice(2);
      } else {
        if (index && !list) parent.append("\n");
        list = null;
      }
      let at = 0;
      links.forEach((l) => {
        const found = line.indexOf(l.plain, at);
        if (found < 0) return;
        appendText(target, line.slice(at, found), true);
        target.appendChild(anchor(l.href, l.text));
        at = found + l.plain.length;
      });
      appendText(target, line.slice(at), true);
    });
  }

  // -- build the widget --------------------------------------------------------------
  const root = el("aside", "mhc", null, { "aria-label": TEXT.region });
  const dock = el("div", "mhc-dock");
  const launcher = button("mhc-launcher", null, () => setOpen(true, true), {
    "aria-expanded": "false",
    "aria-controls": "mhc-panel",
  });
  launcher.appendChild(el("span", "mhc-launcher-icon", "💬", { "aria-hidden": "true" }));
  launcher.appendChild(document.createTextNode(config.title));
  if (!pageExit) dock.append(button("mhc-exit", TEXT.exit, quickExit));
  dock.append(launcher);

  // Described by the 112 line and the privacy note, so both are read out on opening.
  const panel = el("div", "mhc-panel", null, {
    id: "mhc-panel",
    role: "dialog",
    "aria-labelledby": "mhc-title",
    "aria-describedby": "mhc-danger mhc-privacy",
  });
  panel.hidden = true;

  const head = el("div", "mhc-head");
  head.append(
    el("h2", "mhc-title", config.title, { id: "mhc-title" }),
    button("mhc-exit", TEXT.exit, quickExit),
    button("mhc-close", "×", () => setOpen(false, true), { "aria-label": TEXT.close, title: TEXT.close })
  );

  const tools = el("div", "mhc-tools");
  tools.append(
    button("mhc-secondary", TEXT.newChat, () => newConversation()),
    button("mhc-secondary", TEXT.clear, clearConversation)
  );

  // Live announcements stay off until the restored transcript is in place, so a
  // reload does not read the whole conversation out again (see init()).
  const log = el("div", "mhc-log", null, {
    role: "log",
    "aria-live": "off",
    "aria-label": TEXT.log,
    tabindex: "0",
  });
  const status = el("div", "mhc-status", null, { role: "status" });
  const wait = el("div", "mhc-wait");
  wait.hidden = true;
  wait.append(button("mhc-secondary", TEXT.cancel, () => {
    if (active) {
      active.cancelled = true;
      active.abort();
    }
  }));
  const alertBox = el("div", "mhc-alert", null, { role: "alert" });

  const form = el("form", "mhc-form", null, { novalidate: "" });
  // Grows with its text (CSS field-sizing); Enter sends, Shift+Enter starts a new line.
  const input = el("textarea", "mhc-input", null, {
    id: "mhc-input",
    name: "message",
    rows: "1",
    autocomplete: "off",
    enterkeyhint: "send",
    "aria-describedby": "mhc-count",
  });
  const countNumber = el("span", null, "0/" + config.maxChars);
  const countWarning = el("span", "mhc-count-warning");
  const count = el("p", "mhc-count", null, { id: "mhc-count" });
  count.append(countNumber, el("span", "mhc-sr", TEXT.chars), countWarning);
  const row = el("div", "mhc-row");
  row.append(input, el("button", "mhc-btn mhc-send", TEXT.send, { type: "submit" }));
  form.append(el("label", "mhc-label", TEXT.inputLabel, { for: "mhc-input" }), row, count);

  // Always there, with tel: links, in Dutch and English.
  const danger = el("p", "mhc-danger", null, { id: "mhc-danger" });
  appendText(danger, TEXT.danger + " · ", true);
  appendText(danger.appendChild(el("span", null, null, { lang: "en" })), TEXT.dangerEn, true);
  panel.append(head, danger, tools, log, status, wait, alertBox, form);
  root.append(dock, panel);

  // -- transcript --------------------------------------------------------------------
  function renderItem(item) {
    const node = el("div", "mhc-msg mhc-" + item.who);
    const who = item.who === "user" ? TEXT.you : item.who === "bot" ? TEXT.bot : TEXT.note;
    const user = item.who === "user";
    // A list cannot stand in a <p>.
    const body = el(!user && /^- /m.test(item.text) ? "div" : "p", "mhc-text", null,
      item.text === TEXT.privacy ? { id: "mhc-privacy" } : null);
    body.appendChild(el("span", "mhc-sr", who));
    if (user) appendText(body, item.text, false);
    else appendAnswer(body, item.text, item.links);
    node.appendChild(body);

    if (item.buttons.length) {
      const choices = el("div", "mhc-choices", null,
        { role: "group", "aria-label": item.who === "note" ? TEXT.examples : TEXT.suggestions });
      item.buttons.forEach((choice) => {
        const option = button("mhc-choice", choice.title, () => {
          if (busy) return setStatus(TEXT.busy);
          input.focus();
          if (item.who === "bot") {
            // A suggestion is used once: its buttons are disabled, the choice marked.
            item.used = choice.payload;
            choices.querySelectorAll("button").forEach((b) => (b.disabled = true));
            option.classList.add("mhc-chosen");
          }
          send(choice.payload, choice.title, true);
        });
        option.disabled = !!item.used;
        if (item.used === choice.payload) option.classList.add("mhc-chosen");
        choices.appendChild(option);
      });
      node.appendChild(choices);
    }

    if (item.card) node.appendChild(renderCard(item.card));

    if (item.rate && !item.rated && !item.card) {
      const rating = el("div", "mhc-rating", null, { role: "group", "aria-label": TEXT.feedbackGroup });
      const rate = (kind) => () => {
        if (busy) {
          setStatus(TEXT.busy);
          return;
        }
        item.rated = kind;
        rating.remove();
        input.focus();
        send(FEEDBACK[kind].payload, FEEDBACK[kind].shown, false);
      };
      rating.append(
        button("mhc-rate", "👍", rate("up"), { "aria-label": TEXT.feedbackUp, title: TEXT.feedbackUp }),
        button("mhc-rate", "👎", rate("down"), { "aria-label": TEXT.feedbackDown, title: TEXT.feedbackDown })
      );
      node.appendChild(rating);
    }
    return node;
  }

  // The help lines as large tap targets, each number also written out (a tel: link does
  // nothing on most desktops); in the citizen's language, marked with lang.
  function renderCard(card) {
    const box = el("div", "mhc-card", null, card.lang === "nl" ? null : { lang: card.lang, dir: card.dir });
    const list = el("ul", "mhc-card-list");
    card.links.forEach((l) => {
      const web = /^https:/.test(l.href);
      const link = el("a", "mhc-card-link", null,
        web ? { href: l.href, rel: "noopener noreferrer", target: "_blank" } : { href: l.href });
      link.append(el("span", null, l.label), " ", el("bdi", "mhc-card-number", l.shown));
      if (web && card.new_window) link.append(el("span", "mhc-sr", " (" + card.new_window + ")"));
      list.appendChild(el("li")).appendChild(link);
    });
    box.append(el("p", "mhc-card-title", card.title), list);
    return box;
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function addItem(item) {
    const clean = cleanItem(item);
    state.items.push(clean);
    if (state.items.length > MAX_ITEMS) {
      state.items.shift();
      if (log.firstChild) log.removeChild(log.firstChild);
    }
    const node = renderItem(clean);
    log.appendChild(node);
    saveState();
    scrollToEnd();
    return { item: clean, node: node };
  }

  function removeItem(added) {
    const index = state.items.indexOf(added.item);
    if (index < 0) return false;
    state.items.splice(index, 1);
    added.node.remove();
    saveState();
    return true;
  }

  function renderAll() {
    log.textContent = "";
    state.items.forEach((item) => log.appendChild(renderItem(item)));
    scrollToEnd();
  }

  // Questions the assistant answers well, sent as typed text when chosen.
  const EXAMPLE_QUESTIONS = ["Wat is mensenhandel?", "Welke vormen van uitbuiting zijn er?",
    "Waar meld ik een vermoeden van mensenhandel?"];

  function ensureIntro() {
    if (state.items.length) return;
    addItem({ who: "note", text: TEXT.intro,
      buttons: EXAMPLE_QUESTIONS.map((question) => ({ title: question, payload: question })) });
    addItem({ who: "note", text: TEXT.privacy });
  }

  function setStatus(text) {
    status.textContent = text;
  }

  function clearAlert() {
    // The retry button is about to go; do not leave keyboard focus on nothing.
    const hadFocus = alertBox.contains(document.activeElement);
    alertBox.textContent = "";
    if (hadFocus) input.focus();
  }

  // Without retry, the alert is only text (the question is back in the input instead).
  function showAlert(text, retry) {
    alertBox.textContent = "";
    alertBox.append(el("p", "mhc-alert-text", text));
    if (retry) {
      alertBox.append(
        button("mhc-retry", TEXT.retry, () => {
          clearAlert();
          retry();
        })
      );
    }
  }

  // -- talking to the bot ------------------------------------------------------------
  class ChatError extends Error {
    constructor(message, status) {
      super(message);
      this.status = status || 0;
    }
  }

  async function post(path, body) {
    return call("POST", path, body);
  }

  async function call(method, path, body) {
    const controller = (active = new AbortController());
    const timer = window.setTimeout(() => controller.abort(), config.timeoutMs);
    try {
      const response = await fetch(config.endpoint + path, {
        method: method,
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        credentials: "same-origin",
        cache: "no-store",
        referrerPolicy: "no-referrer",
      });
      const raw = await response.text();
      let json = null;
      try {
        json = JSON.parse(raw);
      } catch (error) {
        json = null;
      }
      return { ok: response.ok, status: response.status, data: json };
    } catch (error) {
      if (controller.cancelled) throw new ChatError(TEXT.cancelled, "cancel");
      throw new ChatError(error && error.name === "AbortError" ? TEXT.errTimeout : TEXT.errNetwork);
    } finally {
      window.clearTimeout(timer);
    }
  }

  function errorText(response) {
    const message = response.data && response.data.message;
    // 400/413/429/503 carry a specific Dutch explanation from the bot or the page
    // server (429: how long to wait); other errors may not be Dutch.
    if ([400, 413, 429, 503].includes(response.status) && isText(message) && message.trim()) {
      return message.slice(0, 300);
    }
    // 408/504: the bot or the page server gave up waiting.
    if (response.status === 408 || response.status === 504) return TEXT.errTimeout;
    return response.status === 429 ? TEXT.errBusy : TEXT.errServer;
  }

  function randomId() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function ensureSender() {
    if (state.sender) return state.sender;
    const response = await post("/conversations");
    const sender = response.data && response.data.sender;
    if (response.ok && isText(sender) && sender && sender.length <= 200) {
      state.sender = sender;
    } else if (response.status === 404 || response.status === 405) {
      // A plain Rasa REST channel has no /conversations; it accepts our own random id.
      state.sender = randomId();
    } else {
      throw new ChatError(TEXT.errStart);
    }
    saveState();
    return state.sender;
  }

  function isRefusedSender(response) {
    const error = response.status === 403 && response.data && response.data.error;
    return error === "unknown_sender" || error === "expired_sender";
  }

  // Sends one message and shows the replies; failures end in an alert with a retry.
  // "typed" is the question as typed (null for a button): after a 429 it goes back into
  // the input, so the citizen can send it again once the bot is ready for it.
  async function deliver(message, rateReplies, typed) {
    const myEpoch = epoch;
    busy = true;
    setStatus(TEXT.typing);
    const slow = window.setTimeout(() => {
      setStatus(TEXT.slow);
      wait.hidden = false;
    }, config.slowMs);
    try {
      let response = await post("/webhook", { sender: await ensureSender(), message: message });
      if (isRefusedSender(response) && myEpoch === epoch) {
        // The server forgot, refused or expired this id: start a new conversation, once.
        state.sender = null;
        addItem({ who: "note", text: TEXT.restarted });
        response = await post("/webhook", { sender: await ensureSender(), message: message });
      }
      if (myEpoch !== epoch) return;
      if (!response.ok) throw new ChatError(errorText(response), response.status);
      // A crisis card and the answer's links (custom payload) go with the answer before it.
      const replies = [];
      (Array.isArray(response.data) ? response.data : []).forEach((r) => {
        const custom = (r && r.custom) || {};
        const card = cleanCard(custom.crisis_card);
        const links = cleanLinks(custom.links);
        if (card || links.length) {
          const last = replies[replies.length - 1] || (replies[0] = { text: "" });
          if (card) last.card = card;
          if (links.length) last.links = links;
        } else if (r && ((isText(r.text) && r.text.trim()) || cleanButtons(r.buttons).length)) {
          replies.push({ text: isText(r.text) ? r.text : "", buttons: r.buttons });
        }
      });
      if (!replies.length) throw new ChatError(TEXT.errEmpty);
      setStatus("");
      // Nobody in danger is asked to rate: no feedback under a crisis answer.
      const crisis = replies.some((r) => r.card);
      replies.forEach((reply, index) => {
        addItem(Object.assign(reply, { who: "bot", rate: rateReplies && !crisis && index === replies.length - 1 }));
      });
    } catch (error) {
      if (myEpoch !== epoch) return;
      setStatus("");
      const text = error instanceof ChatError ? error.message : TEXT.errNetwork;
      if ((error.status === 429 || error.status === "cancel") && typed && typed.shown &&
          !input.value && removeItem(typed.shown)) {
        // Not answered, so not in the transcript: the question waits in the input.
        input.value = typed.text;
        updateCount();
        showAlert(text, null);
        return;
      }
      showAlert(text, () => {
        if (!busy) inflight = deliver(message, rateReplies, null);
      });
    } finally {
      window.clearTimeout(slow);
      if (wait.contains(document.activeElement)) input.focus();
      wait.hidden = true;
      if (myEpoch === epoch) busy = false;
    }
  }

  function send(message, shown, rateReplies, typed) {
    if (busy) {
      setStatus(TEXT.busy);
      return;
    }
    clearAlert();
    ensureIntro();
    const added = addItem({ who: "user", text: shown });
    inflight = deliver(message, rateReplies, typed ? { text: typed, shown: added } : null);
  }

  function resetTranscript() {
    epoch += 1;
    busy = false;
    clearAlert();
    state.items = [];
    log.textContent = "";
    ensureIntro();
  }

  async function newConversation() {
    resetTranscript();
    state.sender = null;
    saveState();
    input.focus();
    const myEpoch = epoch;
    setStatus(TEXT.connecting);
    try {
      await ensureSender();
      if (myEpoch === epoch) setStatus(TEXT.started);
    } catch (error) {
      if (myEpoch !== epoch) return;
      setStatus("");
      showAlert(error instanceof ChatError ? error.message : TEXT.errStart, () => newConversation());
    }
  }

  // Clears the screen and the stored copy at once, then asks the server to delete its
  // copy too (the right to erasure). The id is dropped: the next question starts a new
  // conversation, unlinked to the erased one.
  async function clearConversation() {
    const sender = state.sender;
    const pending = inflight;
    resetTranscript();
    state.sender = null;
    saveState();
    input.focus();
    const myEpoch = epoch;
    if (!sender) {
      setStatus(TEXT.cleared);
      return;
    }
    setStatus(TEXT.clearing);
    let erased = false;
    try {
      // A reply still on its way would be stored after the deletion: wait for it.
      if (pending) await pending;
      const response = await call("DELETE", "/conversations/" + encodeURIComponent(sender));
      erased = response.ok;
    } catch (error) {
      erased = false;
    }
    if (myEpoch === epoch) setStatus(erased ? TEXT.cleared : TEXT.clearedHere);
  }

  function quickExit() {
    // Leave no trace in this tab: stored copy, screen and history entry.
    try {
      window.sessionStorage.removeItem(STORE_KEY);
    } catch (error) {
      // Nothing stored, or storage blocked: nothing to remove.
    }
    epoch += 1;
    state = { sender: null, items: [] };
    log.textContent = "";
    input.value = "";
    window.location.replace(config.exitUrl);
  }

  // -- open / close, keyboard, input -------------------------------------------------
  // Not stored: after a reload the chat stays closed until the citizen opens it.
  function setOpen(open, moveFocus) {
    panel.hidden = !open;
    dock.hidden = open;
    root.classList.toggle("mhc-is-open", open);
    launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      ensureIntro();
      scrollToEnd();
    }
    if (moveFocus) (open ? input : launcher).focus();
  }

  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      setOpen(false, true);
    }
  });

  // 0: room enough, 1: near the limit (the last tenth), 2: over it.
  let countLevel = 0;
  function updateCount() {
    const length = input.value.length;
    const left = config.maxChars - length;
    const level = left < 0 ? 2 : left <= config.maxChars / 10 ? 1 : 0;
    const warning = level === 2 ? TEXT.tooLong : level ? TEXT.near(left) : "";
    countNumber.textContent = length + "/" + config.maxChars;
    countWarning.textContent = warning && " " + warning;
    count.classList.toggle("mhc-count-full", level > 0);
    input.setAttribute("aria-invalid", String(level === 2));
    // Announced once when a level is reached, not on every key press.
    if (level > countLevel) setStatus(warning);
    countLevel = level;
  }

  input.addEventListener("input", updateCount);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      setStatus(TEXT.empty);
      return;
    }
    if (busy) {
      setStatus(TEXT.busy);
      return;
    }
    if (text.length > config.maxChars) {
      showAlert(TEXT.tooLong, null);
      return;
    }
    input.value = "";
    updateCount();
    send(text, text, true, text);
  });

  // -- start -------------------------------------------------------------------------
  function init() {
    renderAll();
    document.body.appendChild(root);
    // Only now may new messages be announced; the restored ones are already there.
    window.setTimeout(() => log.setAttribute("aria-live", "polite"), 0);
    root.setAttribute("data-ready", "true");
  }

  // The widget appears only once its stylesheet is in, so it never flashes unstyled.
  function loadStylesheet(done) {
    let called = false;
    const finish = () => {
      if (!called) {
        called = true;
        done();
      }
    };
    // The page may link the stylesheet itself (bot.web does, with a versioned address).
    const linked = Array.from(document.querySelectorAll("link[rel~='stylesheet']"))
      .find((l) => /\/widget\.css(\?|$)/.test(l.href));
    if (linked && linked.sheet) return finish();
    const href = data.css || (script && script.src ? new URL("widget.css", script.src).href : "widget.css");
    const link = linked || el("link", null, null, { rel: "stylesheet", href: href });
    link.addEventListener("load", finish);
    link.addEventListener("error", finish);
    if (!linked) document.head.appendChild(link);
    window.setTimeout(finish, 3000);
  }

  function start() {
    loadStylesheet(init);
  }

  // -- quick exit and in-page links, ready before the widget shows -------------------
  function plainClick(event) {
    return !event.button && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;
  }

  if (pageExit) {
    pageExit.addEventListener("click", (event) => {
      if (!plainClick(event)) return;
      event.preventDefault();
      quickExit();
    });
  }

  // The Shift key pressed alone 3 times within a second leaves the page, as on GOV.UK.
  // Any other key in between (a capital letter: Shift+A) starts the count again.
  let shiftAlone = false;
  let shiftTimes = [];
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Shift") {
      shiftAlone = false;
      shiftTimes = [];
    } else if (!event.repeat) {
      shiftAlone = true;
    }
  }, true);
  document.addEventListener("keyup", (event) => {
    if (event.key !== "Shift" || !shiftAlone) return;
    shiftAlone = false;
    const now = Date.now();
    shiftTimes = shiftTimes.filter((time) => now - time < 1000).concat(now);
    if (shiftTimes.length >= 3) quickExit();
  }, true);

  // Links to a place on this page (also "/#id" from a "Bron:" line) move focus there
  // without a history entry, so Back after a quick exit cannot lead back to this page.
  // From a chat that fills the window, the chat closes to show the place.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href*='#']");
    const target = link && plainClick(event) && link.href.split("#")[0] === location.href.split("#")[0] &&
      document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    event.preventDefault();
    if (root.contains(link) && panel.offsetWidth >= window.innerWidth) setOpen(false);
    if (target.tabIndex < 0) target.setAttribute("tabindex", "-1");
    target.focus();
    target.scrollIntoView();
  });

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
