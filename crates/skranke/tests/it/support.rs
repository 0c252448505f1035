use reqwest::{Client, StatusCode, redirect};
use skranke_core::Config;
use skranke_store::Store;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

tokio::task_local! {
    /// The backend the current test runs against (set by `both!`).
    pub static BACKEND: Backend;
}

pub fn backend() -> Backend {
    BACKEND.try_with(|b| *b).unwrap_or(Backend::Sqlite)
}

/// The PostgreSQL server for tests, if any: CI sets it to the local server.
pub fn postgres_url() -> Option<String> {
    std::env::var("SKRANKE_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A fresh database for one test: a SQLite file in the data directory, or
/// a schema of its own on the test PostgreSQL, dropped at the end.
pub struct TestDb {
    pub url: Option<String>,
    schema: Option<String>,
}

impl TestDb {
    pub async fn create(data: &std::path::Path, config: &Config) -> (Store, TestDb) {
        let sla = skranke_store::SlaSettings::from_config(config).unwrap();
        match backend() {
            Backend::Sqlite => (
                Store::open_sqlite(&data.join("skranke.db"), sla)
                    .await
                    .unwrap(),
                TestDb {
                    url: None,
                    schema: None,
                },
            ),
            Backend::Postgres => {
                let base = postgres_url().expect("SKRANKE_TEST_POSTGRES_URL");
                static N: AtomicU32 = AtomicU32::new(0);
                let schema = format!(
                    "t{}_{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                );
                let admin = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&base)
                    .await
                    .unwrap();
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .execute(&admin)
                    .await
                    .unwrap();
                admin.close().await;
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
                (
                    Store::open_postgres(&url, sla).await.unwrap(),
                    TestDb {
                        url: Some(url),
                        schema: Some(schema),
                    },
                )
            }
        }
    }

    /// The `--data`/`--database` arguments that point a `skranke` command at this database.
    pub fn args(&self, data: &std::path::Path) -> Vec<String> {
        let mut a = vec!["--data".to_owned(), data.display().to_string()];
        if let Some(url) = &self.url {
            a.push("--database".into());
            a.push(url.clone());
        }
        a
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (Some(schema), Some(base)) = (self.schema.take(), postgres_url()) else {
            return;
        };
        // Drop runs inside the test's runtime; drop the schema from a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(admin) = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&base)
                    .await
                {
                    let _ =
                        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                            .execute(&admin)
                            .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

/// A running server on a random loopback port with demo data in a fresh
/// data directory and database, removed when the test ends.
pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub state: skranke_web::AppState,
    pub data: PathBuf,
    pub db: TestDb,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// A port on 127.0.0.1 nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (five seconds at most) until something listens on the port.
pub async fn listening(port: u16) -> bool {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    false
}

pub fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "skranke-test-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub async fn spawn() -> TestApp {
    spawn_with(Config::default()).await
}

pub async fn spawn_with(config: Config) -> TestApp {
    let data = temp_dir("app");
    let (store, db) = TestDb::create(&data, &config).await;
    skranke::demo::seed(&store).await.unwrap();
    let state = skranke_web::AppState::new(store.clone(), config, data.clone()).unwrap();
    spawn_state(state, store, data, db).await
}

/// Serves a prepared state (tests that choose its deliveries).
pub async fn spawn_state(
    state: skranke_web::AppState,
    store: Store,
    data: PathBuf,
    db: TestDb,
) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(skranke_web::serve(listener, state.clone(), async {
        let _ = rx.await;
    }));
    TestApp {
        base,
        store,
        state,
        data,
        db,
        shutdown: Some(tx),
    }
}

/// A browser-like client: keeps cookies, does not follow redirects (so tests see them).
pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

/// The CSRF token in a page's forms.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("page has a csrf field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, c: &Client, path: &str) -> (StatusCode, String) {
        let r = c.get(self.url(path)).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    pub async fn post(&self, c: &Client, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        c.post(self.url(path)).form(form).send().await.unwrap()
    }

    /// Calls the JSON API with a bearer token (and a JSON body, if any).
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let mut r = client().request(method, self.url(path)).bearer_auth(token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.unwrap()
    }

    /// Posts the case page's reply form (multipart: text, flag, file).
    pub async fn reply(
        &self,
        c: &Client,
        number: &str,
        form: reqwest::multipart::Form,
    ) -> reqwest::Response {
        c.post(self.url(&format!("/cases/{number}/messages")))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Logs in with the demo password; returns the client and the session's CSRF token.
    pub async fn login(&self, username: &str) -> (Client, String) {
        login_with(self, username, "demo").await
    }

    /// Reports a fault through the portal; returns the new case's number.
    pub async fn report(&self, c: &Client, csrf: &str, title: &str) -> String {
        let r = self
            .post(
                c,
                "/portal/cases",
                &[
                    ("csrf", csrf),
                    ("kind", "fault"),
                    ("title", title),
                    ("description", "Det virker ikke."),
                    ("computer_name", "PC-42"),
                    ("system_down_for_user", "on"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        location.strip_prefix("/cases/").unwrap().to_owned()
    }

    pub async fn case_count(&self) -> i64 {
        let (_, total) = self
            .store
            .list_cases(&skranke_store::CaseFilter {
                limit: 1,
                ..Default::default()
            })
            .await
            .unwrap();
        total
    }

    /// An API token for a user, created through the account page.
    pub async fn token(&self, username: &str) -> String {
        let (c, csrf) = self.login(username).await;
        let r = self
            .post(
                &c,
                "/account/tokens",
                &[("csrf", &csrf), ("name", "test"), ("write", "on")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let page = r.text().await.unwrap();
        new_token_of(&page)
    }
}

/// The secret the account page shows once, after a token is made.
pub fn new_token_of(page: &str) -> String {
    let at = page
        .find("id=\"new-token\"")
        .expect("a new token on the page");
    let start = at + page[at..].find('>').unwrap() + 1;
    page[start..].split('<').next().unwrap().to_owned()
}

/// Applies a change to a case as `username` (an agent: as the handler would).
pub async fn change_as(
    app: &TestApp,
    username: &str,
    case_id: i64,
    change: skranke_core::change::Change,
    now: jiff::Timestamp,
) -> skranke_store::Case {
    let u = app.store.user_by_username(username).await.unwrap();
    let actor = skranke_core::Actor {
        user_id: u.id,
        kind: u.kind,
    };
    app.store
        .change_case(
            skranke_store::ChangeCase {
                case_id,
                actor,
                change,
                based_on: skranke_store::BasedOn::Latest,
                attachments: &[],
                now,
                idempotency: None,
                from_mail: None,
            },
            &skranke_core::change::Rules::from_config(&app.state.config),
        )
        .await
        .unwrap()
        .case
}

/// An agent's edit that sets a status.
pub fn set_status(status: skranke_core::Status) -> skranke_core::change::Change {
    skranke_core::change::Change::Update(skranke_core::change::Update {
        status: Some(status),
        ..Default::default()
    })
}

/// A connection of its own to the test's database, beside the server's:
/// for what a test must do behind the application's back.
pub enum RawConn {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl RawConn {
    pub async fn exec(&mut self, sql: &str) {
        let q = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
        match self {
            RawConn::Sqlite(c) => q.execute(c).await.map(|_| ()),
            RawConn::Postgres(c) => sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(c)
                .await
                .map(|_| ()),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

impl TestApp {
    pub async fn raw_conn(&self) -> RawConn {
        use sqlx::Connection;
        match &self.db.url {
            None => RawConn::Sqlite(
                sqlx::SqliteConnection::connect(&format!(
                    "sqlite://{}",
                    self.data.join("skranke.db").display()
                ))
                .await
                .unwrap(),
            ),
            Some(url) => RawConn::Postgres(sqlx::PgConnection::connect(url).await.unwrap()),
        }
    }
}

/// Logs in with a password; returns the client and the session's CSRF token.
pub async fn login_with(app: &TestApp, username: &str, password: &str) -> (Client, String) {
    let c = client();
    let (_, page) = app.get(&c, "/login").await;
    let r = app
        .post(
            &c,
            "/login",
            &[
                ("csrf", &csrf_of(&page)),
                ("username", username),
                ("password", password),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {username}");
    let (status, page) = app.get(&c, "/account").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_of(&page);
    (c, csrf)
}

/// Log lines of this test process (every test's), as a server would write
/// them in its text format.
pub fn captured_logs() -> &'static std::sync::Mutex<Vec<u8>> {
    static LOGS: std::sync::LazyLock<&'static std::sync::Mutex<Vec<u8>>> =
        std::sync::LazyLock::new(|| {
            let buf: &'static std::sync::Mutex<Vec<u8>> =
                Box::leak(Box::new(std::sync::Mutex::new(Vec::new())));
            let subscriber = tracing_subscriber::fmt()
                .with_ansi(false)
                .with_max_level(tracing::Level::INFO)
                .with_writer(move || Captured(buf))
                .finish();
            let _ = tracing::subscriber::set_global_default(subscriber);
            buf
        });
    *LOGS
}

struct Captured(&'static std::sync::Mutex<Vec<u8>>);

impl std::io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
