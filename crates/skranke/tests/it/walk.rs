//! Every page the router serves, as each demo role sees it, in headless
//! Chromium: axe-core (WCAG 2.1 A and AA) finds nothing, the page reflows
//! at 320 CSS px and at 200 % zoom (a 640 px viewport, as 1280 px at
//! 200 %), there is one `h1`, every error-summary link and every
//! `aria-describedby` points at an element that exists, and every POST
//! form validates on the server (`novalidate`). The pages come from
//! `skranke_web::page_paths()`: a page route the walk does not reach fails
//! the test, so a new page is covered or the test says so.
//!
//! `SKRANKE_UPDATE_SCREENSHOTS=1` also writes the README's screenshots to
//! `docs/screenshots/`.

use crate::browser::{Browser, login};
use crate::support::{TestApp, change_as, spawn};
use fantoccini::{Client, Locator};
use serde_json::{Value as Json, json};
use skranke_core::Status;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

const WIDE: (u32, u32) = (1280, 900);
/// The widths the page must fit: WCAG 1.4.10 reflow, and 200 % zoom of a
/// 1280 px window.
const NARROW: [u32; 2] = [320, 640];

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn axe_source() -> Option<String> {
    let path = workspace().join("node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(_) => {
            assert!(
                std::env::var("CI").is_err(),
                "CI must run the accessibility walk: {} is missing (npm ci)",
                path.display()
            );
            println!("SKIPPED: axe-core is not installed (npm ci; .ci/run does)");
            None
        }
    }
}

/// Whether `path` is an instance of the route pattern `pattern`.
fn matches(pattern: &str, path: &str) -> bool {
    let (p, s): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == s.len()
        && p.iter()
            .zip(&s)
            .all(|(p, s)| p == s || (p.starts_with('{') && !s.is_empty()))
}

/// Checks run on each page load, in the page. Returns what is wrong.
const PAGE_CHECKS: &str = r#"
const bad = [];
const h1 = document.querySelectorAll('h1').length;
if (h1 !== 1) bad.push(`${h1} h1 elements`);
if (document.documentElement.lang !== arguments[0]) bad.push(`lang="${document.documentElement.lang}"`);
for (const a of document.querySelectorAll('.error-summary a')) {
  const id = decodeURIComponent(a.getAttribute('href').replace(/^#/, ''));
  if (!document.getElementById(id)) bad.push(`error summary links to missing #${id}`);
}
for (const e of document.querySelectorAll('[aria-describedby]')) {
  for (const id of e.getAttribute('aria-describedby').split(/\s+/)) {
    if (!document.getElementById(id)) bad.push(`aria-describedby names missing #${id}`);
  }
}
for (const f of document.querySelectorAll('form[method=post]')) {
  if (!f.noValidate) bad.push(`form ${f.getAttribute('action')} lacks novalidate`);
}
// Tab order follows the page: no positive tabindex reorders it.
for (const e of document.querySelectorAll('[tabindex]')) {
  if (e.tabIndex > 0) bad.push(`tabindex=${e.tabIndex} on ${e.tagName.toLowerCase()}`);
}
const ids = new Set();
for (const e of document.querySelectorAll('[id]')) {
  if (ids.has(e.id)) bad.push(`duplicate id ${e.id}`);
  ids.add(e.id);
}
return bad;
"#;

/// What sticks out past the viewport (the page scrolls sideways) or past
/// its card.
const REFLOW: &str = r#"
const w = window.innerWidth;
const out = [];
// Inside an ancestor that clips (visually hidden text, a scroll box): not seen.
const clipped = (e, card) => {
  for (let a = e.parentElement; a && a !== card; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') return true;
  }
  return false;
};
const name = e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + String(e.className).replace(/ /g, '.') : ''}`;
for (const card of document.querySelectorAll('.card')) {
  const edge = card.getBoundingClientRect().right;
  for (const e of card.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > edge + 1 && !clipped(e, card)) { out.push(`${name(e)} spills out of its card by ${Math.round(r.right - edge)}px`); break; }
  }
}
if (document.documentElement.scrollWidth <= w) return out;
for (const e of document.querySelectorAll('body *')) {
  const r = e.getBoundingClientRect();
  if (r.right > w + 1 && r.width > 0) {
    out.push(`${name(e)} right=${Math.round(r.right)}`);
    if (out.length >= 6) break;
  }
}
return [`scrollWidth ${document.documentElement.scrollWidth} > innerWidth ${w}`, ...out];
"#;

const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations', 'incomplete'] })
  .then(r => done([
    ...r.violations.map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(', ')}`),
    // axe leaves text the colour of its background "to review" (it might
    // be hidden on purpose); here it is a mistake (white link buttons on
    // a white card once).
    ...r.incomplete.filter(v => v.id === 'color-contrast')
      .flatMap(v => v.nodes.filter(n => n.any.some(a => a.data && a.data.messageKey === 'equalRatio')))
      .slice(0, 4)
      .map(n => `color-contrast: text the colour of its background at ${n.target.join(' ')}`),
  ]))
  .catch(e => done([`axe failed: ${e}`]));
