// The result of parsing a request: a value, or a 400 / 422 with every problem named.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shipd::domain {

/// One invalid field: a dotted path with array indexes ("events[3].status") and what is wrong
/// with it ("is required"). api/ turns these into API.md's `errors[]`.
struct Problem {
    std::string field;
    std::string message;
};

/// Why parsing failed (API.md's error table).
enum class Failure {
    kNone,        ///< parsed; the value is set
    kBadRequest,  ///< 400 BAD_REQUEST: not JSON, wrong JSON types, bad query parameter
    kValidation,  ///< 422 VALIDATION_ERROR: well-typed but invalid; every field listed
};

/// A parsed request, or why it could not be parsed. Exactly one of: `value` is set and
/// `failure` is kNone, or `value` is empty and `failure` says which error `message` and
/// `problems` describe. Never throws.
template <class T>
struct Parsed {
    using Failure = domain::Failure;

    std::optional<T> value;
    Failure failure = Failure::kNone;
    std::string message;            ///< "body is not valid JSON: ...", "2 fields are invalid"
    std::vector<Problem> problems;  ///< in the order of the body; may be empty for a 400

    /// API.md's error code for the failure: "BAD_REQUEST" or "VALIDATION_ERROR" ("" when ok).
    std::string_view code() const {
        switch (failure) {
            case Failure::kBadRequest: return "BAD_REQUEST";
            case Failure::kValidation: return "VALIDATION_ERROR";
            case Failure::kNone: break;
        }
        return "";
    }

    /// The message with every problem spelled out, for places that have no `errors[]` (an
    /// import line): "2 fields are invalid: to_address.zip is required; parcel.weight ...".
    std::string describe() const {
        if (problems.size() <= 1) return message;
        std::string out = message + ":";
        for (std::size_t i = 0; i < problems.size(); ++i) {
            out += i ? "; " : " ";
            out += problems[i].field + " " + problems[i].message;
        }
        return out;
    }

    /// True when `value` is set.
    bool ok() const { return value.has_value(); }
    explicit operator bool() const { return ok(); }
};

}  // namespace shipd::domain
