// Shared machinery of the body parsers: the hardened Boost.JSON parse, typed member readers
// that name the field, and the collector that sorts problems into 400s and 422s.
#pragma once

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/parsed.hpp"

namespace shipd::domain::detail {

namespace json = boost::json;

/// Parses `body` (UTF-8 checked first, depth limited to limits::kMaxJsonDepth, no comments, no
/// trailing commas, nothing after the value) into `out`, allocated from `resource`. Returns
/// nullopt on success, else the 400 message ("body is not valid JSON: ...").
std::optional<std::string> parse_json(std::string_view body, json::monotonic_resource& resource,
                                      json::value& out);

/// Problems found while reading a body, in order. Wrong JSON types make a 400, anything
/// else a 422; when both occur the 400 wins (the body's shape is wrong, its values moot).
class Collector {
public:
    /// A member with the wrong JSON type ("must be a number").
    void wrong_type(std::string field, std::string message) {
        wrong_types_.push_back({std::move(field), std::move(message)});
    }
    /// A well-typed member with an invalid value ("must be greater than 0").
    void invalid(std::string field, std::string message) {
        invalid_.push_back({std::move(field), std::move(message)});
    }
    bool ok() const { return wrong_types_.empty() && invalid_.empty(); }

    /// `value` when nothing was found, else the 400 or 422.
    template <class T>
    Parsed<T> finish(T value) {
        Parsed<T> out;
        if (!wrong_types_.empty()) {
            out.failure = Failure::kBadRequest;
            out.message = summary(wrong_types_, "has the wrong JSON type", "have the wrong JSON type");
            out.problems = std::move(wrong_types_);
        } else if (!invalid_.empty()) {
            out.failure = Failure::kValidation;
            out.message = summary(invalid_, "is invalid", "are invalid");
            out.problems = std::move(invalid_);
        } else {
            out.value = std::move(value);
        }
        return out;
    }

private:
    static std::string summary(const std::vector<Problem>& problems, std::string_view one,
                               std::string_view many);
    std::vector<Problem> wrong_types_;
    std::vector<Problem> invalid_;
};

/// A 400 that names no field (the body as a whole is wrong).
template <class T>
Parsed<T> bad_request(std::string message, std::vector<Problem> problems = {}) {
    Parsed<T> out;
    out.failure = Failure::kBadRequest;
    out.message = std::move(message);
    out.problems = std::move(problems);
    return out;
}

/// "prefix.key", or "key" at the top.
std::string join(std::string_view prefix, std::string_view key);
/// "prefix[i]".
std::string at_index(std::string_view prefix, std::size_t index);

/// How a string member is checked.
struct StringRule {
    std::size_t max_chars;         ///< code points
    bool required = false;         ///< absent, null, empty or blank → "is required"
    bool allow_line_breaks = false;  ///< free text: tab, LF, CR allowed
};

/// The member `key` of `obj` at `path`: absent or null → nullopt (a problem when required);
/// not a string → 400; control characters or too long → 422 (value still returned empty).
std::optional<std::string> read_string(const json::object& obj, std::string_view key,
                                       const std::string& path, const StringRule& rule,
                                       Collector& problems);
/// A number member (integers accepted); not a number → 400; not finite → 422.
std::optional<double> read_number(const json::object& obj, std::string_view key,
                                  const std::string& path, bool required, Collector& problems);
/// A boolean member; not a boolean → 400.
std::optional<bool> read_bool(const json::object& obj, std::string_view key,
                              const std::string& path, Collector& problems);
/// An object member; absent or null → nullptr (a problem when required); not an object → 400.
const json::object* read_object(const json::object& obj, std::string_view key,
                                const std::string& path, bool required, Collector& problems);
/// An array member; absent or null → nullptr (a problem when required); not an array → 400.
const json::array* read_array(const json::object& obj, std::string_view key,
                              const std::string& path, bool required, Collector& problems);

}  // namespace shipd::domain::detail