"#;

/// Fills fields by id and clicks a button (by CSS selector), as a person
/// would: the form is submitted the browser's way, so one without
/// `novalidate` would stop at the browser's own (English) validation.
const SUBMIT: &str = r#"
const [fields, button] = arguments;
for (const [id, v] of Object.entries(fields)) {
  const e = document.getElementById(id);
  if (!e) return `no field #${id}`;
  if (e.type === 'checkbox') e.checked = !!v; else e.value = v;
}
if (button === null) return '';
const b = document.querySelector(button);
if (!b) return `no button ${button}`;
window.__walkOld = true;
setTimeout(() => b.click(), 0);
return '';
"#;

/// Which typed fields lost their value, and whether an error is shown.
const KEPT: &str = r#"
const lost = [];
if (!document.querySelector('.error-summary, .field-error, #conflict, #confirm-closed, #reopen-refused, #login-error, .error')) lost.push('no error shown');
for (const [id, v] of Object.entries(arguments[0])) {
  const e = document.getElementById(id);
  if (!e || e.type === 'password') continue;
  const now = e.type === 'checkbox' ? e.checked : e.value;
  if (now !== v) lost.push(`#${id} is ${JSON.stringify(now)}, was typed ${JSON.stringify(v)}`);
}
return lost;
"#;

struct Walk {
    c: Client,
    base: String,
    axe: String,
    routes: Vec<&'static str>,
    visited: BTreeSet<&'static str>,
    lang: &'static str,
    loads: usize,
    problems: Vec<String>,
    shots: Option<PathBuf>,
}

impl Walk {
    async fn visit(&mut self, path: &str) {
        self.c.goto(&format!("{}{path}", self.base)).await.unwrap();
        self.mark(path);
        self.check(path).await;
    }

    fn mark(&mut self, path: &str) {
        let path = path.split(['?', '#']).next().unwrap_or("");
        for r in &self.routes {
            if matches(r, path) {
                self.visited.insert(r);
            }
        }
    }

    /// Submits a form that must be refused: the answer shows an error, and
    /// every field still holds what was typed (passwords excepted).
    async fn refused(&mut self, what: &str, fields: Json, button: &str) {
        self.submit(what, fields.clone(), button).await;
        let r = self.c.execute(KEPT, vec![fields]).await.unwrap();
        assert_eq!(r, json!([]), "{what}");
    }

    /// Fills fields without submitting.
    async fn fill(&self, fields: Json) {
        let r = self
            .c
            .execute(SUBMIT, vec![fields, Json::Null])
            .await
            .unwrap();
        assert_eq!(r, json!(""), "{r}");
    }

