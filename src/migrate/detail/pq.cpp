// Thin synchronous libpq wrapper: connect, exec, errors with SQLSTATE and position.
#include "migrate/detail/pq.hpp"

#include <cstdlib>

#include "migrate/detail/conninfo.hpp"

namespace shipd::migrate::detail {

namespace {

std::string trim_trailing_newlines(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

std::string field(const PGresult* res, int code) {
    const char* v = PQresultErrorField(res, code);
    return v ? v : "";
}

void notice_receiver(void* arg, const PGresult* res) {
    auto* callback = static_cast<std::function<void(const std::string&)>*>(arg);
    if (callback && *callback) (*callback)(trim_trailing_newlines(PQresultErrorMessage(res)));
}

}  // namespace

PqConnection::PqConnection(const std::string& conninfo,
                           std::function<void(const std::string&)> on_notice)
    : on_notice_(std::move(on_notice)) {
    const std::string normalized = normalize_conninfo(conninfo);
    conn_ = PQconnectdb(normalized.c_str());
    if (conn_ == nullptr) {
        throw PqError("cannot connect to " + describe_conninfo(normalized) + ": out of memory",
                      "", 0, "");
    }
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string message = trim_trailing_newlines(PQerrorMessage(conn_));
        PQfinish(conn_);
        conn_ = nullptr;
        throw PqError("cannot connect to " + describe_conninfo(normalized) + ": " + message,
                      "08000", 0, "");
    }
    PQsetNoticeReceiver(conn_, &notice_receiver, &on_notice_);
}

PqConnection::~PqConnection() {
    if (conn_) PQfinish(conn_);
}

PqResult PqConnection::check(PGresult* res) {
    PqResult result(res);
    const auto status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
        return result;
    }
    if (res == nullptr) {
        throw PqError(trim_trailing_newlines(PQerrorMessage(conn_)), "08000", 0, "");
    }
    std::string primary = field(res, PG_DIAG_MESSAGE_PRIMARY);
    if (primary.empty()) primary = trim_trailing_newlines(PQresultErrorMessage(res));
    if (primary.empty()) primary = trim_trailing_newlines(PQerrorMessage(conn_));
    std::string detail = field(res, PG_DIAG_MESSAGE_DETAIL);
    if (!detail.empty()) primary += " (" + detail + ")";
    const std::string position = field(res, PG_DIAG_STATEMENT_POSITION);
    throw PqError(primary, field(res, PG_DIAG_SQLSTATE),
                  position.empty() ? 0 : std::atoi(position.c_str()), field(res, PG_DIAG_MESSAGE_HINT));
}

PqResult PqConnection::exec(const std::string& sql) { return check(PQexec(conn_, sql.c_str())); }

PqResult PqConnection::exec_params(const std::string& sql,
                                   const std::vector<std::optional<std::string>>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    return check(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                              values.data(), nullptr, nullptr, 0));
}

void PqConnection::exec_quietly(const std::string& sql) noexcept {
    if (PGresult* res = PQexec(conn_, sql.c_str())) PQclear(res);
}

bool PqConnection::in_transaction() const {
    const auto s = PQtransactionStatus(conn_);
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

}  // namespace shipd::migrate::detail
