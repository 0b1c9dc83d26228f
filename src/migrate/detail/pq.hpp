// Thin synchronous libpq wrapper for the migration engine's one dedicated connection.
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace shipd::migrate::detail {

/// A failed libpq call: the server's message, SQLSTATE and 1-based character position of the
/// error in the statement text (0 when the server gave none). Never carries a password.
class PqError : public std::runtime_error {
public:
    PqError(std::string message, std::string sqlstate, int position, std::string hint)
        : std::runtime_error(std::move(message)),
          sqlstate_(std::move(sqlstate)),
          position_(position),
          hint_(std::move(hint)) {}
    const std::string& sqlstate() const { return sqlstate_; }
    int position() const { return position_; }
    const std::string& hint() const { return hint_; }

private:
    std::string sqlstate_;
    int position_;
    std::string hint_;
};

/// An owned PGresult; rows and columns as text (NULL as std::nullopt).
class PqResult {
public:
    explicit PqResult(PGresult* res) : res_(res, &PQclear) {}
    int rows() const { return PQntuples(res_.get()); }
    bool is_null(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }
    std::string text(int row, int col) const { return PQgetvalue(res_.get(), row, col); }
    std::optional<std::string> maybe(int row, int col) const {
        if (is_null(row, col)) return std::nullopt;
        return text(row, col);
    }

private:
    std::unique_ptr<PGresult, decltype(&PQclear)> res_;
};

/// One blocking libpq connection. Not thread-safe.
class PqConnection {
public:
    /// Connects; throws PqError naming the target without its password.
    PqConnection(const std::string& conninfo, std::function<void(const std::string&)> on_notice);
    ~PqConnection();
    PqConnection(const PqConnection&) = delete;
    PqConnection& operator=(const PqConnection&) = delete;

    /// Runs one or more statements (simple query protocol). Throws PqError.
    PqResult exec(const std::string& sql);
    /// Runs one statement with $n text parameters (nullopt = NULL). Throws PqError.
    PqResult exec_params(const std::string& sql, const std::vector<std::optional<std::string>>& params);
    /// Runs a statement and swallows any error (for ROLLBACK and unlock on the way out).
    void exec_quietly(const std::string& sql) noexcept;
    /// True when the session is inside a transaction block (or an aborted one).
    bool in_transaction() const;
    /// False once the connection broke.
    bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }

private:
    PqResult check(PGresult* res);

    PGconn* conn_ = nullptr;
    std::function<void(const std::string&)> on_notice_;
};

}  // namespace shipd::migrate::detail