    /// Fills and submits a form on the current page, then checks the page
    /// it leads to (an error, a confirmation).
    async fn submit(&mut self, what: &str, fields: Json, button: &str) {
        let r = self
            .c
            .execute(SUBMIT, vec![fields, json!(button)])
            .await
            .unwrap();
        assert_eq!(r, json!(""), "{what}: {r}");
        let mut arrived = false;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if let Ok(v) = self
                .c
                .execute(
                    "return window.__walkOld === undefined && document.readyState === 'complete'",
                    vec![],
                )
                .await
                && v == json!(true)
            {
                arrived = true;
                break;
            }
        }
        assert!(
            arrived,
            "{what}: the form did not submit (browser validation?)"
        );
        let url = self.c.current_url().await.unwrap();
        self.mark(url.path());
        self.check(what).await;
    }

    async fn check(&mut self, what: &str) {
        self.loads += 1;
        let url = self.c.current_url().await.unwrap();
        let at = format!("{what} [{}]", url.path());
        let bad = self
            .c
            .execute(PAGE_CHECKS, vec![json!(self.lang)])
            .await
            .unwrap();
        self.note(&at, "page", bad);
        let has_axe = self
            .c
            .execute("return typeof axe !== 'undefined'", vec![])
            .await
            .unwrap();
        if has_axe != json!(true) {
            self.c
                .execute(&format!("{}\nreturn true;", self.axe), vec![])
                .await
                .unwrap();
        }
        let v = self.c.execute_async(AXE_RUN, vec![]).await.unwrap();
        self.note(&at, "axe", v);
        for width in NARROW {
            self.resize(width).await;
            let v = self.c.execute(REFLOW, vec![]).await.unwrap();
            self.note(&at, &format!("reflow {width}px"), v);
            if width == 320 {
                // Narrow layouts have their own colours and labels (cards).
                let v = self.c.execute_async(AXE_RUN, vec![]).await.unwrap();
                self.note(&at, "axe at 320px", v);
            }
        }
        self.resize(WIDE.0).await;
        let v = self.c.execute(REFLOW, vec![]).await.unwrap();
        self.note(&at, &format!("layout at {}px", WIDE.0), v);
    }

    /// The checks find what they are for: a wide element and an image
    /// without a text alternative, put into the current page.
    async fn checks_can_fail(&mut self) {
        let before = self.problems.len();
        self.c
            .execute(
                // Styles are set from script: the CSP forbids style attributes.
                "const m = document.querySelector('main'); \
                 m.insertAdjacentHTML('beforeend', '<div id=wide>x</div><img src=/static/none.png><h1>2</h1>'); \
                 document.getElementById('wide').style.width = '900px';",
                vec![],
            )
            .await
            .unwrap();
        self.check("self-test").await;
        let found = self.problems.split_off(before).join("\n");
        for expected in ["reflow 320px", "reflow 640px", "image-alt", "2 h1 elements"] {
            assert!(
                found.contains(expected),
                "the walk misses {expected}: {found}"
            );
        }
    }

    /// Sets the viewport (not the window) to `width` CSS px.
    async fn resize(&self, width: u32) {
        let mut outer = width;
        for _ in 0..3 {
            self.c.set_window_size(outer, WIDE.1).await.unwrap();
            let inner = self
                .c
                .execute("return window.innerWidth", vec![])
                .await
                .unwrap()
                .as_u64()
                .unwrap() as u32;
            if inner == width {
                return;
            }
            // The window's frame takes the difference.
            outer = (i64::from(outer) + i64::from(width) - i64::from(inner)).max(1) as u32;
        }
        panic!("the browser would not take a {width} px viewport");
    }

    fn note(&mut self, at: &str, kind: &str, found: Json) {
        for f in found.as_array().into_iter().flatten() {
            self.problems
                .push(format!("{at}: {kind}: {}", f.as_str().unwrap_or("?")));
        }
    }

    async fn screenshot(&self, name: &str) {
        let Some(dir) = &self.shots else { return };
        self.c.set_window_size(WIDE.0, 1000).await.unwrap();
        let png = self.c.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
        self.c.set_window_size(WIDE.0, WIDE.1).await.unwrap();
    }

    async fn text(&self, css: &str) -> String {
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("no {css}"))
            .text()
            .await
            .unwrap()
    }
}

/// What the walks of all roles found.
#[derive(Default)]
struct Totals {
    visited: BTreeSet<&'static str>,
    loads: usize,
    problems: Vec<String>,
}

impl Totals {
    async fn add(&mut self, w: Walk) {
        w.c.close().await.unwrap();
        self.visited.extend(w.visited);
        self.loads += w.loads;
        self.problems.extend(w.problems);
    }
}

