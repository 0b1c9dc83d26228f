// Builds the pg::Error subtype for a failed PGresult or connection.
#pragma once

#include <libpq-fe.h>

#include <exception>
#include <string_view>

namespace shipd::pg::detail {

/// The exception for an error result (PGRES_FATAL_ERROR), by SQLSTATE; `secret` is redacted
/// from the text.
std::exception_ptr make_error(const PGresult* result, std::string_view secret);

/// A ConnectionError with libpq's connection message (one line, secret redacted) after `what`.
std::exception_ptr make_connection_error(PGconn* conn, std::string_view what,
                                         std::string_view secret);

}  // namespace shipd::pg::detail
