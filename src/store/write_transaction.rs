//! The one transaction of a use case that writes: on a SQLite file, the direct writer's
//! (`direct_writes`); on PostgreSQL and in-memory SQLite, sea-orm's own. The store's functions
//! take either, as `&impl ConnectionTrait`.

use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, Statement,
};

use super::direct_writes::DirectWrite;

pub enum WriteTransaction {
    Pool(DatabaseTransaction),
    Direct(DirectWrite),
}

impl WriteTransaction {
    pub async fn commit(self) -> Result<(), DbErr> {
        match self {
            Self::Pool(txn) => txn.commit().await,
            Self::Direct(txn) => txn.commit(),
        }
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        match self {
            Self::Pool(txn) => txn.rollback().await,
            Self::Direct(txn) => txn.rollback(),
        }
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTransaction {
    fn get_database_backend(&self) -> DbBackend {
        match self {
            Self::Pool(txn) => txn.get_database_backend(),
            Self::Direct(txn) => txn.get_database_backend(),
        }
    }

    async fn execute_raw(&self, statement: Statement) -> Result<ExecResult, DbErr> {
        match self {
            Self::Pool(txn) => txn.execute_raw(statement).await,
            Self::Direct(txn) => txn.execute_raw(statement).await,
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match self {
            Self::Pool(txn) => txn.execute_unprepared(sql).await,
            Self::Direct(txn) => txn.execute_unprepared(sql).await,
        }
    }

    async fn query_one_raw(&self, statement: Statement) -> Result<Option<QueryResult>, DbErr> {
        match self {
            Self::Pool(txn) => txn.query_one_raw(statement).await,
            Self::Direct(txn) => txn.query_one_raw(statement).await,
        }
    }

    async fn query_all_raw(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            Self::Pool(txn) => txn.query_all_raw(statement).await,
            Self::Direct(txn) => txn.query_all_raw(statement).await,
        }
    }

    fn support_returning(&self) -> bool {
        match self {
            Self::Pool(txn) => txn.support_returning(),
            Self::Direct(txn) => txn.support_returning(),
        }
    }
}
