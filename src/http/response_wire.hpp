// A response's bytes on the wire, written by shipd rather than Beast's serializer: the head
// (status line and fields) into one reused buffer, then head and body in one gather write.
#pragma once

#include <string>

#include "http/types.hpp"

namespace shipd::http {

/// Appends `res`'s head to `out`: the status line ("HTTP/1.1 200 OK"; the reason Beast would
/// send), every field in order ("Name: value"), each line ended by CRLF, then the empty line.
/// Byte for byte what Beast's serializer writes before the body of a response that is not
/// chunked (a chunked one needs Beast's chunk framing); the fields are taken as they are
/// (Content-Length is the caller's, as with Beast).
void append_response_head(std::string& out, const Response& res);

}  // namespace shipd::http
