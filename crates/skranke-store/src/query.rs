//! One query text for both backends. SQL is written once with `$1, $2 …`
//! placeholders (SQLite and PostgreSQL both read them), arguments are
//! collected as plain values, and execution dispatches on the backend.
//! Rows decode through the same `FromRow` derives on either side.

use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, Decode, FromRow, Postgres, Sqlite, Type};
use std::borrow::Cow;

/// A bound value. Only what our schema uses: integers, text and booleans.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    I64(Option<i64>),
    Str(Option<String>),
    Bool(bool),
}

pub(crate) trait IntoArg {
    fn into_arg(self) -> Arg;
}

impl IntoArg for i64 {
    fn into_arg(self) -> Arg {
        Arg::I64(Some(self))
    }
}
impl IntoArg for i16 {
    fn into_arg(self) -> Arg {
        Arg::I64(Some(i64::from(self)))
    }
}
impl IntoArg for Option<i64> {
    fn into_arg(self) -> Arg {
        Arg::I64(self)
    }
}
impl IntoArg for bool {
    fn into_arg(self) -> Arg {
        Arg::Bool(self)
    }
}
impl IntoArg for &str {
    fn into_arg(self) -> Arg {
        Arg::Str(Some(self.to_owned()))
    }
}
impl IntoArg for String {
    fn into_arg(self) -> Arg {
        Arg::Str(Some(self))
    }
}
impl IntoArg for &String {
    fn into_arg(self) -> Arg {
        Arg::Str(Some(self.clone()))
    }
}
impl IntoArg for Option<String> {
    fn into_arg(self) -> Arg {
        Arg::Str(self)
    }
}
impl IntoArg for &Option<String> {
    fn into_arg(self) -> Arg {
        Arg::Str(self.clone())
    }
}
impl IntoArg for Option<&str> {
    fn into_arg(self) -> Arg {
        Arg::Str(self.map(str::to_owned))
    }
}

/// SQL text and its arguments.
#[derive(Debug, Clone)]
pub(crate) struct Q {
    pub sql: Cow<'static, str>,
    pub args: Vec<Arg>,
}

pub(crate) fn q(sql: impl Into<Cow<'static, str>>) -> Q {
    Q {
        sql: sql.into(),
        args: Vec::new(),
    }
}

impl Q {
    pub fn bind(mut self, v: impl IntoArg) -> Q {
        self.args.push(v.into_arg());
        self
    }

    /// Appends SQL text.
    pub fn push(&mut self, sql: &str) -> &mut Q {
        self.sql.to_mut().push_str(sql);
        self
    }

    /// Appends the next placeholder and its value.
    pub fn push_bind(&mut self, v: impl IntoArg) -> &mut Q {
        self.args.push(v.into_arg());
        let n = self.args.len();
        self.sql.to_mut().push_str(&format!("${n}"));
        self
    }

    /// Appends `(…)` with a placeholder for each value, for `IN`.
    pub fn push_list<V: IntoArg>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Q {
        self.push("(");
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push_bind(v);
        }
        self.push(")")
    }

    pub(crate) fn sqlite_args(&self) -> SqliteArguments {
        let mut a = SqliteArguments::default();
        for arg in &self.args {
            // Adding an owned integer, string or bool cannot fail.
            let _ = match arg.clone() {
                Arg::I64(v) => a.add(v),
                Arg::Str(v) => a.add(v),
                Arg::Bool(v) => a.add(v),
            };
        }
        a
    }

    pub(crate) fn pg_args(&self) -> PgArguments {
        let mut a = PgArguments::default();
        for arg in &self.args {
            let _ = match arg.clone() {
                Arg::I64(v) => a.add(v),
                Arg::Str(v) => a.add(v),
                Arg::Bool(v) => a.add(v),
            };
        }
        a
    }
}

/// A row type readable from both backends.
pub(crate) trait Row:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// A single value readable from both backends.
pub(crate) trait Scalar:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

/// Runs `$q` on an executor of either backend: `run!(exec, q, method)`
/// where `exec` is `Exec::Sqlite(e)` or `Exec::Postgres(e)`.
macro_rules! dispatch {
    ($exec:expr, $q:expr, $kind:ident, $method:ident) => {{
        let q = $q;
        match $exec {
            $crate::db::Exec::Sqlite(e) => {
                $crate::query::dispatch!(@$kind Sqlite, q, q.sqlite_args(), e, $method)
            }
            $crate::db::Exec::Postgres(e) => {
                $crate::query::dispatch!(@$kind Postgres, q, q.pg_args(), e, $method)
            }
        }
    }};
    (@row $db:ident, $q:ident, $args:expr, $e:ident, $method:ident) => {
        sqlx::query_as_with::<sqlx::$db, _, _>(sqlx::AssertSqlSafe($q.sql.to_string()), $args)
            .$method($e)
            .await
    };
    (@scalar $db:ident, $q:ident, $args:expr, $e:ident, $method:ident) => {
        sqlx::query_scalar_with::<sqlx::$db, _, _>(sqlx::AssertSqlSafe($q.sql.to_string()), $args)
            .$method($e)
            .await
    };
    (@exec $db:ident, $q:ident, $args:expr, $e:ident, $method:ident) => {
        sqlx::query_with::<sqlx::$db, _>(sqlx::AssertSqlSafe($q.sql.to_string()), $args)
            .execute($e)
            .await
            .map(|r| r.rows_affected())
    };
}
pub(crate) use dispatch;

/// The query methods, for transactions and for the read pool alike.
macro_rules! query_methods {
    () => {
        #[allow(dead_code)]
        pub(crate) async fn one<T: $crate::query::Row>(
            &mut self,
            q: $crate::query::Q,
        ) -> Result<T, sqlx::Error> {
            $crate::query::dispatch!(self.executor(), q, row, fetch_one)
        }
        #[allow(dead_code)]
        pub(crate) async fn opt<T: $crate::query::Row>(
            &mut self,
            q: $crate::query::Q,
        ) -> Result<Option<T>, sqlx::Error> {
            $crate::query::dispatch!(self.executor(), q, row, fetch_optional)
        }
        #[allow(dead_code)]
        pub(crate) async fn all<T: $crate::query::Row>(
            &mut self,
            q: $crate::query::Q,
        ) -> Result<Vec<T>, sqlx::Error> {
            $crate::query::dispatch!(self.executor(), q, row, fetch_all)
        }
        #[allow(dead_code)]
        pub(crate) async fn scalar<T: $crate::query::Scalar>(
            &mut self,
            q: $crate::query::Q,
        ) -> Result<T, sqlx::Error> {
            $crate::query::dispatch!(self.executor(), q, scalar, fetch_one)
        }
        #[allow(dead_code)]
        pub(crate) async fn scalar_opt<T: $crate::query::Scalar>(
            &mut self,
            q: $crate::query::Q,
        ) -> Result<Option<T>, sqlx::Error> {
            $crate::query::dispatch!(self.executor(), q, scalar, fetch_optional)
        }
        #[allow(dead_code)]
        pub(crate) async fn scalars<T: $crate::query::Scalar>(
            &mut self,
            q: $crate::query::Q,
        ) -> Result<Vec<T>, sqlx::Error> {
            $crate::query::dispatch!(self.executor(), q, scalar, fetch_all)
        }
        #[allow(dead_code)]
        pub(crate) async fn exec(&mut self, q: $crate::query::Q) -> Result<u64, sqlx::Error> {
            $crate::query::dispatch!(self.executor(), q, exec, execute)
        }
    };
}
pub(crate) use query_methods;
