//! `Collection<O, M>`: the members of one object's `Set` field, loaded, counted, added to and
//! removed from through a transaction (`category.products().fetch(tx)`).
//!
//! One-to-many: adding sets the member's reference to the owner (an ordinary change, flushed
//! as usual); removing sets it to NULL, which an optional reference allows and a required one
//! refuses. Many-to-many: adding and removing write the join table at once.

use std::marker::PhantomData;

use crate::backend::Param;
use crate::entity::Entity;
use crate::member_loading;
use crate::obj::Obj;
use crate::pairing::{partner, Partner};
use crate::relation::{link_table, RelationMeta};
use crate::render::relation::{self as sql_of, Membership};
use crate::render::Dialect;
use crate::statement_cache::{RelationOp, StatementKey};
use crate::transaction::Transaction;
use crate::value::{Value, ValueRef};
use crate::{Error, Result};

/// The members of one object's `Set` field.
pub struct Collection<O: Entity, M: Entity> {
    owner_key: O::Key,
    /// The owner object (whether it is deleted: its delete pending, or written and the
    /// object gone from the transaction's map).
    owner: Obj<O>,
    /// The owner object's transaction: changes go through that one only.
    owner_tx: std::rc::Weak<crate::transaction::TxShared>,
    relation: usize,
    _m: PhantomData<fn() -> M>,
}

impl<O: Entity, M: Entity> Collection<O, M> {
    pub(crate) fn new(
        owner_key: O::Key,
        owner: Obj<O>,
        owner_tx: std::rc::Weak<crate::transaction::TxShared>,
        relation: usize,
    ) -> Self {
        Collection {
            owner_key,
            owner,
            owner_tx,
            relation,
            _m: PhantomData,
        }
    }

    /// The owner's relationship this collection is (its position among `O`'s).
    pub(crate) fn relation(&self) -> usize {
        self.relation
    }

    /// The owner's key.
    pub(crate) fn owner_key(&self) -> &O::Key {
        &self.owner_key
    }

    /// How the members belong to the owner.
    pub(crate) fn membership(&self) -> Result<Membership> {
        self.shape()
    }

