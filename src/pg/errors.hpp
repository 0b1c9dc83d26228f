// The pg::Error tree: one exception type per SQLSTATE class that callers act on differently,
// plus the pool's own failures. Messages never contain a DSN password.
#pragma once

#include <stdexcept>
#include <string>

namespace shipd::pg {

/// Base of every error thrown by shipd::pg. sqlstate() is empty for client-side failures.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message, std::string sqlstate = {})
        : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
    const std::string& sqlstate() const noexcept { return sqlstate_; }

private:
    std::string sqlstate_;
};

/// The connection is unusable: class 08, a lost socket, a connect failure or a server that
/// stopped answering within the client-side deadline. The pool evicts the connection.
class ConnectionError : public Error {
public:
    using Error::Error;
};

/// 57P01-57P03: the server is shutting down or not yet accepting (admin shutdown, crash
/// shutdown, cannot connect now). The pool evicts the connection.
class AdminShutdown : public ConnectionError {
public:
    using ConnectionError::ConnectionError;
};

/// Any error the server reported for a statement (has a SQLSTATE).
class ServerError : public Error {
public:
    using Error::Error;
};

/// 57014: the statement was cancelled (by a user request or a timeout).
class QueryCanceled : public ServerError {
public:
    using ServerError::ServerError;
};

/// 57014 caused by statement_timeout (DATABASE_COMMAND_TIMEOUT).
class StatementTimeout : public QueryCanceled {
public:
    using QueryCanceled::QueryCanceled;
};

/// Class 23.
class IntegrityConstraintViolation : public ServerError {
public:
    IntegrityConstraintViolation(const std::string& message, std::string sqlstate,
                                 std::string constraint)
        : ServerError(message, std::move(sqlstate)), constraint_(std::move(constraint)) {}
    /// The violated constraint's name (may be empty).
    const std::string& constraint() const noexcept { return constraint_; }

private:
    std::string constraint_;
};

/// 23505.
class UniqueViolation : public IntegrityConstraintViolation {
public:
    using IntegrityConstraintViolation::IntegrityConstraintViolation;
};

/// 23503.
class ForeignKeyViolation : public IntegrityConstraintViolation {
public:
    using IntegrityConstraintViolation::IntegrityConstraintViolation;
};

/// Class 40 (transaction rollback): safe to retry the whole transaction.
class TransactionRollback : public ServerError {
public:
    using ServerError::ServerError;
};

/// 40001.
class SerializationFailure : public TransactionRollback {
public:
    using TransactionRollback::TransactionRollback;
};

/// 40P01.
class DeadlockDetected : public TransactionRollback {
public:
    using TransactionRollback::TransactionRollback;
};

/// 25006: a write reached a read-only server (a demoted primary after failover). The pool
/// evicts the connection so the next one re-resolves the primary.
class ReadOnlyTransaction : public ServerError {
public:
    using ServerError::ServerError;
};

/// 26000 (prepared statement does not exist) or 0A000 "cached plan must not change result
/// type" that survived the one automatic retry.
class PreparedStatementError : public ServerError {
public:
    using ServerError::ServerError;
};

/// Class 42: syntax error, undefined table or column, insufficient privilege.
class SyntaxOrAccessError : public ServerError {
public:
    using ServerError::ServerError;
};

/// Class 22: invalid input for a type, division by zero, value out of range.
class DataException : public ServerError {
public:
    using ServerError::ServerError;
};

/// A result value could not be read as the requested C++ type (or was NULL).
class ResultError : public Error {
public:
    using Error::Error;
};

/// Base of the pool's own failures (no SQLSTATE): map to 503 with Retry-After.
class PoolError : public Error {
public:
    using Error::Error;
};

/// acquire() reached its deadline with no connection free.
class PoolTimeout : public PoolError {
public:
    using PoolError::PoolError;
};

/// The waiter queue is full: said at once instead of queueing without bound.
class PoolOverloaded : public PoolError {
public:
    using PoolError::PoolError;
};

/// The database is known to be down (the last connect attempt failed): fail fast while a
/// background task reconnects.
class DatabaseUnavailable : public PoolError {
public:
    using PoolError::PoolError;
};

/// The pool is shutting down.
class PoolClosed : public PoolError {
public:
    using PoolError::PoolError;
};

/// True for the SQLSTATEs after which a connection must not be reused: class 08, 57P01-57P03,
/// 25006 (read-only: connected to a standby).
bool evicts_connection(std::string_view sqlstate) noexcept;

}  // namespace shipd::pg
