// SQLSTATE → pg::Error subtype.
#include "pg/errors.hpp"

#include "pg/detail/error_factory.hpp"
#include "pg/dsn.hpp"

namespace shipd::pg {

bool evicts_connection(std::string_view s) noexcept {
    return s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "25006";
}

namespace detail {

namespace {

std::string one_line(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    for (char& c : text) {
        if (c == '\n' || c == '\t') c = ' ';
    }
    return text;
}

}  // namespace

std::exception_ptr make_error(const PGresult* result, std::string_view secret) {
    const char* state_field = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    std::string state = state_field ? state_field : "";
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    std::string message =
        redact(one_line(primary ? primary : PQresultErrorMessage(result)), secret);
    if (!state.empty()) message += " (SQLSTATE " + state + ")";
    const char* constraint_field = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
    std::string constraint = constraint_field ? constraint_field : "";

    if (state.empty()) return std::make_exception_ptr(ConnectionError(message));
    if (state == "57014") {
        // statement_timeout and a cancel request share 57014; the text tells them apart.
        if (message.find("statement timeout") != std::string::npos) {
            return std::make_exception_ptr(StatementTimeout(message, state));
        }
        return std::make_exception_ptr(QueryCanceled(message, state));
    }
    if (state == "57P01" || state == "57P02" || state == "57P03") {
        return std::make_exception_ptr(AdminShutdown(message, state));
    }
    if (state.starts_with("08")) return std::make_exception_ptr(ConnectionError(message, state));
    if (state == "23505") {
        return std::make_exception_ptr(UniqueViolation(message, state, constraint));
    }
    if (state == "23503") {
        return std::make_exception_ptr(ForeignKeyViolation(message, state, constraint));
    }
    if (state.starts_with("23")) {
        return std::make_exception_ptr(IntegrityConstraintViolation(message, state, constraint));
    }
    if (state == "40001") return std::make_exception_ptr(SerializationFailure(message, state));
    if (state == "40P01") return std::make_exception_ptr(DeadlockDetected(message, state));
    if (state.starts_with("40")) return std::make_exception_ptr(TransactionRollback(message, state));
    if (state == "25006") return std::make_exception_ptr(ReadOnlyTransaction(message, state));
    if (state == "26000" ||
        (state == "0A000" && message.find("cached plan") != std::string::npos)) {
        return std::make_exception_ptr(PreparedStatementError(message, state));
    }
    if (state.starts_with("42")) return std::make_exception_ptr(SyntaxOrAccessError(message, state));
    if (state.starts_with("22")) return std::make_exception_ptr(DataException(message, state));
    return std::make_exception_ptr(ServerError(message, state));
}

std::exception_ptr make_connection_error(PGconn* conn, std::string_view what,
                                         std::string_view secret) {
    std::string text(what);
    if (conn != nullptr) {
        std::string detail = one_line(PQerrorMessage(conn));
        if (!detail.empty()) text += ": " + detail;
    }
    return std::make_exception_ptr(ConnectionError(redact(text, secret)));
}

}  // namespace detail
}  // namespace shipd::pg
