// The C++ ↔ PostgreSQL text-format mapping for parameters (to_param) and result values
// (decode): text, integers, numeric as string, bool, uuid as string, timestamptz,
// json/jsonb as raw text, text[]; NULL as std::optional.
#pragma once

#include <charconv>
#include <chrono>
#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pg/detail/text_codec.hpp"
#include "pg/errors.hpp"

namespace shipd::pg {

/// timestamptz as a UTC time point with PostgreSQL's resolution.
using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

/// One parameter in text format; nullopt is SQL NULL.
using ParamValue = std::optional<std::string>;

inline ParamValue to_param(std::string_view v) { return std::string(v); }
inline ParamValue to_param(const std::string& v) { return v; }
inline ParamValue to_param(const char* v) { return std::string(v); }
inline ParamValue to_param(std::nullopt_t) { return std::nullopt; }
inline ParamValue to_param(bool v) { return std::string(v ? "true" : "false"); }

template <class T>
    requires(std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char>)
ParamValue to_param(T v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, end);
}

template <std::floating_point T>
ParamValue to_param(T v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, end);
}

template <class Duration>
ParamValue to_param(std::chrono::sys_time<Duration> v) {
    return detail::format_timestamptz(std::chrono::floor<std::chrono::microseconds>(v));
}

/// text[] (any one-dimensional array whose elements are given as text).
inline ParamValue to_param(const std::vector<std::string>& v) {
    std::vector<std::optional<std::string>> items(v.begin(), v.end());
    return detail::format_array(items);
}
inline ParamValue to_param(const std::vector<std::optional<std::string>>& v) {
    return detail::format_array(v);
}

template <class T>
ParamValue to_param(const std::optional<T>& v) {
    if (!v) return std::nullopt;
    return to_param(*v);
}

/// Positional parameters ($1, $2, ...) in text format; types are inferred by the server.
class Params {
public:
    Params() = default;
    template <class... Args>
        requires(sizeof...(Args) > 0 && !(std::same_as<std::decay_t<Args>, Params> || ...))
    explicit Params(const Args&... args) {
        values_.reserve(sizeof...(Args));
        (values_.push_back(to_param(args)), ...);
    }
    /// Appends one parameter.
    template <class T>
    Params& add(const T& value) {
        values_.push_back(to_param(value));
        return *this;
    }
    std::size_t size() const noexcept { return values_.size(); }
    bool empty() const noexcept { return values_.empty(); }
    const std::vector<ParamValue>& values() const noexcept { return values_; }

private:
    std::vector<ParamValue> values_;
};

namespace detail {

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

[[noreturn]] void throw_decode_error(std::string_view column, std::string_view type,
                                     std::string_view value);
[[noreturn]] void throw_null_error(std::string_view column);

}  // namespace detail

/// A field's text (nullopt for NULL) → T. std::optional<T> accepts NULL; any other T throws
/// ResultError on NULL or on text that is not a T. std::string_view points into the Result.
template <class T>
T decode(std::optional<std::string_view> text, std::string_view column) {
    if constexpr (detail::IsOptional<T>::value) {
        if (!text) return std::nullopt;
        return decode<typename T::value_type>(text, column);
    } else {
        if (!text) detail::throw_null_error(column);
        std::string_view v = *text;
        if constexpr (std::same_as<T, std::string>) {
            return std::string(v);
        } else if constexpr (std::same_as<T, std::string_view>) {
            return v;
        } else if constexpr (std::same_as<T, bool>) {
            if (v == "t" || v == "true") return true;
            if (v == "f" || v == "false") return false;
            detail::throw_decode_error(column, "bool", v);
        } else if constexpr (std::is_arithmetic_v<T>) {
            T out{};
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
            if (ec != std::errc{} || end != v.data() + v.size()) {
                detail::throw_decode_error(column, "number", v);
            }
            return out;
        } else if constexpr (std::same_as<T, Timestamp>) {
            return detail::parse_timestamptz(v);
        } else if constexpr (std::same_as<T, std::vector<std::optional<std::string>>>) {
            return detail::parse_array(v);
        } else if constexpr (std::same_as<T, std::vector<std::string>>) {
            std::vector<std::string> out;
            for (auto& item : detail::parse_array(v)) {
                if (!item) detail::throw_null_error(column);
                out.push_back(std::move(*item));
            }
            return out;
        } else {
            static_assert(sizeof(T) == 0, "no pg::decode for this type");
        }
    }
}

}  // namespace shipd::pg

namespace shipd::pg {

/// Appends one row in COPY text format (tab separated, \N for NULL, escaped) to `buffer`,
/// for Connection::copy_in.
void append_copy_row(std::string& buffer, const Params& row);

}  // namespace shipd::pg