/// A demo case of `requester` (any requester if `None`) in `status`.
async fn case_in(app: &TestApp, requester: Option<&str>, status: Status) -> skranke_store::Case {
    let rid = match requester {
        Some(u) => Some(app.store.user_by_username(u).await.unwrap().id),
        None => None,
    };
    let (cases, _) = app
        .store
        .list_cases(&skranke_store::CaseFilter {
            requester_id: rid,
            status: Some(status),
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    cases
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("the demo data has a {status:?} case of {requester:?}"))
}

#[tokio::test]
async fn every_page_passes_axe_and_reflows_for_every_role() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let Some(axe) = axe_source() else { return };
    let app = spawn().await;
    let shots = std::env::var("SKRANKE_UPDATE_SCREENSHOTS").ok().map(|_| {
        let d = workspace().join("docs/screenshots");
        std::fs::create_dir_all(&d).unwrap();
        d
    });
    let routes = skranke_web::page_paths();
    let mut total = Totals::default();
    let walk = |c: Client, lang: &'static str| Walk {
        c,
        base: app.base.clone(),
        axe: axe.clone(),
        routes: routes.clone(),
        visited: BTreeSet::new(),
        lang,
        loads: 0,
        problems: Vec::new(),
        shots: shots.clone(),
    };
    let image = crate::support::temp_dir("walk").join("skjermbilde.png");
    std::fs::write(&image, PNG).unwrap();

    // Logged out: the login page, and a failed login.
    let mut w = walk(browser.session("anon").await, "nb");
    w.visit("/login").await;
    w.checks_can_fail().await;
    w.visit("/login").await;
    w.refused(
        "login with a wrong password",
        json!({"username": "ansatt", "password": "feil"}),
        "#login",
    )
    .await;
    // The status board, a message and an unsubscribe link need no login.
    let messages = app.store.op_messages(true).await.unwrap();
    let outage = messages
        .iter()
        .find(|m| m.row.title.starts_with("E-post er treg"))
        .unwrap()
        .row
        .id;
    w.visit("/status").await;
    w.screenshot("status").await;
    w.visit(&format!("/status/messages/{outage}")).await;
    let kari = app.store.user_by_username("ansatt").await.unwrap();
    let network = app
        .store
        .list_services()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.name == "Nettverk")
        .unwrap()
        .id;
    app.store
        .subscribe(
            kari.id,
            skranke_core::operational::Follows::Service(network),
            None,
            "walk-unsubscribe",
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    w.visit("/unsubscribe/walk-unsubscribe").await;
    w.submit("one-click unsubscribe", json!({}), "#unsubscribe")
        .await;
    assert!(w.text("#unsubscribed").await.contains("Nettverk"));
    w.visit("/unsubscribe/finnes-ikke").await;
    total.add(w).await;

    // An employee: reports, follows up, reopens, manages the account.
    let c = browser.session("ansatt").await;
    login(&c, &app.base, "ansatt").await;
    let mut w = walk(c, "nb");
    w.visit("/").await;
    w.visit("/portal").await;
    w.visit("/portal/new").await;
    w.refused(
        "report with a title but no description and a bad computer name",
        json!({"title": "Skriveren står", "computer_name": "PC 1;drop"}),
        "#submit-case",
    )
    .await;
    let summary = w.text(".error-summary").await;
    assert!(summary.contains("Beskrivelse"), "{summary}");
    w.screenshot("report-form").await;
    // A title of 200 characters without a space must wrap everywhere.
    let long =
        "Skriverenskjermenogtastaturetfungererikkeetteroppdateringen".repeat(4)[..200].to_owned();
    w.fill(json!({"kind": "fault", "title": long, "description": "Se bildet.", "computer_name": "PC-12345"}))
        .await;
    w.c.find(Locator::Id("attachment"))
        .await
        .unwrap()
        .send_keys(image.to_str().unwrap())
        .await
        .unwrap();
    w.submit(
        "report with a long word and an image",
        json!({}),
        "#submit-case",
    )
    .await;
    assert!(w.text("#flash").await.contains("er registrert med nummer"));
    let new_number = w.text("#case-number").await;
    w.visit("/portal").await;
    for status in Status::ALL {
        let case = case_in(&app, Some("ansatt"), status).await;
        w.visit(&format!("/cases/{}", case.number)).await;
    }
    let resolved = case_in(&app, Some("ansatt"), Status::Resolved).await;
    w.visit(&format!("/cases/{}", resolved.number)).await;
    w.refused("reopen without a reason", json!({}), "#reopen")
        .await;
    w.refused("reply with nothing", json!({}), "#send-reply")
        .await;
    let closed = case_in(&app, Some("ansatt"), Status::Closed).await;
    w.visit(&format!("/cases/{}", closed.number)).await;
    w.refused(
        "reply to a closed case",
        json!({"reply-body": "Feilen er tilbake."}),
        "#send-reply",
    )
    .await;
    w.submit("follow-up report", json!({}), "#follow-up").await;
    // The catalog: every service, a search, a whole description.
    let seed = include_str!("../../../skranke-core/tests/data/kundeservice-tjenestebeskrivelse.md");
    let service = skranke_core::catalog::CatalogService::from_form(
        skranke_core::catalog::parse(seed).unwrap(),
        None,
        "Brukerstøtte",
    );
    app.store
        .import_service(
            &service,
            &skranke_core::audit::AuditEntry::new(
                skranke_core::audit::AuditEvent::ServiceCreated,
                None,
            ),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    w.visit("/catalog").await;
    w.visit("/catalog?q=nett").await;
    w.visit("/catalog?q=ingenting").await;
    w.visit("/catalog/kundeservice").await;
    w.visit("/catalog/nettverk").await;
    w.visit("/catalog/finnes-ikke").await;
    // The status board: follow a service; say an outage concerns me too.
    w.visit("/status").await;
    w.submit(
        "follow a service",
        json!({}),
        &format!("#follow-service-{network}"),
    )
    .await;
    assert!(w.text("#flash").await.contains("følger nå"));
    // Her Outlook case is linked to the e-mail outage, so she is affected
    // by it already; tonight's maintenance concerns her too.
    let maintenance = messages
        .iter()
        .find(|m| m.row.title.starts_with("Oppgradering"))
        .unwrap()
        .row
        .id;
    w.visit(&format!("/status/messages/{outage}")).await;
    w.visit(&format!("/status/messages/{maintenance}")).await;
    w.submit("this concerns me too", json!({}), "#concerns-me")
        .await;
    assert!(w.text("#flash").await.contains("gjelder deg også"));
    // Copying a colleague on one's case, and taking them off again.
    let open = case_in(&app, Some("ansatt"), Status::InProgress).await;
    w.visit(&format!("/cases/{}", open.number)).await;
    w.refused(
        "copy a stranger",
        json!({"copy-email": "ingen@ukjent.example"}),
        "#copy",
    )
    .await;
    w.submit(
        "copy a colleague",
        json!({"copy-email": "ansatt2@kommune-b.example"}),
        "#copy",
    )
    .await;
    assert!(w.text("#flash").await.contains("får nå kopi"), "says so");
    w.submit("stop copying", json!({}), "button[id^='uncopy-']")
        .await;
    assert!(w.text("#flash").await.contains("får ikke lenger kopi"));
    // What the desk did, as in the e-mails.
    w.visit("/notifications").await;
    w.visit("/account").await;
    w.submit(
        "no e-mail when resolved",
        json!({"mail-resolved": false}),
        "#save-mail",
    )
    .await;
    assert!(w.text("#flash").await.contains("lagret"), "says so");
    let kari = app.store.user_by_username("ansatt").await.unwrap();
    assert_eq!(app.store.mail_off(kari.id).await.unwrap(), "resolved");
    w.refused(
        "token without a name",
        json!({"token-name": "", "token-days": "30", "token-write": false}),
        "#create-token",
    )
    .await;
    let kept = w
        .c
        .execute(
            "return [document.getElementById('token-days').value, document.getElementById('token-write').checked]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(kept, json!(["30", false]), "the form keeps what was chosen");
    w.submit("token", json!({"token-name": "Skript"}), "#create-token")
        .await;
    assert!(!w.text("#new-token").await.is_empty());
    w.visit("/account/password").await;
    w.refused(
        "password change with wrong fields",
        json!({"current": "feil", "new": "kort", "repeat": "annet"}),
        "#save-password",
    )
    .await;
    w.visit("/agent").await; // 403
    w.visit("/admin").await; // 403
    w.visit("/finnes-ikke").await; // 404
    w.visit("/cases/2026-999999").await;
    w.visit("/attachments/999999").await;
    // The same pages in English.
    w.lang = "en";
    w.submit("choose English", json!({}), "footer button[value=en]")
        .await;
    w.visit("/portal").await;
    w.visit("/portal/new").await;
    w.refused("report in English with nothing", json!({}), "#submit-case")
        .await;
    w.visit(&format!("/cases/{new_number}")).await;
    w.visit("/finnes-ikke").await;
    w.lang = "nb";
    w.submit("choose Norwegian", json!({}), "footer button[value=nb]")
        .await;
    w.visit("/portal/new").await;
    total.add(w).await;

    // A pupil: told kindly that the school helps.
    let c = browser.session("elev").await;
    login(&c, &app.base, "elev").await;
    let mut w = walk(c, "nb");
    w.visit("/").await;
    assert!(w.text("main").await.contains("skolen"));
    w.visit("/portal/new").await;
    w.visit("/account").await;
    total.add(w).await;

    // An agent: every queue, every status, the phone form, notifications.
    let c = browser.session("agent1").await;
    login(&c, &app.base, "agent1").await;
    let mut w = walk(c, "nb");
    w.visit("/").await;
    let queues: Vec<String> =
        w.c.execute(
            "return [...document.querySelectorAll('.tabs a')].map(a => a.getAttribute('href'))",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert!(queues.len() >= 4, "{queues:?}");
    for q in &queues {
        w.visit(q).await;
    }
    w.visit("/agent?queue=all&q=kari").await;
    w.visit("/agent?queue=all&priority=high").await;
    w.visit("/agent?queue=open").await;
    w.screenshot("agent-queue").await;
    w.visit("/notifications").await;
    w.visit("/agent/phone").await;
    w.visit("/agent/phone?q=ansatt").await;
    w.visit("/agent/phone?q=ingensomhelst").await;
    let kari = app.store.user_by_username("ansatt").await.unwrap();
    w.visit(&format!("/agent/phone/{}", kari.id)).await;
    w.refused("phone report with nothing", json!({}), "#submit-case")
        .await;
    for status in Status::ALL {
        let case = case_in(&app, None, status).await;
        w.visit(&format!("/cases/{}", case.number)).await;
    }
    let open = case_in(&app, None, Status::InProgress).await;
    w.visit(&format!("/cases/{}", open.number)).await;
    w.screenshot("case-page").await;
    w.refused("reply with nothing", json!({}), "#send-reply")
        .await;
    w.refused(
        "deadline in the wrong form",
        json!({"edit-deadline": "i morgen", "edit-reason": ""}),
        "#set-deadline",
    )
    .await;
    // Someone else changes the case meanwhile: the edit is a conflict.
    change_as(
        &app,
        "agent2",
        open.id,
        skranke_core::change::Change::Message(skranke_core::change::NewMessage {
            internal: true,
            body: "Ringte bruker.".into(),
            ..Default::default()
        }),
        jiff::Timestamp::now(),
    )
    .await;
    w.refused(
        "status change on a stale page",
        json!({"edit-status": "waiting_customer"}),
        "#save-status",
    )
    .await;
    assert!(w.text("#conflict").await.len() > 10);
    // A reply and a status in one press, and the page says both happened.
    let fresh = case_in(&app, None, Status::New).await;
    w.visit(&format!("/cases/{}", fresh.number)).await;
    w.submit(
        "reply and wait for the requester",
        json!({"reply-body": "Kan du sende et skjermbilde?"}),
        "#send-waiting_customer",
    )
    .await;
    let flash = w.text("#flash").await;
    assert!(
        flash.contains("Svaret er sendt") && flash.contains("Venter på bruker"),
        "{flash}"
    );
    let closed = case_in(&app, None, Status::Closed).await;
    w.visit(&format!("/cases/{}", closed.number)).await;
    w.refused(
        "reply to a closed case",
        json!({"reply-body": "Vi ser på det igjen."}),
        "#send-reply",
    )
    .await;
    // Operational messages: publish one from a case, update it, link cases.
    w.visit(&format!("/cases/{}", open.number)).await;
    w.visit(&format!("/agent/messages?case={}", open.number))
        .await;
    w.visit("/agent/messages").await;
    w.refused(
        "message without text",
        json!({"op-title": "Skriverne på skolen", "op-severity": "degraded"}),
        "#create-message",
    )
    .await;
    w.refused(
        "message that ends before it starts",
        json!({"op-body": "Vi ser på det.", "op-starts_at": "02.12.2026 10:00", "op-ends_at": "02.12.2026 09:00"}),
        "#create-message",
    )
    .await;
    w.submit(
        "publish a message",
        json!({"op-title": "Skriverne på skolen", "op-body": "Vi **ser** på det.", "op-severity": "degraded", "op-starts_at": "", "op-ends_at": ""}),
        "#create-message",
    )
    .await;
    assert!(w.text("#flash").await.contains("lagret"));
    w.refused("update with nothing", json!({}), "#add-update")
        .await;
    w.submit(
        "publish an update",
        json!({"op-update_body": "Leverandøren er varslet."}),
        "#add-update",
    )
    .await;
    w.refused(
        "link an unknown case",
        json!({"op-case": "2026-999999"}),
        "#link-case",
    )
    .await;
    w.submit("link a case", json!({"op-case": open.number}), "#link-case")
        .await;
    assert!(w.text("#flash").await.contains(&open.number));
    w.refused(
        "expected end in the wrong form",
        json!({"op-ends_at": "snart"}),
        "#save-message",
    )
    .await;
    w.visit(&format!("/cases/{new_number}")).await;
    w.visit("/admin").await; // 403
    w.visit("/account").await;
    total.add(w).await;

    // An admin: every admin form, with its errors.
    let c = browser.session("admin").await;
    login(&c, &app.base, "admin").await;
    let mut w = walk(c, "nb");
    // A service's description, edited on its page.
    w.visit("/catalog/kundeservice").await;
    w.visit("/admin/catalog/kundeservice").await;
    w.refused(
        "service without a name",
        json!({"sv-name": "", "sv-cost": "Inkludert i basistjenestene."}),
        "#save-service",
    )
    .await;
    w.submit(
        "save a service's description",
        json!({"sv-name": "Kundeservice", "sv-cost": "Inkludert i basistjenestene."}),
        "#save-service",
    )
    .await;
    assert!(w.text("#flash").await.contains("er lagret"));
    let saved = app.store.catalog_service("kundeservice").await.unwrap();
    assert_eq!(
        saved.description.sections[3].1, "Inkludert i basistjenestene.",
        "the page wrote it"
    );
    assert_eq!(saved.description.roles.len(), 3, "the roles kept");
    w.visit("/admin").await;
    w.refused(
        "new user with bad fields",
        json!({"u-username": "", "u-email": "ikke-epost"}),
        "#create-user",
    )
    .await;
    w.refused("new organisation without a name", json!({}), "#create-org")
        .await;
    w.refused(
        "new unit without a name",
        json!({}),
        "form[action$='/units'] button",
    )
    .await;
    w.refused("new team without a name", json!({}), "#create-team")
        .await;
    w.refused("new service without a name", json!({}), "#create-service")
        .await;
    w.submit("new team", json!({"team-name": "Nettverk"}), "#create-team")
        .await;
    assert!(
        w.text("#flash").await.contains("Nettverk"),
        "says what happened"
    );
    w.visit("/admin/audit").await;
    w.visit("/admin/audit?page=2").await;
    // Mail held in quarantine (a stranger's), released from the page.
    for n in 1..=2 {
        let raw = format!(
            "From: ola@ukjent.example\r\nTo: kundeservice@kundeservice.example\r\nSubject: Tilbud {n}\r\nMessage-ID: <walk-{n}@ukjent.example>\r\n\r\nHei\r\n"
        );
        skranke_web::inbound::receive(
            &app.state,
            skranke_store::MailSource::Smtp,
            Some("ola@ukjent.example"),
            &["kundeservice@kundeservice.example".to_owned()],
            None,
            raw.into_bytes(),
            None,
        )
        .await
        .unwrap();
    }
    skranke_web::inbound::process_pending(&app.state, 10)
        .await
        .unwrap();
    w.visit("/admin/mail").await;
    w.submit("release held mail", json!({}), "button[id^='release-']")
        .await;
    assert!(
        w.text("#flash").await.contains("sluppet ut"),
        "says what happened"
    );
    w.submit("delete held mail", json!({}), "button[id^='delete-']")
        .await;
    w.visit("/account").await;
    total.add(w).await;

    let Totals {
        visited,
        loads,
        problems,
    } = total;
    let unvisited: Vec<_> = routes.iter().filter(|r| !visited.contains(*r)).collect();
    assert!(
        unvisited.is_empty(),
        "page routes the walk does not reach: {unvisited:?}"
    );
    println!("walked {loads} page loads");
    assert!(
        problems.is_empty(),
        "{} problems on {loads} page loads:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A small valid PNG (8×8, blue), made with zlib.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x08, 0x02, 0x00, 0x00, 0x00, 0x4b, 0x6d, 0x29,
    0xdc, 0x00, 0x00, 0x00, 0x11, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xe0, 0x8e, 0x5f, 0x8a,
    0x15, 0x31, 0x0c, 0x2d, 0x09, 0x00, 0x52, 0xce, 0x43, 0xc1, 0xa5, 0xc2, 0x1e, 0x77, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];