    fn rel(&self) -> Result<&'static RelationMeta> {
        O::meta().relations.get(self.relation).ok_or_else(|| {
            Error::SchemaMismatch(format!(
                "`{}` has no relationship number {}",
                O::meta().name,
                self.relation
            ))
        })
    }

    fn shape(&self) -> Result<Membership> {
        let owner = O::meta();
        let rel = self.rel()?;
        match partner(owner, rel).map_err(Error::SchemaMismatch)? {
            Partner::Reference { column } => Ok(Membership::Reference(column)),
            Partner::Set { relation } => {
                let field = M::meta().relations.get(relation).map_or("", |r| r.field);
                Ok(Membership::Link(link_table(owner, rel, field)))
            }
            Partner::OneToOne { .. } => Err(Error::SchemaMismatch(format!(
                "`{}.{}` is a reference, not a collection",
                owner.name, rel.field
            ))),
        }
    }

    /// Changes act only within the owner's transaction, on members of that transaction, and
    /// the owner is not deleted (a member added to an owner whose delete is pending would be
    /// deleted by its cascade, or let go again, after an `Ok`).
    fn check_own(&self, tx: &Transaction, member: Option<&Obj<M>>) -> Result<()> {
        tx.check_open()?;
        if !tx.owns(&self.owner_tx) {
            return Err(Error::ForeignObject {
                entity: O::meta().name,
            });
        }
        // (Once its delete is written the owner has left the map, and says `Gone`.)
        if self.owner.is_deleted() {
            return Err(Error::ObjectDeleted {
                entity: O::meta().name,
            });
        }
        match member {
            Some(m) => m.check_tx(tx),
            None => Ok(()),
        }
    }

    /// A deleted owner has no members to read (PonyORM's `OperationWithDeletedObjectError`;
    /// once its delete is written, its cascade has emptied the collection, which would read
    /// as empty rather than as an error).
    fn check_owner_alive(&self) -> Result<()> {
        if self.owner.is_deleted() {
            return Err(Error::ObjectDeleted {
                entity: O::meta().name,
            });
        }
        Ok(())
    }

    /// The owner's key, one value per key column (what a member's reference holds).
    fn owner_values(&self) -> Vec<Value> {
        O::key_params(&self.owner_key)
    }

    /// The owner's key and then `member`'s, as parameters.
    fn params<'a>(owner: &'a [Value], member: &'a [Value]) -> Vec<Param<'a>> {
        owner.iter().chain(member).map(Param::Owned).collect()
    }

    /// The SQL of one statement about this collection, rendered once per relation and
    /// dialect and kept in the owner's metadata.
    fn statement(
        &self,
        tx: &Transaction,
        op: RelationOp,
        render: impl FnOnce(Dialect) -> String,
    ) -> crate::statement_cache::StatementText {
        let d = tx.dialect();
        O::meta()
            .cache
            .statement(StatementKey::Relation(d, self.relation, op), || render(d))
    }

    /// The members, in key order.
    ///
    /// The first `fetch` of a collection also loads, in the same statement, the same
    /// collection of up to 99 other objects of `O` loaded in the transaction (those whose
    /// members are not loaded yet): following `c.invoices()` from each of 21 customers is
    /// one statement, not 21. The members stay loaded in the transaction, and `fetch`,
    /// `count`, `is_empty` and `contains` answer from them, until a row of `M` is inserted
    /// or deleted or changes a reference, or raw SQL, a bulk statement or a many-to-many
    /// link changes rows (updates of other columns keep them). `Query::prefetch` loads
    /// them for a whole result.
    ///
    /// # Errors
    /// [`Error::ObjectDeleted`] when the owner is deleted; database errors.
    pub fn fetch(&self, tx: &Transaction) -> Result<Vec<Obj<M>>> {
        self.check_owner_alive()?;
        tx.flush()?;
        if let Some(found) =
            member_loading::loaded::<O, M, _>(tx, self.relation, &self.owner_key, <[_]>::to_vec)
        {
            return Ok(found);
        }
        let shape = self.shape()?;
        let owners =
            member_loading::with_siblings::<O, M>(tx, self.relation, self.owner_key.clone());
        Ok(member_loading::load::<O, M>(tx, self.relation, &shape, owners, 1)?.first)
    }

    /// How many members there are (from the loaded members when they are loaded).
    ///
    /// # Errors
    /// [`Error::ObjectDeleted`] when the owner is deleted; database errors.
    pub fn count(&self, tx: &Transaction) -> Result<i64> {
        self.check_owner_alive()?;
        tx.flush()?;
        if let Some(n) =
            member_loading::loaded::<O, M, _>(tx, self.relation, &self.owner_key, |l| l.len())
        {
            return Ok(i64::try_from(n).unwrap_or(i64::MAX));
        }
        let shape = self.shape()?;
        let sql = self.statement(tx, RelationOp::Count, |d| {
            sql_of::count_members(d, M::meta(), &shape)
        });
        let owner = self.owner_values();
        let mut n = 0;
        tx.decode_rows(&sql, &Self::params(&owner, &[]), |c: i64| n = c)?;
        Ok(n)
    }

    /// Whether there are no members.
    ///
    /// # Errors
    /// [`Error::ObjectDeleted`] when the owner is deleted; database errors.
    pub fn is_empty(&self, tx: &Transaction) -> Result<bool> {
        Ok(self.count(tx)? == 0)
    }

    /// Whether `member` belongs to the collection.
    ///
    /// # Errors
    /// [`Error::ObjectDeleted`] when the owner is deleted; database errors.
    pub fn contains(&self, tx: &Transaction, member: &Obj<M>) -> Result<bool> {
        self.check_owner_alive()?;
        tx.flush()?;
        let key = member.key();
        if let Some(found) =
            member_loading::loaded::<O, M, _>(tx, self.relation, &self.owner_key, |l| {
                l.iter().any(|m| m.key() == key)
            })
        {
            return Ok(found);
        }
        let shape = self.shape()?;
        let sql = self.statement(tx, RelationOp::Contains, |d| {
            sql_of::has_member(d, M::meta(), &shape)
        });
        let (owner, m) = (self.owner_values(), M::key_params(&key));
        let mut n = 0;
        tx.decode_rows(&sql, &Self::params(&owner, &m), |c: i64| n = c)?;
        Ok(n > 0)
    }

    /// Adds `member` (one-to-many: points its reference at the owner; many-to-many: links).
    ///
    /// # Errors
    /// [`Error::TransactionClosed`]; [`Error::ForeignObject`] when the owner or `member`
    /// belongs to another transaction; [`Error::ObjectDeleted`] when the owner or `member`
    /// is deleted (its delete pending or done); database errors.
    pub fn add(&self, tx: &Transaction, member: &Obj<M>) -> Result<()> {
        self.check_own(tx, Some(member))?;
        if member.is_deleted() {
            return Err(Error::ObjectDeleted {
                entity: M::meta().name,
            });
        }
        let owner = self.owner_values();
        match self.shape()? {
            Membership::Reference(column) => {
                let values: Vec<ValueRef<'_>> = owner.iter().map(Value::as_ref).collect();
                point(member, column, &values)
            }
            Membership::Link(link) => {
                tx.flush()?;
                tx.ensure_writing()?;
                tx.shared.cache.borrow_mut().bump_all();
                let sql = self.statement(tx, RelationOp::Link, |d| sql_of::link(d, &link));
                let m = M::key_params(&member.key());
                let params = Self::params(&owner, &m);
                if tx.conn()?.execute(&sql, &params)? == 0 {
                    // Skipped by a uniqueness: the pair linked already, or (a link table of
                    // another tool's, `UNIQUE (song)`) another row holding one of its values.
                    let shape = self.shape()?;
                    let sql = self.statement(tx, RelationOp::Contains, |d| {
                        sql_of::has_member(d, M::meta(), &shape)
                    });
                    let mut n = 0;
                    tx.decode_rows(&sql, &params, |c: i64| n = c)?;
                    if n == 0 {
                        return Err(Error::Constraint {
                            kind: crate::ConstraintKind::Unique,
                            table: link.table.clone(),
                            column: None,
                            message: format!(
                                "a unique constraint of the link table `{}` refused the pair: another row holds one of its values",
                                link.table
                            ),
                        });
                    }
                }
                Ok(())
            }
        }
    }

    /// Removes `member` (one-to-many: sets its optional reference to NULL; a required one
    /// cannot be unset, so that is [`Error::RequiredReference`]; many-to-many: unlinks).
    ///
    /// # Errors
    /// [`Error::RequiredReference`] for a required reference; [`Error::ForeignObject`] when
    /// `member` belongs to another transaction; database errors.
    pub fn remove(&self, tx: &Transaction, member: &Obj<M>) -> Result<()> {
        self.check_own(tx, Some(member))?;
        match self.shape()? {
            Membership::Reference(column) => {
                let meta = M::meta();
                if !meta.columns[column].nullable {
                    return Err(Error::RequiredReference {
                        entity: meta.name,
                        field: meta.columns[column].field,
                        owner: O::meta().name,
                    });
                }
                let owner = self.owner_values();
                let belongs = {
                    let value = member.cell().value.borrow();
                    owner
                        .iter()
                        .enumerate()
                        // (By value: PostgreSQL keeps a decimal's scale, `1.1` names `1.10`.)
                        .all(|(k, o)| {
                            crate::identity_map::same_value(
                                value.column_ref(column + k).to_owned_value(),
                                o,
                            )
                        })
                };
                if belongs {
                    point(member, column, &vec![ValueRef::Null; owner.len()])?;
                }
                Ok(())
            }
            Membership::Link(link) => {
                tx.flush()?;
                tx.ensure_writing()?;
                tx.shared.cache.borrow_mut().bump_all();
                let sql = self.statement(tx, RelationOp::Unlink, |d| sql_of::unlink(d, &link));
                let (owner, m) = (self.owner_values(), M::key_params(&member.key()));
                tx.conn()?.execute(&sql, &Self::params(&owner, &m))?;
                Ok(())
            }
        }
    }

    /// Removes every member.
    ///
    /// # Errors
    /// As [`Collection::remove`].
    pub fn clear(&self, tx: &Transaction) -> Result<()> {
        self.check_own(tx, None)?;
        for m in self.fetch(tx)? {
            self.remove(tx, &m)?;
        }
        Ok(())
    }
}

/// Points a member's reference (its columns from `column` on) at `owner`'s key (or NULL),
/// as a tracked change.
fn point<M: Entity>(member: &Obj<M>, column: usize, owner: &[ValueRef<'_>]) -> Result<()> {
    let mut result = Ok(());
    member.set(|v| result = v.set_field_values(column, owner))?;
    result
}
