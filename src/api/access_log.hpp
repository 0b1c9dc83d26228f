// The access log: one line a request (method, path, status, duration, pool wait, request id,
// key).
#pragma once

#include "http/types.hpp"

namespace shipd::api {

/// Middleware (outermost, so it sees the final status of every answer, errors included).
http::Middleware access_log();

}  // namespace shipd::api
